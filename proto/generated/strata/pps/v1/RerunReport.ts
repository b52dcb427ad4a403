// Original file: proto/strata/pps/v1/pps.proto

import type { FileVerdict as _strata_pps_v1_FileVerdict, FileVerdict__Output as _strata_pps_v1_FileVerdict__Output } from '../../../strata/pps/v1/FileVerdict.ts';
import type { FailedDatum as _strata_pps_v1_FailedDatum, FailedDatum__Output as _strata_pps_v1_FailedDatum__Output } from '../../../strata/pps/v1/FailedDatum.ts';
import type { Long } from '@grpc/proto-loader';

export interface RerunReport {
  'pipeline'?: (string);
  'job'?: (string);
  'datums'?: (number | string | Long);
  'files'?: (_strata_pps_v1_FileVerdict)[];
  'identical'?: (number | string | Long);
  'different'?: (number | string | Long);
  'failedDatums'?: (_strata_pps_v1_FailedDatum)[];
}

export interface RerunReport__Output {
  'pipeline': (string);
  'job': (string);
  'datums': (number);
  'files': (_strata_pps_v1_FileVerdict__Output)[];
  'identical': (number);
  'different': (number);
  'failedDatums': (_strata_pps_v1_FailedDatum__Output)[];
}
