// Original file: proto/strata/pfs/v1/pfs.proto

import type { Long } from '@grpc/proto-loader';

export interface ListCommitRequest {
  /**
   * Ref (no path) of the newest commit to list.
   */
  'ref'?: (string);
  /**
   * Optional ref (no path, same repo): stop after this commit (inclusive).
   */
  'to'?: (string);
  /**
   * At most this many commits; 0 = no limit.
   */
  'limit'?: (number | string | Long);
}

export interface ListCommitRequest__Output {
  /**
   * Ref (no path) of the newest commit to list.
   */
  'ref': (string);
  /**
   * Optional ref (no path, same repo): stop after this commit (inclusive).
   */
  'to': (string);
  /**
   * At most this many commits; 0 = no limit.
   */
  'limit': (number);
}
