// Original file: proto/strata/pps/v1/pps.proto

import type { DatumInput as _strata_pps_v1_DatumInput, DatumInput__Output as _strata_pps_v1_DatumInput__Output } from '../../../strata/pps/v1/DatumInput.ts';
import type { OutputFile as _strata_pps_v1_OutputFile, OutputFile__Output as _strata_pps_v1_OutputFile__Output } from '../../../strata/pps/v1/OutputFile.ts';
import type { Long } from '@grpc/proto-loader';

export interface DatumInfo {
  'id'?: (string);
  'job'?: (string);
  'hash'?: (string);
  /**
   * success, skipped, failed, recovered.
   */
  'state'?: (string);
  'inputs'?: (_strata_pps_v1_DatumInput)[];
  'outputs'?: (_strata_pps_v1_OutputFile)[];
  /**
   * For a skipped datum: the job that processed it.
   */
  'fromJob'?: (string);
  'tries'?: (number | string | Long);
  'reason'?: (string);
  'startedAtMs'?: (number | string | Long);
  'finishedAtMs'?: (number | string | Long);
}

export interface DatumInfo__Output {
  'id': (string);
  'job': (string);
  'hash': (string);
  /**
   * success, skipped, failed, recovered.
   */
  'state': (string);
  'inputs': (_strata_pps_v1_DatumInput__Output)[];
  'outputs': (_strata_pps_v1_OutputFile__Output)[];
  /**
   * For a skipped datum: the job that processed it.
   */
  'fromJob': (string);
  'tries': (number);
  'reason': (string);
  'startedAtMs': (number);
  'finishedAtMs': (number);
}
