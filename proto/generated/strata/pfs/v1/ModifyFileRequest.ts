// Original file: proto/strata/pfs/v1/pfs.proto

import type { ModifyFileHeader as _strata_pfs_v1_ModifyFileHeader, ModifyFileHeader__Output as _strata_pfs_v1_ModifyFileHeader__Output } from '../../../strata/pfs/v1/ModifyFileHeader.ts';
import type { PutFileStart as _strata_pfs_v1_PutFileStart, PutFileStart__Output as _strata_pfs_v1_PutFileStart__Output } from '../../../strata/pfs/v1/PutFileStart.ts';
import type { PutChunks as _strata_pfs_v1_PutChunks, PutChunks__Output as _strata_pfs_v1_PutChunks__Output } from '../../../strata/pfs/v1/PutChunks.ts';
import type { DeleteFile as _strata_pfs_v1_DeleteFile, DeleteFile__Output as _strata_pfs_v1_DeleteFile__Output } from '../../../strata/pfs/v1/DeleteFile.ts';
import type { CopyFile as _strata_pfs_v1_CopyFile, CopyFile__Output as _strata_pfs_v1_CopyFile__Output } from '../../../strata/pfs/v1/CopyFile.ts';
import type { ModifyFileDone as _strata_pfs_v1_ModifyFileDone, ModifyFileDone__Output as _strata_pfs_v1_ModifyFileDone__Output } from '../../../strata/pfs/v1/ModifyFileDone.ts';
import type { UploadChunksRequest as _strata_pfs_v1_UploadChunksRequest, UploadChunksRequest__Output as _strata_pfs_v1_UploadChunksRequest__Output } from '../../../strata/pfs/v1/UploadChunksRequest.ts';
import type { PutChunksBatch as _strata_pfs_v1_PutChunksBatch, PutChunksBatch__Output as _strata_pfs_v1_PutChunksBatch__Output } from '../../../strata/pfs/v1/PutChunksBatch.ts';
import type { BulkChunks as _strata_pfs_v1_BulkChunks, BulkChunks__Output as _strata_pfs_v1_BulkChunks__Output } from '../../../strata/pfs/v1/BulkChunks.ts';

export interface ModifyFileRequest {
  /**
   * Must be the first message, and only the first.
   */
  'header'?: (_strata_pfs_v1_ModifyFileHeader | null);
  /**
   * Starts a file; its bytes follow as `data` messages.
   */
  'putFile'?: (_strata_pfs_v1_PutFileStart | null);
  /**
   * Bytes of the current `put_file`, in order; at most 4 MiB per message.
   */
  'data'?: (Buffer | Uint8Array | string);
  /**
   * Stages a file from chunks the server already has (see UploadChunks).
   */
  'putChunks'?: (_strata_pfs_v1_PutChunks | null);
  'deleteFile'?: (_strata_pfs_v1_DeleteFile | null);
  'copyFile'?: (_strata_pfs_v1_CopyFile | null);
  /**
   * The last message: the operations are complete; commit them. Required.
   */
  'done'?: (_strata_pfs_v1_ModifyFileDone | null);
  /**
   * Stores chunks, checked as UploadChunks checks them; a later
   * `put_chunks` on the same stream may name them. Lets a client send the
   * chunks the server lacks and the files made of them on one stream,
   * without waiting for an UploadChunks call to finish first. A message
   * holds at most 4 MiB of chunk data (and must fit the 4 MiB + 64 KiB
   * message limit with its hashes: about 500 chunks at most).
   */
  'chunks'?: (_strata_pfs_v1_UploadChunksRequest | null);
  /**
   * Several put_chunks at once, applied in order exactly as if each were
   * its own message: a tree of small files costs one message per batch of
   * files instead of one per file. Like every message, at most 4 MiB +
   * 64 KiB in all.
   */
  'putChunksBatch'?: (_strata_pfs_v1_PutChunksBatch | null);
  /**
   * Stores chunks whose bytes travel on the stream's bulk connection
   * instead (see ModifyFileHeader.bulk): checked and stored as `chunks`,
   * in this message's place in the stream.
   */
  'bulkChunks'?: (_strata_pfs_v1_BulkChunks | null);
  'body'?: "header"|"putFile"|"data"|"putChunks"|"deleteFile"|"copyFile"|"done"|"chunks"|"putChunksBatch"|"bulkChunks";
}

export interface ModifyFileRequest__Output {
  /**
   * Must be the first message, and only the first.
   */
  'header'?: (_strata_pfs_v1_ModifyFileHeader__Output | null);
  /**
   * Starts a file; its bytes follow as `data` messages.
   */
  'putFile'?: (_strata_pfs_v1_PutFileStart__Output | null);
  /**
   * Bytes of the current `put_file`, in order; at most 4 MiB per message.
   */
  'data'?: (Buffer);
  /**
   * Stages a file from chunks the server already has (see UploadChunks).
   */
  'putChunks'?: (_strata_pfs_v1_PutChunks__Output | null);
  'deleteFile'?: (_strata_pfs_v1_DeleteFile__Output | null);
  'copyFile'?: (_strata_pfs_v1_CopyFile__Output | null);
  /**
   * The last message: the operations are complete; commit them. Required.
   */
  'done'?: (_strata_pfs_v1_ModifyFileDone__Output | null);
  /**
   * Stores chunks, checked as UploadChunks checks them; a later
   * `put_chunks` on the same stream may name them. Lets a client send the
   * chunks the server lacks and the files made of them on one stream,
   * without waiting for an UploadChunks call to finish first. A message
   * holds at most 4 MiB of chunk data (and must fit the 4 MiB + 64 KiB
   * message limit with its hashes: about 500 chunks at most).
   */
  'chunks'?: (_strata_pfs_v1_UploadChunksRequest__Output | null);
  /**
   * Several put_chunks at once, applied in order exactly as if each were
   * its own message: a tree of small files costs one message per batch of
   * files instead of one per file. Like every message, at most 4 MiB +
   * 64 KiB in all.
   */
  'putChunksBatch'?: (_strata_pfs_v1_PutChunksBatch__Output | null);
  /**
   * Stores chunks whose bytes travel on the stream's bulk connection
   * instead (see ModifyFileHeader.bulk): checked and stored as `chunks`,
   * in this message's place in the stream.
   */
  'bulkChunks'?: (_strata_pfs_v1_BulkChunks__Output | null);
  'body'?: "header"|"putFile"|"data"|"putChunks"|"deleteFile"|"copyFile"|"done"|"chunks"|"putChunksBatch"|"bulkChunks";
}
