// Original file: proto/strata/pfs/v1/pfs.proto


export interface ListRepoRequest {
}

export interface ListRepoRequest__Output {
}
