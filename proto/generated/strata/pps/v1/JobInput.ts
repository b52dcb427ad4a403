// Original file: proto/strata/pps/v1/pps.proto


export interface JobInput {
  'name'?: (string);
  'repo'?: (string);
  'branch'?: (string);
  /**
   * The exact commit the job reads; empty when the branch had none.
   */
  'commit'?: (string);
}

export interface JobInput__Output {
  'name': (string);
  'repo': (string);
  'branch': (string);
  /**
   * The exact commit the job reads; empty when the branch had none.
   */
  'commit': (string);
}
