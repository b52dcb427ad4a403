// Original file: proto/strata/pfs/v1/pfs.proto


export interface ListSubvenanceRequest {
  /**
   * Ref (no path).
   */
  'commit'?: (string);
}

export interface ListSubvenanceRequest__Output {
  /**
   * Ref (no path).
   */
  'commit': (string);
}
