// Original file: proto/strata/pfs/v1/pfs.proto

import type { Commit as _strata_pfs_v1_Commit, Commit__Output as _strata_pfs_v1_Commit__Output } from '../../../strata/pfs/v1/Commit.ts';

export interface ListSubvenanceResponse {
  'commits'?: (_strata_pfs_v1_Commit)[];
}

export interface ListSubvenanceResponse__Output {
  'commits': (_strata_pfs_v1_Commit__Output)[];
}
