// Original file: proto/strata/pfs/v1/pfs.proto


export interface MissingChunksRequest {
  /**
   * Chunk hashes, 64 hex characters each.
   */
  'hashes'?: (string)[];
}

export interface MissingChunksRequest__Output {
  /**
   * Chunk hashes, 64 hex characters each.
   */
  'hashes': (string)[];
}
