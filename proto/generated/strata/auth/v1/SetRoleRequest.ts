// Original file: proto/strata/auth/v1/auth.proto


export interface SetRoleRequest {
  'repo'?: (string);
  'subject'?: (string);
  /**
   * reader, writer, owner, or none.
   */
  'role'?: (string);
}

export interface SetRoleRequest__Output {
  'repo': (string);
  'subject': (string);
  /**
   * reader, writer, owner, or none.
   */
  'role': (string);
}
