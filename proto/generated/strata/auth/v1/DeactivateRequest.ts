// Original file: proto/strata/auth/v1/auth.proto


export interface DeactivateRequest {
}

export interface DeactivateRequest__Output {
}
