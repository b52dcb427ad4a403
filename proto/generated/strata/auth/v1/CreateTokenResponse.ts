// Original file: proto/strata/auth/v1/auth.proto

import type { TokenInfo as _strata_auth_v1_TokenInfo, TokenInfo__Output as _strata_auth_v1_TokenInfo__Output } from '../../../strata/auth/v1/TokenInfo.ts';

export interface CreateTokenResponse {
  'token'?: (string);
  'info'?: (_strata_auth_v1_TokenInfo | null);
}

export interface CreateTokenResponse__Output {
  'token': (string);
  'info': (_strata_auth_v1_TokenInfo__Output | null);
}
