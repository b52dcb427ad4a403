// Original file: proto/strata/auth/v1/auth.proto


export interface SetAdminResponse {
}

export interface SetAdminResponse__Output {
}
