// Original file: proto/strata/pps/v1/pps.proto


export interface StartPipelineRequest {
  'name'?: (string);
}

export interface StartPipelineRequest__Output {
  'name': (string);
}
