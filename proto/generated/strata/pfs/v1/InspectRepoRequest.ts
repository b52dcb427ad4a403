// Original file: proto/strata/pfs/v1/pfs.proto


export interface InspectRepoRequest {
  'name'?: (string);
}

export interface InspectRepoRequest__Output {
  'name': (string);
}
