// Original file: proto/strata/pps/v1/pps.proto


export interface ListPipelineRequest {
}

export interface ListPipelineRequest__Output {
}
