// Original file: proto/strata/pfs/v1/pfs.proto

import type { FsckProblem as _strata_pfs_v1_FsckProblem, FsckProblem__Output as _strata_pfs_v1_FsckProblem__Output } from '../../../strata/pfs/v1/FsckProblem.ts';
import type { FsckDataReport as _strata_pfs_v1_FsckDataReport, FsckDataReport__Output as _strata_pfs_v1_FsckDataReport__Output } from '../../../strata/pfs/v1/FsckDataReport.ts';
import type { Long } from '@grpc/proto-loader';

export interface FsckResponse {
  'commits'?: (number | string | Long);
  'files'?: (number | string | Long);
  /**
   * Empty when the metadata and indexes are sound.
   */
  'problems'?: (_strata_pfs_v1_FsckProblem)[];
  /**
   * Only with `verify_data`.
   */
  'data'?: (_strata_pfs_v1_FsckDataReport | null);
  '_data'?: "data";
}

export interface FsckResponse__Output {
  'commits': (number);
  'files': (number);
  /**
   * Empty when the metadata and indexes are sound.
   */
  'problems': (_strata_pfs_v1_FsckProblem__Output)[];
  /**
   * Only with `verify_data`.
   */
  'data'?: (_strata_pfs_v1_FsckDataReport__Output | null);
  '_data'?: "data";
}
