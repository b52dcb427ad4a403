// Original file: proto/strata/pfs/v1/pfs.proto


export interface DeleteRepoResponse {
}

export interface DeleteRepoResponse__Output {
}
