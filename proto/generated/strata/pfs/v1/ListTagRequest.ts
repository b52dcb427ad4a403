// Original file: proto/strata/pfs/v1/pfs.proto


export interface ListTagRequest {
  'repo'?: (string);
}

export interface ListTagRequest__Output {
  'repo': (string);
}
