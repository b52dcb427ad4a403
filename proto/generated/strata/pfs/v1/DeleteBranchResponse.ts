// Original file: proto/strata/pfs/v1/pfs.proto


export interface DeleteBranchResponse {
}

export interface DeleteBranchResponse__Output {
}
