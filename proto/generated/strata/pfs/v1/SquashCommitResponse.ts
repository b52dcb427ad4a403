// Original file: proto/strata/pfs/v1/pfs.proto


export interface SquashCommitResponse {
}

export interface SquashCommitResponse__Output {
}
