// Original file: proto/strata/pfs/v1/pfs.proto


export interface ResetBranchRequest {
  /**
   * `repo@branch` to move (no ancestry, no path).
   */
  'branch'?: (string);
  /**
   * Ref (same repo, no path) of the finished commit to move the head to.
   */
  'to'?: (string);
  /**
   * Optional full commit id the head must still be at; empty: no check.
   */
  'expectedHead'?: (string);
}

export interface ResetBranchRequest__Output {
  /**
   * `repo@branch` to move (no ancestry, no path).
   */
  'branch': (string);
  /**
   * Ref (same repo, no path) of the finished commit to move the head to.
   */
  'to': (string);
  /**
   * Optional full commit id the head must still be at; empty: no check.
   */
  'expectedHead': (string);
}
