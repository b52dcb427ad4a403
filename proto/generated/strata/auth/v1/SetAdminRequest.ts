// Original file: proto/strata/auth/v1/auth.proto


export interface SetAdminRequest {
  'subject'?: (string);
  'admin'?: (boolean);
}

export interface SetAdminRequest__Output {
  'subject': (string);
  'admin': (boolean);
}
