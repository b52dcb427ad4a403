// Original file: proto/strata/auth/v1/auth.proto


export interface ActivateResponse {
  'rootToken'?: (string);
  'subject'?: (string);
}

export interface ActivateResponse__Output {
  'rootToken': (string);
  'subject': (string);
}
