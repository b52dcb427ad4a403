// Original file: proto/strata/pfs/v1/pfs.proto


export interface ModifyFileDone {
}

export interface ModifyFileDone__Output {
}
