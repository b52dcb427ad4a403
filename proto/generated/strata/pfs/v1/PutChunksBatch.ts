// Original file: proto/strata/pfs/v1/pfs.proto

import type { PutChunks as _strata_pfs_v1_PutChunks, PutChunks__Output as _strata_pfs_v1_PutChunks__Output } from '../../../strata/pfs/v1/PutChunks.ts';

export interface PutChunksBatch {
  /**
   * Files to stage, in order (a later one of the same path wins, or appends).
   */
  'files'?: (_strata_pfs_v1_PutChunks)[];
}

export interface PutChunksBatch__Output {
  /**
   * Files to stage, in order (a later one of the same path wins, or appends).
   */
  'files': (_strata_pfs_v1_PutChunks__Output)[];
}
