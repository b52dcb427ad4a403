// Original file: proto/strata/pfs/v1/pfs.proto


export interface InspectTagRequest {
  /**
   * `repo@tag`.
   */
  'tag'?: (string);
}

export interface InspectTagRequest__Output {
  /**
   * `repo@tag`.
   */
  'tag': (string);
}
