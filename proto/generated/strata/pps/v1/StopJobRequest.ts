// Original file: proto/strata/pps/v1/pps.proto


export interface StopJobRequest {
  'pipeline'?: (string);
  'job'?: (string);
}

export interface StopJobRequest__Output {
  'pipeline': (string);
  'job': (string);
}
