// Original file: proto/strata/auth/v1/auth.proto

import type { Long } from '@grpc/proto-loader';

export interface GetAuditRequest {
  'subject'?: (string);
  'repo'?: (string);
  /**
   * 0 = no bound.
   */
  'sinceMs'?: (number | string | Long);
  'untilMs'?: (number | string | Long);
  /**
   * 0 = the default (1000).
   */
  'limit'?: (number | string | Long);
}

export interface GetAuditRequest__Output {
  'subject': (string);
  'repo': (string);
  /**
   * 0 = no bound.
   */
  'sinceMs': (number);
  'untilMs': (number);
  /**
   * 0 = the default (1000).
   */
  'limit': (number);
}
