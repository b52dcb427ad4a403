// Original file: proto/strata/pps/v1/pps.proto

import type { NotApplied as _strata_pps_v1_NotApplied, NotApplied__Output as _strata_pps_v1_NotApplied__Output } from '../../../strata/pps/v1/NotApplied.ts';
import type { JobInfo as _strata_pps_v1_JobInfo, JobInfo__Output as _strata_pps_v1_JobInfo__Output } from '../../../strata/pps/v1/JobInfo.ts';
import type { Long } from '@grpc/proto-loader';

export interface PipelineInfo {
  'name'?: (string);
  /**
   * 1 for the first spec; each update adds one.
   */
  'version'?: (number | string | Long);
  /**
   * "running" or "paused".
   */
  'state'?: (string);
  'specJson'?: (string);
  'description'?: (string);
  'outputBranch'?: (string);
  /**
   * repo@branch of every pfs input.
   */
  'inputs'?: (string)[];
  'parallelism'?: (number | string | Long);
  'datumTries'?: (number | string | Long);
  'createdAtMs'?: (number | string | Long);
  'updatedAtMs'?: (number | string | Long);
  /**
   * e.g. "local: bwrap (not in a container; bubblewrap works)".
   */
  'executor'?: (string);
  'notApplied'?: (_strata_pps_v1_NotApplied)[];
  /**
   * The newest job; absent before the first.
   */
  'lastJob'?: (_strata_pps_v1_JobInfo | null);
}

export interface PipelineInfo__Output {
  'name': (string);
  /**
   * 1 for the first spec; each update adds one.
   */
  'version': (number);
  /**
   * "running" or "paused".
   */
  'state': (string);
  'specJson': (string);
  'description': (string);
  'outputBranch': (string);
  /**
   * repo@branch of every pfs input.
   */
  'inputs': (string)[];
  'parallelism': (number);
  'datumTries': (number);
  'createdAtMs': (number);
  'updatedAtMs': (number);
  /**
   * e.g. "local: bwrap (not in a container; bubblewrap works)".
   */
  'executor': (string);
  'notApplied': (_strata_pps_v1_NotApplied__Output)[];
  /**
   * The newest job; absent before the first.
   */
  'lastJob': (_strata_pps_v1_JobInfo__Output | null);
}
