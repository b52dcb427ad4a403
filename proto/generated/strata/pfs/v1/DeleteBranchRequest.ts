// Original file: proto/strata/pfs/v1/pfs.proto


export interface DeleteBranchRequest {
  /**
   * `repo@branch` (no ancestry, no path).
   */
  'branch'?: (string);
}

export interface DeleteBranchRequest__Output {
  /**
   * `repo@branch` (no ancestry, no path).
   */
  'branch': (string);
}
