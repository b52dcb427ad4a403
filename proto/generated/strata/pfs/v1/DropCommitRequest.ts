// Original file: proto/strata/pfs/v1/pfs.proto


export interface DropCommitRequest {
  /**
   * Ref (no path) of a commit without children.
   */
  'commit'?: (string);
}

export interface DropCommitRequest__Output {
  /**
   * Ref (no path) of a commit without children.
   */
  'commit': (string);
}
