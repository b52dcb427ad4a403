// Original file: proto/strata/pfs/v1/pfs.proto


export interface InspectCommitRequest {
  /**
   * Ref (no path).
   */
  'commit'?: (string);
}

export interface InspectCommitRequest__Output {
  /**
   * Ref (no path).
   */
  'commit': (string);
}
