// Original file: proto/strata/pps/v1/pps.proto


export interface ListJobRequest {
  'pipeline'?: (string);
}

export interface ListJobRequest__Output {
  'pipeline': (string);
}
