// Original file: proto/strata/pfs/v1/pfs.proto


export interface InspectBranchRequest {
  /**
   * `repo@branch` (no ancestry, no path).
   */
  'branch'?: (string);
}

export interface InspectBranchRequest__Output {
  /**
   * `repo@branch` (no ancestry, no path).
   */
  'branch': (string);
}
