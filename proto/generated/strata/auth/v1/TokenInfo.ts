// Original file: proto/strata/auth/v1/auth.proto

import type { Long } from '@grpc/proto-loader';

export interface TokenInfo {
  'id'?: (string);
  'subject'?: (string);
  'createdAtMs'?: (number | string | Long);
  'createdBy'?: (string);
  /**
   * 0 = never.
   */
  'expiresAtMs'?: (number | string | Long);
  'description'?: (string);
}

export interface TokenInfo__Output {
  'id': (string);
  'subject': (string);
  'createdAtMs': (number);
  'createdBy': (string);
  /**
   * 0 = never.
   */
  'expiresAtMs': (number);
  'description': (string);
}
