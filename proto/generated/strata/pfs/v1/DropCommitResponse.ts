// Original file: proto/strata/pfs/v1/pfs.proto


export interface DropCommitResponse {
}

export interface DropCommitResponse__Output {
}
