// Original file: proto/strata/pfs/v1/pfs.proto


export interface CreateRepoRequest {
  /**
   * Letters, digits, `_` and `-`; at most 63 characters.
   */
  'name'?: (string);
  'description'?: (string);
}

export interface CreateRepoRequest__Output {
  /**
   * Letters, digits, `_` and `-`; at most 63 characters.
   */
  'name': (string);
  'description': (string);
}
