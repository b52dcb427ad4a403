// Original file: proto/strata/pps/v1/pps.proto


export interface NotApplied {
  /**
   * e.g. "resource_requests", "transform.image".
   */
  'field'?: (string);
  'reason'?: (string);
}

export interface NotApplied__Output {
  /**
   * e.g. "resource_requests", "transform.image".
   */
  'field': (string);
  'reason': (string);
}
