// Original file: proto/strata/pfs/v1/pfs.proto

import type { Long } from '@grpc/proto-loader';

export interface GarbageCollectRequest {
  /**
   * Unreferenced chunks younger than this are kept; unset = one hour.
   */
  'graceMs'?: (number | string | Long);
  '_graceMs'?: "graceMs";
}

export interface GarbageCollectRequest__Output {
  /**
   * Unreferenced chunks younger than this are kept; unset = one hour.
   */
  'graceMs'?: (number);
  '_graceMs'?: "graceMs";
}
