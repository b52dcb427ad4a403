// Original file: proto/strata/pfs/v1/pfs.proto

import type { DataProblem as _strata_pfs_v1_DataProblem, DataProblem__Output as _strata_pfs_v1_DataProblem__Output } from '../../../strata/pfs/v1/DataProblem.ts';
import type { Long } from '@grpc/proto-loader';

export interface FsckDataReport {
  'packs'?: (number | string | Long);
  'chunks'?: (number | string | Long);
  'problems'?: (_strata_pfs_v1_DataProblem)[];
}

export interface FsckDataReport__Output {
  'packs': (number);
  'chunks': (number);
  'problems': (_strata_pfs_v1_DataProblem__Output)[];
}
