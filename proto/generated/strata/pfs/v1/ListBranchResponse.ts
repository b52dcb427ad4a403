// Original file: proto/strata/pfs/v1/pfs.proto

import type { BranchInfo as _strata_pfs_v1_BranchInfo, BranchInfo__Output as _strata_pfs_v1_BranchInfo__Output } from '../../../strata/pfs/v1/BranchInfo.ts';

export interface ListBranchResponse {
  'branches'?: (_strata_pfs_v1_BranchInfo)[];
}

export interface ListBranchResponse__Output {
  'branches': (_strata_pfs_v1_BranchInfo__Output)[];
}
