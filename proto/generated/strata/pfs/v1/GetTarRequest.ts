// Original file: proto/strata/pfs/v1/pfs.proto


export interface GetTarRequest {
  /**
   * Ref of the commit, optionally with a directory or file path (default
   * `/`). Without `glob`, the archive holds every file under that path.
   */
  'ref'?: (string);
  /**
   * Optional absolute glob (e.g. `/logs/** /*.json`): the archive holds the
   * matching files instead (the ref's path is then not allowed).
   */
  'glob'?: (string);
}

export interface GetTarRequest__Output {
  /**
   * Ref of the commit, optionally with a directory or file path (default
   * `/`). Without `glob`, the archive holds every file under that path.
   */
  'ref': (string);
  /**
   * Optional absolute glob (e.g. `/logs/** /*.json`): the archive holds the
   * matching files instead (the ref's path is then not allowed).
   */
  'glob': (string);
}
