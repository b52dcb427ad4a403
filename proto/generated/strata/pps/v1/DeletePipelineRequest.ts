// Original file: proto/strata/pps/v1/pps.proto


export interface DeletePipelineRequest {
  'name'?: (string);
  'keepRepo'?: (boolean);
}

export interface DeletePipelineRequest__Output {
  'name': (string);
  'keepRepo': (boolean);
}
