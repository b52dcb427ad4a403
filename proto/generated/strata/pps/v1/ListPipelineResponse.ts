// Original file: proto/strata/pps/v1/pps.proto

import type { PipelineInfo as _strata_pps_v1_PipelineInfo, PipelineInfo__Output as _strata_pps_v1_PipelineInfo__Output } from '../../../strata/pps/v1/PipelineInfo.ts';

export interface ListPipelineResponse {
  'pipelines'?: (_strata_pps_v1_PipelineInfo)[];
}

export interface ListPipelineResponse__Output {
  'pipelines': (_strata_pps_v1_PipelineInfo__Output)[];
}
