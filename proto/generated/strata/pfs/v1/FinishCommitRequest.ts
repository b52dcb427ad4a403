// Original file: proto/strata/pfs/v1/pfs.proto


export interface FinishCommitRequest {
  /**
   * Ref (no path) of an open commit, e.g. `repo@branch` or `repo@<id>`.
   */
  'commit'?: (string);
  /**
   * Replaces the description given at start, when set.
   */
  'description'?: (string);
  '_description'?: "description";
}

export interface FinishCommitRequest__Output {
  /**
   * Ref (no path) of an open commit, e.g. `repo@branch` or `repo@<id>`.
   */
  'commit': (string);
  /**
   * Replaces the description given at start, when set.
   */
  'description'?: (string);
  '_description'?: "description";
}
