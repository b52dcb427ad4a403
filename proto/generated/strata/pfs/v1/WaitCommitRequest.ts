// Original file: proto/strata/pfs/v1/pfs.proto


export interface WaitCommitRequest {
  /**
   * Ref (no path).
   */
  'commit'?: (string);
}

export interface WaitCommitRequest__Output {
  /**
   * Ref (no path).
   */
  'commit': (string);
}
