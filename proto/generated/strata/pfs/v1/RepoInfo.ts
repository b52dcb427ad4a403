// Original file: proto/strata/pfs/v1/pfs.proto

import type { Long } from '@grpc/proto-loader';

export interface RepoInfo {
  'name'?: (string);
  'description'?: (string);
  'createdAtMs'?: (number | string | Long);
  /**
   * Names of the repo's branches.
   */
  'branches'?: (string)[];
  /**
   * Bytes in the head of the default branch (0 when it has none).
   */
  'sizeBytes'?: (number | string | Long);
}

export interface RepoInfo__Output {
  'name': (string);
  'description': (string);
  'createdAtMs': (number);
  /**
   * Names of the repo's branches.
   */
  'branches': (string)[];
  /**
   * Bytes in the head of the default branch (0 when it has none).
   */
  'sizeBytes': (number);
}
