// Original file: proto/strata/pps/v1/pps.proto


export interface StopPipelineRequest {
  'name'?: (string);
}

export interface StopPipelineRequest__Output {
  'name': (string);
}
