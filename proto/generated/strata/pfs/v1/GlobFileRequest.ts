// Original file: proto/strata/pfs/v1/pfs.proto


export interface GlobFileRequest {
  /**
   * Ref of the commit (no path).
   */
  'ref'?: (string);
  /**
   * Absolute glob pattern, e.g. `/a/** /*.csv`.
   */
  'pattern'?: (string);
}

export interface GlobFileRequest__Output {
  /**
   * Ref of the commit (no path).
   */
  'ref': (string);
  /**
   * Absolute glob pattern, e.g. `/a/** /*.csv`.
   */
  'pattern': (string);
}
