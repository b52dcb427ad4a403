// Original file: proto/strata/pfs/v1/pfs.proto


export interface SubscribeCommitRequest {
  /**
   * `repo@branch` (no ancestry, no path).
   */
  'branch'?: (string);
}

export interface SubscribeCommitRequest__Output {
  /**
   * `repo@branch` (no ancestry, no path).
   */
  'branch': (string);
}
