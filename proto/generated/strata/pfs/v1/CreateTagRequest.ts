// Original file: proto/strata/pfs/v1/pfs.proto


export interface CreateTagRequest {
  /**
   * `repo@tag` to create (tag names follow the rules of branch names).
   */
  'tag'?: (string);
  /**
   * Ref (same repo, no path) of the finished commit to name.
   */
  'ref'?: (string);
}

export interface CreateTagRequest__Output {
  /**
   * `repo@tag` to create (tag names follow the rules of branch names).
   */
  'tag': (string);
  /**
   * Ref (same repo, no path) of the finished commit to name.
   */
  'ref': (string);
}
