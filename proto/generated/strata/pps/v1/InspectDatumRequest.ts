// Original file: proto/strata/pps/v1/pps.proto


export interface InspectDatumRequest {
  'pipeline'?: (string);
  'job'?: (string);
  'datum'?: (string);
}

export interface InspectDatumRequest__Output {
  'pipeline': (string);
  'job': (string);
  'datum': (string);
}
