// Original file: proto/strata/pfs/v1/pfs.proto

import type { Long } from '@grpc/proto-loader';

export interface GetFileRequest {
  /**
   * Ref with the file's path, e.g. `repo@main:/a/b.csv`.
   */
  'file'?: (string);
  /**
   * First byte to send (0 = from the start; past the end: nothing).
   */
  'offset'?: (number | string | Long);
  /**
   * Bytes to send; unset = to the end of the file.
   */
  'length'?: (number | string | Long);
  '_length'?: "length";
}

export interface GetFileRequest__Output {
  /**
   * Ref with the file's path, e.g. `repo@main:/a/b.csv`.
   */
  'file': (string);
  /**
   * First byte to send (0 = from the start; past the end: nothing).
   */
  'offset': (number);
  /**
   * Bytes to send; unset = to the end of the file.
   */
  'length'?: (number);
  '_length'?: "length";
}
