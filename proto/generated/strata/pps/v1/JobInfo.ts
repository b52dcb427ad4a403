// Original file: proto/strata/pps/v1/pps.proto

import type { JobInput as _strata_pps_v1_JobInput, JobInput__Output as _strata_pps_v1_JobInput__Output } from '../../../strata/pps/v1/JobInput.ts';
import type { JobCounts as _strata_pps_v1_JobCounts, JobCounts__Output as _strata_pps_v1_JobCounts__Output } from '../../../strata/pps/v1/JobCounts.ts';
import type { Long } from '@grpc/proto-loader';

export interface JobInfo {
  'pipeline'?: (string);
  'id'?: (string);
  'specVersion'?: (number | string | Long);
  /**
   * created, starting, running, finishing, success, failure, killed, unrunnable.
   */
  'state'?: (string);
  'inputs'?: (_strata_pps_v1_JobInput)[];
  /**
   * The output commit (open while the job runs); empty when none is kept.
   */
  'outputCommit'?: (string);
  'counts'?: (_strata_pps_v1_JobCounts | null);
  /**
   * Why it failed, was killed or is unrunnable.
   */
  'reason'?: (string);
  'createdAtMs'?: (number | string | Long);
  /**
   * 0 when not yet started / finished.
   */
  'startedAtMs'?: (number | string | Long);
  'finishedAtMs'?: (number | string | Long);
}

export interface JobInfo__Output {
  'pipeline': (string);
  'id': (string);
  'specVersion': (number);
  /**
   * created, starting, running, finishing, success, failure, killed, unrunnable.
   */
  'state': (string);
  'inputs': (_strata_pps_v1_JobInput__Output)[];
  /**
   * The output commit (open while the job runs); empty when none is kept.
   */
  'outputCommit': (string);
  'counts': (_strata_pps_v1_JobCounts__Output | null);
  /**
   * Why it failed, was killed or is unrunnable.
   */
  'reason': (string);
  'createdAtMs': (number);
  /**
   * 0 when not yet started / finished.
   */
  'startedAtMs': (number);
  'finishedAtMs': (number);
}
