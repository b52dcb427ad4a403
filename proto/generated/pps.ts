import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CreatePipelineRequest as _strata_pps_v1_CreatePipelineRequest, CreatePipelineRequest__Output as _strata_pps_v1_CreatePipelineRequest__Output } from './strata/pps/v1/CreatePipelineRequest.ts';
import type { DatumInfo as _strata_pps_v1_DatumInfo, DatumInfo__Output as _strata_pps_v1_DatumInfo__Output } from './strata/pps/v1/DatumInfo.ts';
import type { DatumInput as _strata_pps_v1_DatumInput, DatumInput__Output as _strata_pps_v1_DatumInput__Output } from './strata/pps/v1/DatumInput.ts';
import type { DeletePipelineRequest as _strata_pps_v1_DeletePipelineRequest, DeletePipelineRequest__Output as _strata_pps_v1_DeletePipelineRequest__Output } from './strata/pps/v1/DeletePipelineRequest.ts';
import type { DeletePipelineResponse as _strata_pps_v1_DeletePipelineResponse, DeletePipelineResponse__Output as _strata_pps_v1_DeletePipelineResponse__Output } from './strata/pps/v1/DeletePipelineResponse.ts';
import type { ExplainRequest as _strata_pps_v1_ExplainRequest, ExplainRequest__Output as _strata_pps_v1_ExplainRequest__Output } from './strata/pps/v1/ExplainRequest.ts';
import type { Explanation as _strata_pps_v1_Explanation, Explanation__Output as _strata_pps_v1_Explanation__Output } from './strata/pps/v1/Explanation.ts';
import type { FailedDatum as _strata_pps_v1_FailedDatum, FailedDatum__Output as _strata_pps_v1_FailedDatum__Output } from './strata/pps/v1/FailedDatum.ts';
import type { FileVerdict as _strata_pps_v1_FileVerdict, FileVerdict__Output as _strata_pps_v1_FileVerdict__Output } from './strata/pps/v1/FileVerdict.ts';
import type { GetLogsRequest as _strata_pps_v1_GetLogsRequest, GetLogsRequest__Output as _strata_pps_v1_GetLogsRequest__Output } from './strata/pps/v1/GetLogsRequest.ts';
import type { InspectDatumRequest as _strata_pps_v1_InspectDatumRequest, InspectDatumRequest__Output as _strata_pps_v1_InspectDatumRequest__Output } from './strata/pps/v1/InspectDatumRequest.ts';
import type { InspectJobRequest as _strata_pps_v1_InspectJobRequest, InspectJobRequest__Output as _strata_pps_v1_InspectJobRequest__Output } from './strata/pps/v1/InspectJobRequest.ts';
import type { InspectPipelineRequest as _strata_pps_v1_InspectPipelineRequest, InspectPipelineRequest__Output as _strata_pps_v1_InspectPipelineRequest__Output } from './strata/pps/v1/InspectPipelineRequest.ts';
import type { JobCounts as _strata_pps_v1_JobCounts, JobCounts__Output as _strata_pps_v1_JobCounts__Output } from './strata/pps/v1/JobCounts.ts';
import type { JobInfo as _strata_pps_v1_JobInfo, JobInfo__Output as _strata_pps_v1_JobInfo__Output } from './strata/pps/v1/JobInfo.ts';
import type { JobInput as _strata_pps_v1_JobInput, JobInput__Output as _strata_pps_v1_JobInput__Output } from './strata/pps/v1/JobInput.ts';
import type { ListDatumRequest as _strata_pps_v1_ListDatumRequest, ListDatumRequest__Output as _strata_pps_v1_ListDatumRequest__Output } from './strata/pps/v1/ListDatumRequest.ts';
import type { ListJobRequest as _strata_pps_v1_ListJobRequest, ListJobRequest__Output as _strata_pps_v1_ListJobRequest__Output } from './strata/pps/v1/ListJobRequest.ts';
import type { ListJobResponse as _strata_pps_v1_ListJobResponse, ListJobResponse__Output as _strata_pps_v1_ListJobResponse__Output } from './strata/pps/v1/ListJobResponse.ts';
import type { ListPipelineRequest as _strata_pps_v1_ListPipelineRequest, ListPipelineRequest__Output as _strata_pps_v1_ListPipelineRequest__Output } from './strata/pps/v1/ListPipelineRequest.ts';
import type { ListPipelineResponse as _strata_pps_v1_ListPipelineResponse, ListPipelineResponse__Output as _strata_pps_v1_ListPipelineResponse__Output } from './strata/pps/v1/ListPipelineResponse.ts';
import type { LogMessage as _strata_pps_v1_LogMessage, LogMessage__Output as _strata_pps_v1_LogMessage__Output } from './strata/pps/v1/LogMessage.ts';
import type { NotApplied as _strata_pps_v1_NotApplied, NotApplied__Output as _strata_pps_v1_NotApplied__Output } from './strata/pps/v1/NotApplied.ts';
import type { OutputFile as _strata_pps_v1_OutputFile, OutputFile__Output as _strata_pps_v1_OutputFile__Output } from './strata/pps/v1/OutputFile.ts';
import type { PipelineInfo as _strata_pps_v1_PipelineInfo, PipelineInfo__Output as _strata_pps_v1_PipelineInfo__Output } from './strata/pps/v1/PipelineInfo.ts';
import type { PpsServiceClient as _strata_pps_v1_PpsServiceClient, PpsServiceDefinition as _strata_pps_v1_PpsServiceDefinition } from './strata/pps/v1/PpsService.ts';
import type { RerunJobRequest as _strata_pps_v1_RerunJobRequest, RerunJobRequest__Output as _strata_pps_v1_RerunJobRequest__Output } from './strata/pps/v1/RerunJobRequest.ts';
import type { RerunReport as _strata_pps_v1_RerunReport, RerunReport__Output as _strata_pps_v1_RerunReport__Output } from './strata/pps/v1/RerunReport.ts';
import type { StartPipelineRequest as _strata_pps_v1_StartPipelineRequest, StartPipelineRequest__Output as _strata_pps_v1_StartPipelineRequest__Output } from './strata/pps/v1/StartPipelineRequest.ts';
import type { StopJobRequest as _strata_pps_v1_StopJobRequest, StopJobRequest__Output as _strata_pps_v1_StopJobRequest__Output } from './strata/pps/v1/StopJobRequest.ts';
import type { StopPipelineRequest as _strata_pps_v1_StopPipelineRequest, StopPipelineRequest__Output as _strata_pps_v1_StopPipelineRequest__Output } from './strata/pps/v1/StopPipelineRequest.ts';
import type { WaitJobRequest as _strata_pps_v1_WaitJobRequest, WaitJobRequest__Output as _strata_pps_v1_WaitJobRequest__Output } from './strata/pps/v1/WaitJobRequest.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  strata: {
    pps: {
      v1: {
        CreatePipelineRequest: MessageTypeDefinition<_strata_pps_v1_CreatePipelineRequest, _strata_pps_v1_CreatePipelineRequest__Output>
        DatumInfo: MessageTypeDefinition<_strata_pps_v1_DatumInfo, _strata_pps_v1_DatumInfo__Output>
        DatumInput: MessageTypeDefinition<_strata_pps_v1_DatumInput, _strata_pps_v1_DatumInput__Output>
        DeletePipelineRequest: MessageTypeDefinition<_strata_pps_v1_DeletePipelineRequest, _strata_pps_v1_DeletePipelineRequest__Output>
        DeletePipelineResponse: MessageTypeDefinition<_strata_pps_v1_DeletePipelineResponse, _strata_pps_v1_DeletePipelineResponse__Output>
        ExplainRequest: MessageTypeDefinition<_strata_pps_v1_ExplainRequest, _strata_pps_v1_ExplainRequest__Output>
        Explanation: MessageTypeDefinition<_strata_pps_v1_Explanation, _strata_pps_v1_Explanation__Output>
        FailedDatum: MessageTypeDefinition<_strata_pps_v1_FailedDatum, _strata_pps_v1_FailedDatum__Output>
        FileVerdict: MessageTypeDefinition<_strata_pps_v1_FileVerdict, _strata_pps_v1_FileVerdict__Output>
        GetLogsRequest: MessageTypeDefinition<_strata_pps_v1_GetLogsRequest, _strata_pps_v1_GetLogsRequest__Output>
        InspectDatumRequest: MessageTypeDefinition<_strata_pps_v1_InspectDatumRequest, _strata_pps_v1_InspectDatumRequest__Output>
        InspectJobRequest: MessageTypeDefinition<_strata_pps_v1_InspectJobRequest, _strata_pps_v1_InspectJobRequest__Output>
        InspectPipelineRequest: MessageTypeDefinition<_strata_pps_v1_InspectPipelineRequest, _strata_pps_v1_InspectPipelineRequest__Output>
        JobCounts: MessageTypeDefinition<_strata_pps_v1_JobCounts, _strata_pps_v1_JobCounts__Output>
        JobInfo: MessageTypeDefinition<_strata_pps_v1_JobInfo, _strata_pps_v1_JobInfo__Output>
        JobInput: MessageTypeDefinition<_strata_pps_v1_JobInput, _strata_pps_v1_JobInput__Output>
        ListDatumRequest: MessageTypeDefinition<_strata_pps_v1_ListDatumRequest, _strata_pps_v1_ListDatumRequest__Output>
        ListJobRequest: MessageTypeDefinition<_strata_pps_v1_ListJobRequest, _strata_pps_v1_ListJobRequest__Output>
        ListJobResponse: MessageTypeDefinition<_strata_pps_v1_ListJobResponse, _strata_pps_v1_ListJobResponse__Output>
        ListPipelineRequest: MessageTypeDefinition<_strata_pps_v1_ListPipelineRequest, _strata_pps_v1_ListPipelineRequest__Output>
        ListPipelineResponse: MessageTypeDefinition<_strata_pps_v1_ListPipelineResponse, _strata_pps_v1_ListPipelineResponse__Output>
        LogMessage: MessageTypeDefinition<_strata_pps_v1_LogMessage, _strata_pps_v1_LogMessage__Output>
        NotApplied: MessageTypeDefinition<_strata_pps_v1_NotApplied, _strata_pps_v1_NotApplied__Output>
        OutputFile: MessageTypeDefinition<_strata_pps_v1_OutputFile, _strata_pps_v1_OutputFile__Output>
        PipelineInfo: MessageTypeDefinition<_strata_pps_v1_PipelineInfo, _strata_pps_v1_PipelineInfo__Output>
        PpsService: SubtypeConstructor<typeof grpc.Client, _strata_pps_v1_PpsServiceClient> & { service: _strata_pps_v1_PpsServiceDefinition }
        Reprocess: EnumTypeDefinition
        RerunJobRequest: MessageTypeDefinition<_strata_pps_v1_RerunJobRequest, _strata_pps_v1_RerunJobRequest__Output>
        RerunReport: MessageTypeDefinition<_strata_pps_v1_RerunReport, _strata_pps_v1_RerunReport__Output>
        StartPipelineRequest: MessageTypeDefinition<_strata_pps_v1_StartPipelineRequest, _strata_pps_v1_StartPipelineRequest__Output>
        StopJobRequest: MessageTypeDefinition<_strata_pps_v1_StopJobRequest, _strata_pps_v1_StopJobRequest__Output>
        StopPipelineRequest: MessageTypeDefinition<_strata_pps_v1_StopPipelineRequest, _strata_pps_v1_StopPipelineRequest__Output>
        WaitJobRequest: MessageTypeDefinition<_strata_pps_v1_WaitJobRequest, _strata_pps_v1_WaitJobRequest__Output>
      }
    }
  }
}

