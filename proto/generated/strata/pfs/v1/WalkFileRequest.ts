// Original file: proto/strata/pfs/v1/pfs.proto


export interface WalkFileRequest {
  /**
   * Ref with the directory's path (`:/` for the root).
   */
  'dir'?: (string);
}

export interface WalkFileRequest__Output {
  /**
   * Ref with the directory's path (`:/` for the root).
   */
  'dir': (string);
}
