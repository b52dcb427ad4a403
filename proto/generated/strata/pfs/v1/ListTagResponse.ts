// Original file: proto/strata/pfs/v1/pfs.proto

import type { TagInfo as _strata_pfs_v1_TagInfo, TagInfo__Output as _strata_pfs_v1_TagInfo__Output } from '../../../strata/pfs/v1/TagInfo.ts';

export interface ListTagResponse {
  'tags'?: (_strata_pfs_v1_TagInfo)[];
}

export interface ListTagResponse__Output {
  'tags': (_strata_pfs_v1_TagInfo__Output)[];
}
