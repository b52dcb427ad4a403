// Original file: proto/strata/pfs/v1/pfs.proto


export interface SquashCommitRequest {
  /**
   * Ref (no path) of a finished commit.
   */
  'commit'?: (string);
}

export interface SquashCommitRequest__Output {
  /**
   * Ref (no path) of a finished commit.
   */
  'commit': (string);
}
