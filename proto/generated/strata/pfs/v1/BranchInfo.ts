// Original file: proto/strata/pfs/v1/pfs.proto

import type { Branch as _strata_pfs_v1_Branch, Branch__Output as _strata_pfs_v1_Branch__Output } from '../../../strata/pfs/v1/Branch.ts';
import type { Long } from '@grpc/proto-loader';

export interface BranchInfo {
  'repo'?: (string);
  'name'?: (string);
  /**
   * Id of the head commit; unset while the branch has no commits.
   */
  'head'?: (string);
  /**
   * Branches this one is derived from.
   */
  'provenance'?: (_strata_pfs_v1_Branch)[];
  'createdAtMs'?: (number | string | Long);
  '_head'?: "head";
}

export interface BranchInfo__Output {
  'repo': (string);
  'name': (string);
  /**
   * Id of the head commit; unset while the branch has no commits.
   */
  'head'?: (string);
  /**
   * Branches this one is derived from.
   */
  'provenance': (_strata_pfs_v1_Branch__Output)[];
  'createdAtMs': (number);
  '_head'?: "head";
}
