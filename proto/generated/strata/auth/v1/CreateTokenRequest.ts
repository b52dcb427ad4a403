// Original file: proto/strata/auth/v1/auth.proto

import type { Long } from '@grpc/proto-loader';

export interface CreateTokenRequest {
  'subject'?: (string);
  /**
   * 0 = no expiry (capped by the caller's own token's expiry).
   */
  'ttlMs'?: (number | string | Long);
  'description'?: (string);
}

export interface CreateTokenRequest__Output {
  'subject': (string);
  /**
   * 0 = no expiry (capped by the caller's own token's expiry).
   */
  'ttlMs': (number);
  'description': (string);
}
