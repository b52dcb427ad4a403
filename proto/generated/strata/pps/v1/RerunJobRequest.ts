// Original file: proto/strata/pps/v1/pps.proto


export interface RerunJobRequest {
  'pipeline'?: (string);
  'job'?: (string);
  'verify'?: (boolean);
}

export interface RerunJobRequest__Output {
  'pipeline': (string);
  'job': (string);
  'verify': (boolean);
}
