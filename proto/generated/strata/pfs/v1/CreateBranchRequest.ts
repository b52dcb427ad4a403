// Original file: proto/strata/pfs/v1/pfs.proto


export interface CreateBranchRequest {
  /**
   * `repo@branch` to create (no ancestry, no path).
   */
  'branch'?: (string);
  /**
   * Optional ref (same repo, no path) whose commit becomes the head;
   * empty: the branch starts without commits.
   */
  'from'?: (string);
  /**
   * Optional `repo@branch` refs this branch is derived from.
   */
  'provenance'?: (string)[];
}

export interface CreateBranchRequest__Output {
  /**
   * `repo@branch` to create (no ancestry, no path).
   */
  'branch': (string);
  /**
   * Optional ref (same repo, no path) whose commit becomes the head;
   * empty: the branch starts without commits.
   */
  'from': (string);
  /**
   * Optional `repo@branch` refs this branch is derived from.
   */
  'provenance': (string)[];
}
