// Original file: proto/strata/auth/v1/auth.proto


export interface ListTokensRequest {
  /**
   * "" = all the caller may see.
   */
  'subject'?: (string);
}

export interface ListTokensRequest__Output {
  /**
   * "" = all the caller may see.
   */
  'subject': (string);
}
