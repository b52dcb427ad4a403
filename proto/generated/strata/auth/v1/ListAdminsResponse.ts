// Original file: proto/strata/auth/v1/auth.proto


export interface ListAdminsResponse {
  'subjects'?: (string)[];
}

export interface ListAdminsResponse__Output {
  'subjects': (string)[];
}
