// Original file: proto/strata/pfs/v1/pfs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The next `bytes` bytes of the stream's bulk connection: `count` chunks,
 * each its 32-byte SHA-256, its length as a 4-byte big-endian integer, then
 * its bytes. The server reads them when it reaches this message, checks each
 * hash as for `chunks`, and fails the stream (nothing committed) if the
 * connection ends early or the frames do not add up to `bytes`.
 */
export interface BulkChunks {
  'count'?: (number);
  'bytes'?: (number | string | Long);
}

/**
 * The next `bytes` bytes of the stream's bulk connection: `count` chunks,
 * each its 32-byte SHA-256, its length as a 4-byte big-endian integer, then
 * its bytes. The server reads them when it reaches this message, checks each
 * hash as for `chunks`, and fails the stream (nothing committed) if the
 * connection ends early or the frames do not add up to `bytes`.
 */
export interface BulkChunks__Output {
  'count': (number);
  'bytes': (number);
}
