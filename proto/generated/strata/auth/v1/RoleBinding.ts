// Original file: proto/strata/auth/v1/auth.proto


export interface RoleBinding {
  /**
   * On GetRoles: the subject; on WhoAmI: the repo.
   */
  'subject'?: (string);
  'repo'?: (string);
  'role'?: (string);
}

export interface RoleBinding__Output {
  /**
   * On GetRoles: the subject; on WhoAmI: the repo.
   */
  'subject': (string);
  'repo': (string);
  'role': (string);
}
