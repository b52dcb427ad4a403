// Original file: proto/strata/pps/v1/pps.proto

import type { Reprocess as _strata_pps_v1_Reprocess, Reprocess__Output as _strata_pps_v1_Reprocess__Output } from '../../../strata/pps/v1/Reprocess.ts';

export interface CreatePipelineRequest {
  /**
   * The Pachyderm-format JSON spec.
   */
  'specJson'?: (string);
  'update'?: (boolean);
  'reprocess'?: (_strata_pps_v1_Reprocess);
}

export interface CreatePipelineRequest__Output {
  /**
   * The Pachyderm-format JSON spec.
   */
  'specJson': (string);
  'update': (boolean);
  'reprocess': (_strata_pps_v1_Reprocess__Output);
}
