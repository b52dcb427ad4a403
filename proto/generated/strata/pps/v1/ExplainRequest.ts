// Original file: proto/strata/pps/v1/pps.proto


export interface ExplainRequest {
  /**
   * REF:/path, e.g. "counts@main:/total".
   */
  'file'?: (string);
}

export interface ExplainRequest__Output {
  /**
   * REF:/path, e.g. "counts@main:/total".
   */
  'file': (string);
}
