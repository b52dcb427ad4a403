// Original file: proto/strata/pfs/v1/pfs.proto


export interface DiffFileRequest {
  /**
   * Ref (no path) of the newer commit.
   */
  'newRef'?: (string);
  /**
   * Ref (no path) of the older commit; empty = the newer commit's parent.
   */
  'oldRef'?: (string);
}

export interface DiffFileRequest__Output {
  /**
   * Ref (no path) of the newer commit.
   */
  'newRef': (string);
  /**
   * Ref (no path) of the older commit; empty = the newer commit's parent.
   */
  'oldRef': (string);
}
