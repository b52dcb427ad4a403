// Original file: proto/strata/pps/v1/pps.proto


export interface InspectJobRequest {
  'pipeline'?: (string);
  'job'?: (string);
}

export interface InspectJobRequest__Output {
  'pipeline': (string);
  'job': (string);
}
