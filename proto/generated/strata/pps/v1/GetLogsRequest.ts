// Original file: proto/strata/pps/v1/pps.proto


export interface GetLogsRequest {
  'pipeline'?: (string);
  'job'?: (string);
  'datum'?: (string);
  'follow'?: (boolean);
}

export interface GetLogsRequest__Output {
  'pipeline': (string);
  'job': (string);
  'datum': (string);
  'follow': (boolean);
}
