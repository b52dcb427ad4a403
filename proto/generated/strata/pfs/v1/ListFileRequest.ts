// Original file: proto/strata/pfs/v1/pfs.proto

import type { Long } from '@grpc/proto-loader';

export interface ListFileRequest {
  /**
   * Ref with the directory's path (`:/` for the root).
   */
  'dir'?: (string);
  /**
   * Start after this child (for paging): the last entry seen, by path
   * (`/dir/b.txt`) or by name (`b.txt`); empty = from the start.
   */
  'after'?: (string);
  /**
   * At most this many entries; 0 = no limit.
   */
  'limit'?: (number | string | Long);
  /**
   * Fill FileInfo.chunks of each listed file of at most this many bytes
   * (0 = of none; at most 16 MiB), so a client can read a directory's small
   * files by chunk (GetChunks, many files per call) without an InspectFile
   * or a GetFile per file.
   */
  'includeChunksMaxBytes'?: (number | string | Long);
}

export interface ListFileRequest__Output {
  /**
   * Ref with the directory's path (`:/` for the root).
   */
  'dir': (string);
  /**
   * Start after this child (for paging): the last entry seen, by path
   * (`/dir/b.txt`) or by name (`b.txt`); empty = from the start.
   */
  'after': (string);
  /**
   * At most this many entries; 0 = no limit.
   */
  'limit': (number);
  /**
   * Fill FileInfo.chunks of each listed file of at most this many bytes
   * (0 = of none; at most 16 MiB), so a client can read a directory's small
   * files by chunk (GetChunks, many files per call) without an InspectFile
   * or a GetFile per file.
   */
  'includeChunksMaxBytes': (number);
}
