// Original file: proto/strata/pfs/v1/pfs.proto

import type { Long } from '@grpc/proto-loader';

export interface UploadChunksResponse {
  /**
   * Chunks received.
   */
  'chunks'?: (number | string | Long);
  /**
   * Of those, chunks the server did not have before (when auth is on and the
   * caller is not a cluster admin: every chunk received, for the reason
   * MissingChunks gives).
   */
  'newChunks'?: (number | string | Long);
  /**
   * Bytes of the new chunks.
   */
  'newBytes'?: (number | string | Long);
}

export interface UploadChunksResponse__Output {
  /**
   * Chunks received.
   */
  'chunks': (number);
  /**
   * Of those, chunks the server did not have before (when auth is on and the
   * caller is not a cluster admin: every chunk received, for the reason
   * MissingChunks gives).
   */
  'newChunks': (number);
  /**
   * Bytes of the new chunks.
   */
  'newBytes': (number);
}
