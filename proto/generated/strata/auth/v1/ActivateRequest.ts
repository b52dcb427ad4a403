// Original file: proto/strata/auth/v1/auth.proto


export interface ActivateRequest {
}

export interface ActivateRequest__Output {
}
