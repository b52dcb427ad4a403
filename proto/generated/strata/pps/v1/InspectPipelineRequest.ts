// Original file: proto/strata/pps/v1/pps.proto


export interface InspectPipelineRequest {
  'name'?: (string);
}

export interface InspectPipelineRequest__Output {
  'name': (string);
}
