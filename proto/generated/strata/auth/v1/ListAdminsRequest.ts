// Original file: proto/strata/auth/v1/auth.proto


export interface ListAdminsRequest {
}

export interface ListAdminsRequest__Output {
}
