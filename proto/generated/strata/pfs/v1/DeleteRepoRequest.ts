// Original file: proto/strata/pfs/v1/pfs.proto


export interface DeleteRepoRequest {
  'name'?: (string);
  /**
   * Delete even when other repos' branches have this repo as provenance.
   */
  'force'?: (boolean);
}

export interface DeleteRepoRequest__Output {
  'name': (string);
  /**
   * Delete even when other repos' branches have this repo as provenance.
   */
  'force': (boolean);
}
