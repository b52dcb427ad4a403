// Original file: proto/strata/pfs/v1/pfs.proto


/**
 * A commit named by repo and id.
 */
export interface Commit {
  'repo'?: (string);
  /**
   * 32 lower-case hex digits.
   */
  'id'?: (string);
}

/**
 * A commit named by repo and id.
 */
export interface Commit__Output {
  'repo': (string);
  /**
   * 32 lower-case hex digits.
   */
  'id': (string);
}
