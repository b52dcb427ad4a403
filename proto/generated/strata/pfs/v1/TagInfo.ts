// Original file: proto/strata/pfs/v1/pfs.proto

import type { Long } from '@grpc/proto-loader';

export interface TagInfo {
  'repo'?: (string);
  'name'?: (string);
  /**
   * Id of the commit the tag names.
   */
  'commit'?: (string);
  'createdAtMs'?: (number | string | Long);
}

export interface TagInfo__Output {
  'repo': (string);
  'name': (string);
  /**
   * Id of the commit the tag names.
   */
  'commit': (string);
  'createdAtMs': (number);
}
