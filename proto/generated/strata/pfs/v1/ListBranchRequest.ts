// Original file: proto/strata/pfs/v1/pfs.proto


export interface ListBranchRequest {
  'repo'?: (string);
}

export interface ListBranchRequest__Output {
  'repo': (string);
}
