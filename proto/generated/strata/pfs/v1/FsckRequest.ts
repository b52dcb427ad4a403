// Original file: proto/strata/pfs/v1/pfs.proto


export interface FsckRequest {
  /**
   * Also read every pack and check every chunk's bytes (slow).
   */
  'verifyData'?: (boolean);
}

export interface FsckRequest__Output {
  /**
   * Also read every pack and check every chunk's bytes (slow).
   */
  'verifyData': (boolean);
}
