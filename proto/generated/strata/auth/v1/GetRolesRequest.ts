// Original file: proto/strata/auth/v1/auth.proto


export interface GetRolesRequest {
  'repo'?: (string);
}

export interface GetRolesRequest__Output {
  'repo': (string);
}
