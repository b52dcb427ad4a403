// Original file: proto/strata/pps/v1/pps.proto


export interface FileVerdict {
  'datum'?: (string);
  'path'?: (string);
  /**
   * The recorded hash; empty for an extra file.
   */
  'expected'?: (string);
  /**
   * The rerun's hash; empty for a missing file.
   */
  'actual'?: (string);
  /**
   * identical, different, missing, extra.
   */
  'verdict'?: (string);
}

export interface FileVerdict__Output {
  'datum': (string);
  'path': (string);
  /**
   * The recorded hash; empty for an extra file.
   */
  'expected': (string);
  /**
   * The rerun's hash; empty for a missing file.
   */
  'actual': (string);
  /**
   * identical, different, missing, extra.
   */
  'verdict': (string);
}
