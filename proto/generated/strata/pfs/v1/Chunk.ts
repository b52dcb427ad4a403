// Original file: proto/strata/pfs/v1/pfs.proto


export interface Chunk {
  /**
   * SHA-256 of `data`, 64 hex characters.
   */
  'hash'?: (string);
  /**
   * The chunk's bytes (not empty).
   */
  'data'?: (Buffer | Uint8Array | string);
}

export interface Chunk__Output {
  /**
   * SHA-256 of `data`, 64 hex characters.
   */
  'hash': (string);
  /**
   * The chunk's bytes (not empty).
   */
  'data': (Buffer);
}
