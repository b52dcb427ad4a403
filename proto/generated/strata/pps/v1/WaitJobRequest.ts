// Original file: proto/strata/pps/v1/pps.proto


export interface WaitJobRequest {
  'pipeline'?: (string);
  'job'?: (string);
}

export interface WaitJobRequest__Output {
  'pipeline': (string);
  'job': (string);
}
