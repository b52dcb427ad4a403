// Original file: proto/strata/auth/v1/auth.proto

import type { RoleBinding as _strata_auth_v1_RoleBinding, RoleBinding__Output as _strata_auth_v1_RoleBinding__Output } from '../../../strata/auth/v1/RoleBinding.ts';
import type { Long } from '@grpc/proto-loader';

export interface WhoAmIResponse {
  'subject'?: (string);
  'admin'?: (boolean);
  /**
   * 0 = never.
   */
  'expiresAtMs'?: (number | string | Long);
  'authActive'?: (boolean);
  'roles'?: (_strata_auth_v1_RoleBinding)[];
  /**
   * The id of the token used ("" with auth off).
   */
  'tokenId'?: (string);
}

export interface WhoAmIResponse__Output {
  'subject': (string);
  'admin': (boolean);
  /**
   * 0 = never.
   */
  'expiresAtMs': (number);
  'authActive': (boolean);
  'roles': (_strata_auth_v1_RoleBinding__Output)[];
  /**
   * The id of the token used ("" with auth off).
   */
  'tokenId': (string);
}
