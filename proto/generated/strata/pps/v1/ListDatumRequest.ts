// Original file: proto/strata/pps/v1/pps.proto


export interface ListDatumRequest {
  'pipeline'?: (string);
  'job'?: (string);
}

export interface ListDatumRequest__Output {
  'pipeline': (string);
  'job': (string);
}
