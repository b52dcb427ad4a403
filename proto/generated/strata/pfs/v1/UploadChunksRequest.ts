// Original file: proto/strata/pfs/v1/pfs.proto

import type { Chunk as _strata_pfs_v1_Chunk, Chunk__Output as _strata_pfs_v1_Chunk__Output } from '../../../strata/pfs/v1/Chunk.ts';

export interface UploadChunksRequest {
  /**
   * Chunks to store; a message holds one or more.
   */
  'chunks'?: (_strata_pfs_v1_Chunk)[];
}

export interface UploadChunksRequest__Output {
  /**
   * Chunks to store; a message holds one or more.
   */
  'chunks': (_strata_pfs_v1_Chunk__Output)[];
}
