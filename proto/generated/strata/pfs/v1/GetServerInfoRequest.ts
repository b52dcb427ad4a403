// Original file: proto/strata/pfs/v1/pfs.proto


export interface GetServerInfoRequest {
}

export interface GetServerInfoRequest__Output {
}
