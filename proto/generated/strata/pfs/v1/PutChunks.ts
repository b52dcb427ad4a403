// Original file: proto/strata/pfs/v1/pfs.proto

import type { ChunkRef as _strata_pfs_v1_ChunkRef, ChunkRef__Output as _strata_pfs_v1_ChunkRef__Output } from '../../../strata/pfs/v1/ChunkRef.ts';

export interface PutChunks {
  'path'?: (string);
  /**
   * The file's chunks, in order; each must be stored already. When auth is
   * on and the caller is not a cluster admin, each must also have been sent
   * on this same ModifyFile stream (its `chunks` operation): a hash alone is
   * not proof that the caller holds the bytes (NOT_AUTHORIZED otherwise).
   */
  'chunks'?: (_strata_pfs_v1_ChunkRef)[];
  'append'?: (boolean);
}

export interface PutChunks__Output {
  'path': (string);
  /**
   * The file's chunks, in order; each must be stored already. When auth is
   * on and the caller is not a cluster admin, each must also have been sent
   * on this same ModifyFile stream (its `chunks` operation): a hash alone is
   * not proof that the caller holds the bytes (NOT_AUTHORIZED otherwise).
   */
  'chunks': (_strata_pfs_v1_ChunkRef__Output)[];
  'append': (boolean);
}
