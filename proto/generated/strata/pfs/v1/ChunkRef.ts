// Original file: proto/strata/pfs/v1/pfs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One content-defined chunk of a file.
 */
export interface ChunkRef {
  /**
   * SHA-256 of the chunk's bytes, 64 hex characters.
   */
  'hash'?: (string);
  'sizeBytes'?: (number | string | Long);
}

/**
 * One content-defined chunk of a file.
 */
export interface ChunkRef__Output {
  /**
   * SHA-256 of the chunk's bytes, 64 hex characters.
   */
  'hash': (string);
  'sizeBytes': (number);
}
