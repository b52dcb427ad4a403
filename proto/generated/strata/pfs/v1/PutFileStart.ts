// Original file: proto/strata/pfs/v1/pfs.proto

import type { Long } from '@grpc/proto-loader';

export interface PutFileStart {
  /**
   * Path of the file to write (overwritten unless `append`).
   */
  'path'?: (string);
  /**
   * Append the data to the file's current content.
   */
  'append'?: (boolean);
  /**
   * Optional: the number of bytes that follow. When set, a different count
   * before the next operation fails the stream with UPLOAD_INCOMPLETE and
   * nothing is committed.
   */
  'sizeBytes'?: (number | string | Long);
  '_sizeBytes'?: "sizeBytes";
}

export interface PutFileStart__Output {
  /**
   * Path of the file to write (overwritten unless `append`).
   */
  'path': (string);
  /**
   * Append the data to the file's current content.
   */
  'append': (boolean);
  /**
   * Optional: the number of bytes that follow. When set, a different count
   * before the next operation fails the stream with UPLOAD_INCOMPLETE and
   * nothing is committed.
   */
  'sizeBytes'?: (number);
  '_sizeBytes'?: "sizeBytes";
}
