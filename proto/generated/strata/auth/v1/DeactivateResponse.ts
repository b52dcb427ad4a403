// Original file: proto/strata/auth/v1/auth.proto


export interface DeactivateResponse {
}

export interface DeactivateResponse__Output {
}
