// Original file: proto/strata/pfs/v1/pfs.proto


export interface DeleteTagRequest {
  /**
   * `repo@tag`.
   */
  'tag'?: (string);
}

export interface DeleteTagRequest__Output {
  /**
   * `repo@tag`.
   */
  'tag': (string);
}
