// Original file: proto/strata/auth/v1/auth.proto

import type { Long } from '@grpc/proto-loader';

export interface AuditEntry {
  'timeMs'?: (number | string | Long);
  'subject'?: (string);
  'method'?: (string);
  'repo'?: (string);
  /**
   * ok, denied or failed.
   */
  'outcome'?: (string);
  'code'?: (string);
  'detail'?: ({[key: string]: string});
  'requestId'?: (string);
}

export interface AuditEntry__Output {
  'timeMs': (number);
  'subject': (string);
  'method': (string);
  'repo': (string);
  /**
   * ok, denied or failed.
   */
  'outcome': (string);
  'code': (string);
  'detail': ({[key: string]: string});
  'requestId': (string);
}
