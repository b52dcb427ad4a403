// Original file: proto/strata/pfs/v1/pfs.proto


export interface DeleteTagResponse {
}

export interface DeleteTagResponse__Output {
}
