// Original file: proto/strata/pps/v1/pps.proto

import type { JobInfo as _strata_pps_v1_JobInfo, JobInfo__Output as _strata_pps_v1_JobInfo__Output } from '../../../strata/pps/v1/JobInfo.ts';

export interface ListJobResponse {
  'jobs'?: (_strata_pps_v1_JobInfo)[];
}

export interface ListJobResponse__Output {
  'jobs': (_strata_pps_v1_JobInfo__Output)[];
}
