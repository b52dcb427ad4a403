// Original file: proto/strata/pps/v1/pps.proto


export interface LogMessage {
  'job'?: (string);
  'datum'?: (string);
  'text'?: (string);
}

export interface LogMessage__Output {
  'job': (string);
  'datum': (string);
  'text': (string);
}
