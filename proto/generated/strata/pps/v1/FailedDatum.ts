// Original file: proto/strata/pps/v1/pps.proto


export interface FailedDatum {
  'datum'?: (string);
  'reason'?: (string);
}

export interface FailedDatum__Output {
  'datum': (string);
  'reason': (string);
}
