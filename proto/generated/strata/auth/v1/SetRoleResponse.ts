// Original file: proto/strata/auth/v1/auth.proto


export interface SetRoleResponse {
}

export interface SetRoleResponse__Output {
}
