// Original file: proto/strata/pfs/v1/pfs.proto


export interface CopyFile {
  /**
   * Source ref with path (file or directory), e.g. `repo@main^:/a`; may be
   * another repo. Copies by reference: no bytes are copied.
   */
  'src'?: (string);
  /**
   * Destination path in the target commit.
   */
  'dstPath'?: (string);
}

export interface CopyFile__Output {
  /**
   * Source ref with path (file or directory), e.g. `repo@main^:/a`; may be
   * another repo. Copies by reference: no bytes are copied.
   */
  'src': (string);
  /**
   * Destination path in the target commit.
   */
  'dstPath': (string);
}
