// Original file: proto/strata/auth/v1/auth.proto

import type { RoleBinding as _strata_auth_v1_RoleBinding, RoleBinding__Output as _strata_auth_v1_RoleBinding__Output } from '../../../strata/auth/v1/RoleBinding.ts';

export interface GetRolesResponse {
  'roles'?: (_strata_auth_v1_RoleBinding)[];
}

export interface GetRolesResponse__Output {
  'roles': (_strata_auth_v1_RoleBinding__Output)[];
}
