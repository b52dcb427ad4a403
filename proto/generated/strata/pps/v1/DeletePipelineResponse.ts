// Original file: proto/strata/pps/v1/pps.proto


export interface DeletePipelineResponse {
}

export interface DeletePipelineResponse__Output {
}
