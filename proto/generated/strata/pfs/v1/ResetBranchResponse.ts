// Original file: proto/strata/pfs/v1/pfs.proto

import type { BranchInfo as _strata_pfs_v1_BranchInfo, BranchInfo__Output as _strata_pfs_v1_BranchInfo__Output } from '../../../strata/pfs/v1/BranchInfo.ts';

export interface ResetBranchResponse {
  'branch'?: (_strata_pfs_v1_BranchInfo | null);
  /**
   * The head before the reset; unset when the branch had no commits.
   */
  'previousHead'?: (string);
  '_previousHead'?: "previousHead";
}

export interface ResetBranchResponse__Output {
  'branch': (_strata_pfs_v1_BranchInfo__Output | null);
  /**
   * The head before the reset; unset when the branch had no commits.
   */
  'previousHead'?: (string);
  '_previousHead'?: "previousHead";
}
