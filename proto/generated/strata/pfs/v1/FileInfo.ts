// Original file: proto/strata/pfs/v1/pfs.proto

import type { FileType as _strata_pfs_v1_FileType, FileType__Output as _strata_pfs_v1_FileType__Output } from '../../../strata/pfs/v1/FileType.ts';
import type { ChunkRef as _strata_pfs_v1_ChunkRef, ChunkRef__Output as _strata_pfs_v1_ChunkRef__Output } from '../../../strata/pfs/v1/ChunkRef.ts';
import type { Long } from '@grpc/proto-loader';

export interface FileInfo {
  /**
   * Normalised absolute path.
   */
  'path'?: (string);
  'type'?: (_strata_pfs_v1_FileType);
  /**
   * A file's size; for a directory, set only when cheap to know (the root of
   * a finished commit).
   */
  'sizeBytes'?: (number | string | Long);
  /**
   * A file's content hash (SHA-256 over its chunk hashes); empty for a directory.
   */
  'hash'?: (string);
  /**
   * A file's chunks, in order; only with InspectFileRequest.include_chunks.
   */
  'chunks'?: (_strata_pfs_v1_ChunkRef)[];
  /**
   * The commit this view of the file belongs to.
   */
  'commit'?: (string);
  '_sizeBytes'?: "sizeBytes";
}

export interface FileInfo__Output {
  /**
   * Normalised absolute path.
   */
  'path': (string);
  'type': (_strata_pfs_v1_FileType__Output);
  /**
   * A file's size; for a directory, set only when cheap to know (the root of
   * a finished commit).
   */
  'sizeBytes'?: (number);
  /**
   * A file's content hash (SHA-256 over its chunk hashes); empty for a directory.
   */
  'hash': (string);
  /**
   * A file's chunks, in order; only with InspectFileRequest.include_chunks.
   */
  'chunks': (_strata_pfs_v1_ChunkRef__Output)[];
  /**
   * The commit this view of the file belongs to.
   */
  'commit': (string);
  '_sizeBytes'?: "sizeBytes";
}
