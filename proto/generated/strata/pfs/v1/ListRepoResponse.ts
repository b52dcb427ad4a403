// Original file: proto/strata/pfs/v1/pfs.proto

import type { RepoInfo as _strata_pfs_v1_RepoInfo, RepoInfo__Output as _strata_pfs_v1_RepoInfo__Output } from '../../../strata/pfs/v1/RepoInfo.ts';

export interface ListRepoResponse {
  'repos'?: (_strata_pfs_v1_RepoInfo)[];
}

export interface ListRepoResponse__Output {
  'repos': (_strata_pfs_v1_RepoInfo__Output)[];
}
