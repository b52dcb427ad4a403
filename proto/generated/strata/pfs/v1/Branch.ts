// Original file: proto/strata/pfs/v1/pfs.proto


/**
 * A branch named by repo and branch name.
 */
export interface Branch {
  'repo'?: (string);
  'name'?: (string);
}

/**
 * A branch named by repo and branch name.
 */
export interface Branch__Output {
  'repo': (string);
  'name': (string);
}
