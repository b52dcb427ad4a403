// Original file: proto/strata/pfs/v1/pfs.proto

import type { CommitOrigin as _strata_pfs_v1_CommitOrigin, CommitOrigin__Output as _strata_pfs_v1_CommitOrigin__Output } from '../../../strata/pfs/v1/CommitOrigin.ts';
import type { CommitState as _strata_pfs_v1_CommitState, CommitState__Output as _strata_pfs_v1_CommitState__Output } from '../../../strata/pfs/v1/CommitState.ts';
import type { Commit as _strata_pfs_v1_Commit, Commit__Output as _strata_pfs_v1_Commit__Output } from '../../../strata/pfs/v1/Commit.ts';
import type { Long } from '@grpc/proto-loader';

export interface CommitInfo {
  'repo'?: (string);
  'id'?: (string);
  /**
   * The branch the commit was made on; unset for commits without one.
   */
  'branch'?: (string);
  /**
   * Id of the parent commit; unset for a root commit.
   */
  'parent'?: (string);
  /**
   * Ids of the child commits.
   */
  'children'?: (string)[];
  'origin'?: (_strata_pfs_v1_CommitOrigin);
  'description'?: (string);
  'state'?: (_strata_pfs_v1_CommitState);
  'startedAtMs'?: (number | string | Long);
  /**
   * Unset while the commit is open.
   */
  'finishedAtMs'?: (number | string | Long);
  /**
   * Bytes of all files in the commit (for an open commit, as of now).
   */
  'sizeBytes'?: (number | string | Long);
  'fileCount'?: (number | string | Long);
  /**
   * Commits this one is derived from.
   */
  'provenance'?: (_strata_pfs_v1_Commit)[];
  /**
   * Free-form facts recorded with the commit.
   */
  'metadata'?: ({[key: string]: string});
  '_branch'?: "branch";
  '_parent'?: "parent";
  '_finishedAtMs'?: "finishedAtMs";
}

export interface CommitInfo__Output {
  'repo': (string);
  'id': (string);
  /**
   * The branch the commit was made on; unset for commits without one.
   */
  'branch'?: (string);
  /**
   * Id of the parent commit; unset for a root commit.
   */
  'parent'?: (string);
  /**
   * Ids of the child commits.
   */
  'children': (string)[];
  'origin': (_strata_pfs_v1_CommitOrigin__Output);
  'description': (string);
  'state': (_strata_pfs_v1_CommitState__Output);
  'startedAtMs': (number);
  /**
   * Unset while the commit is open.
   */
  'finishedAtMs'?: (number);
  /**
   * Bytes of all files in the commit (for an open commit, as of now).
   */
  'sizeBytes': (number);
  'fileCount': (number);
  /**
   * Commits this one is derived from.
   */
  'provenance': (_strata_pfs_v1_Commit__Output)[];
  /**
   * Free-form facts recorded with the commit.
   */
  'metadata': ({[key: string]: string});
  '_branch'?: "branch";
  '_parent'?: "parent";
  '_finishedAtMs'?: "finishedAtMs";
}
