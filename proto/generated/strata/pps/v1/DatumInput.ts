// Original file: proto/strata/pps/v1/pps.proto


export interface DatumInput {
  'name'?: (string);
  'repo'?: (string);
  'commit'?: (string);
  /**
   * The matched path (a file or a directory).
   */
  'path'?: (string);
  /**
   * Content hash of everything under the path.
   */
  'hash'?: (string);
}

export interface DatumInput__Output {
  'name': (string);
  'repo': (string);
  'commit': (string);
  /**
   * The matched path (a file or a directory).
   */
  'path': (string);
  /**
   * Content hash of everything under the path.
   */
  'hash': (string);
}
