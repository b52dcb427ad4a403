// Original file: proto/strata/pfs/v1/pfs.proto


export interface DataProblem {
  /**
   * `corrupt-chunk`, `corrupt-pack` or `missing-pack`.
   */
  'kind'?: (string);
  'pack'?: (string);
  'chunk'?: (string);
  'detail'?: (string);
}

export interface DataProblem__Output {
  /**
   * `corrupt-chunk`, `corrupt-pack` or `missing-pack`.
   */
  'kind': (string);
  'pack': (string);
  'chunk': (string);
  'detail': (string);
}
