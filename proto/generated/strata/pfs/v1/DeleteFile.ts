// Original file: proto/strata/pfs/v1/pfs.proto


export interface DeleteFile {
  /**
   * A file, or a directory (everything under it). A trailing `/` or `dir`
   * deletes a directory.
   */
  'path'?: (string);
  'dir'?: (boolean);
}

export interface DeleteFile__Output {
  /**
   * A file, or a directory (everything under it). A trailing `/` or `dir`
   * deletes a directory.
   */
  'path': (string);
  'dir': (boolean);
}
