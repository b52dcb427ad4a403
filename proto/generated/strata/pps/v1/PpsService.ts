// Original file: proto/strata/pps/v1/pps.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreatePipelineRequest as _strata_pps_v1_CreatePipelineRequest, CreatePipelineRequest__Output as _strata_pps_v1_CreatePipelineRequest__Output } from '../../../strata/pps/v1/CreatePipelineRequest.ts';
import type { DatumInfo as _strata_pps_v1_DatumInfo, DatumInfo__Output as _strata_pps_v1_DatumInfo__Output } from '../../../strata/pps/v1/DatumInfo.ts';
import type { DeletePipelineRequest as _strata_pps_v1_DeletePipelineRequest, DeletePipelineRequest__Output as _strata_pps_v1_DeletePipelineRequest__Output } from '../../../strata/pps/v1/DeletePipelineRequest.ts';
import type { DeletePipelineResponse as _strata_pps_v1_DeletePipelineResponse, DeletePipelineResponse__Output as _strata_pps_v1_DeletePipelineResponse__Output } from '../../../strata/pps/v1/DeletePipelineResponse.ts';
import type { ExplainRequest as _strata_pps_v1_ExplainRequest, ExplainRequest__Output as _strata_pps_v1_ExplainRequest__Output } from '../../../strata/pps/v1/ExplainRequest.ts';
import type { Explanation as _strata_pps_v1_Explanation, Explanation__Output as _strata_pps_v1_Explanation__Output } from '../../../strata/pps/v1/Explanation.ts';
import type { GetLogsRequest as _strata_pps_v1_GetLogsRequest, GetLogsRequest__Output as _strata_pps_v1_GetLogsRequest__Output } from '../../../strata/pps/v1/GetLogsRequest.ts';
import type { InspectDatumRequest as _strata_pps_v1_InspectDatumRequest, InspectDatumRequest__Output as _strata_pps_v1_InspectDatumRequest__Output } from '../../../strata/pps/v1/InspectDatumRequest.ts';
import type { InspectJobRequest as _strata_pps_v1_InspectJobRequest, InspectJobRequest__Output as _strata_pps_v1_InspectJobRequest__Output } from '../../../strata/pps/v1/InspectJobRequest.ts';
import type { InspectPipelineRequest as _strata_pps_v1_InspectPipelineRequest, InspectPipelineRequest__Output as _strata_pps_v1_InspectPipelineRequest__Output } from '../../../strata/pps/v1/InspectPipelineRequest.ts';
import type { JobInfo as _strata_pps_v1_JobInfo, JobInfo__Output as _strata_pps_v1_JobInfo__Output } from '../../../strata/pps/v1/JobInfo.ts';
import type { ListDatumRequest as _strata_pps_v1_ListDatumRequest, ListDatumRequest__Output as _strata_pps_v1_ListDatumRequest__Output } from '../../../strata/pps/v1/ListDatumRequest.ts';
import type { ListJobRequest as _strata_pps_v1_ListJobRequest, ListJobRequest__Output as _strata_pps_v1_ListJobRequest__Output } from '../../../strata/pps/v1/ListJobRequest.ts';
import type { ListJobResponse as _strata_pps_v1_ListJobResponse, ListJobResponse__Output as _strata_pps_v1_ListJobResponse__Output } from '../../../strata/pps/v1/ListJobResponse.ts';
import type { ListPipelineRequest as _strata_pps_v1_ListPipelineRequest, ListPipelineRequest__Output as _strata_pps_v1_ListPipelineRequest__Output } from '../../../strata/pps/v1/ListPipelineRequest.ts';
import type { ListPipelineResponse as _strata_pps_v1_ListPipelineResponse, ListPipelineResponse__Output as _strata_pps_v1_ListPipelineResponse__Output } from '../../../strata/pps/v1/ListPipelineResponse.ts';
import type { LogMessage as _strata_pps_v1_LogMessage, LogMessage__Output as _strata_pps_v1_LogMessage__Output } from '../../../strata/pps/v1/LogMessage.ts';
import type { PipelineInfo as _strata_pps_v1_PipelineInfo, PipelineInfo__Output as _strata_pps_v1_PipelineInfo__Output } from '../../../strata/pps/v1/PipelineInfo.ts';
import type { RerunJobRequest as _strata_pps_v1_RerunJobRequest, RerunJobRequest__Output as _strata_pps_v1_RerunJobRequest__Output } from '../../../strata/pps/v1/RerunJobRequest.ts';
import type { RerunReport as _strata_pps_v1_RerunReport, RerunReport__Output as _strata_pps_v1_RerunReport__Output } from '../../../strata/pps/v1/RerunReport.ts';
import type { StartPipelineRequest as _strata_pps_v1_StartPipelineRequest, StartPipelineRequest__Output as _strata_pps_v1_StartPipelineRequest__Output } from '../../../strata/pps/v1/StartPipelineRequest.ts';
import type { StopJobRequest as _strata_pps_v1_StopJobRequest, StopJobRequest__Output as _strata_pps_v1_StopJobRequest__Output } from '../../../strata/pps/v1/StopJobRequest.ts';
import type { StopPipelineRequest as _strata_pps_v1_StopPipelineRequest, StopPipelineRequest__Output as _strata_pps_v1_StopPipelineRequest__Output } from '../../../strata/pps/v1/StopPipelineRequest.ts';
import type { WaitJobRequest as _strata_pps_v1_WaitJobRequest, WaitJobRequest__Output as _strata_pps_v1_WaitJobRequest__Output } from '../../../strata/pps/v1/WaitJobRequest.ts';

export interface PpsServiceClient extends grpc.Client {
  /**
   * Creates a pipeline from a Pachyderm-format JSON spec (its output repo
   * takes its name), or with `update` replaces the spec of an existing one.
   * Answers once the new spec's job exists (or none is due; at once while
   * a job of the pipeline runs: the new job follows it). INVALID_PIPELINE_SPEC
   * names the bad field; PIPELINE_EXISTS without `update`.
   */
  CreatePipeline(argument: _strata_pps_v1_CreatePipelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  CreatePipeline(argument: _strata_pps_v1_CreatePipelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  CreatePipeline(argument: _strata_pps_v1_CreatePipelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  CreatePipeline(argument: _strata_pps_v1_CreatePipelineRequest, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Creates a pipeline from a Pachyderm-format JSON spec (its output repo
   * takes its name), or with `update` replaces the spec of an existing one.
   * Answers once the new spec's job exists (or none is due; at once while
   * a job of the pipeline runs: the new job follows it). INVALID_PIPELINE_SPEC
   * names the bad field; PIPELINE_EXISTS without `update`.
   */
  createPipeline(argument: _strata_pps_v1_CreatePipelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  createPipeline(argument: _strata_pps_v1_CreatePipelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  createPipeline(argument: _strata_pps_v1_CreatePipelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  createPipeline(argument: _strata_pps_v1_CreatePipelineRequest, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes the pipeline, its jobs and datums, and (unless keep_repo) its output repo.
   */
  DeletePipeline(argument: _strata_pps_v1_DeletePipelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_DeletePipelineResponse__Output>): grpc.ClientUnaryCall;
  DeletePipeline(argument: _strata_pps_v1_DeletePipelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_DeletePipelineResponse__Output>): grpc.ClientUnaryCall;
  DeletePipeline(argument: _strata_pps_v1_DeletePipelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_DeletePipelineResponse__Output>): grpc.ClientUnaryCall;
  DeletePipeline(argument: _strata_pps_v1_DeletePipelineRequest, callback: grpc.requestCallback<_strata_pps_v1_DeletePipelineResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes the pipeline, its jobs and datums, and (unless keep_repo) its output repo.
   */
  deletePipeline(argument: _strata_pps_v1_DeletePipelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_DeletePipelineResponse__Output>): grpc.ClientUnaryCall;
  deletePipeline(argument: _strata_pps_v1_DeletePipelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_DeletePipelineResponse__Output>): grpc.ClientUnaryCall;
  deletePipeline(argument: _strata_pps_v1_DeletePipelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_DeletePipelineResponse__Output>): grpc.ClientUnaryCall;
  deletePipeline(argument: _strata_pps_v1_DeletePipelineRequest, callback: grpc.requestCallback<_strata_pps_v1_DeletePipelineResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Walks a file back to the job, spec version, datum and input files that
   * made it, recursively through upstream pipelines.
   */
  Explain(argument: _strata_pps_v1_ExplainRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_Explanation__Output>): grpc.ClientUnaryCall;
  Explain(argument: _strata_pps_v1_ExplainRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_Explanation__Output>): grpc.ClientUnaryCall;
  Explain(argument: _strata_pps_v1_ExplainRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_Explanation__Output>): grpc.ClientUnaryCall;
  Explain(argument: _strata_pps_v1_ExplainRequest, callback: grpc.requestCallback<_strata_pps_v1_Explanation__Output>): grpc.ClientUnaryCall;
  /**
   * Walks a file back to the job, spec version, datum and input files that
   * made it, recursively through upstream pipelines.
   */
  explain(argument: _strata_pps_v1_ExplainRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_Explanation__Output>): grpc.ClientUnaryCall;
  explain(argument: _strata_pps_v1_ExplainRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_Explanation__Output>): grpc.ClientUnaryCall;
  explain(argument: _strata_pps_v1_ExplainRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_Explanation__Output>): grpc.ClientUnaryCall;
  explain(argument: _strata_pps_v1_ExplainRequest, callback: grpc.requestCallback<_strata_pps_v1_Explanation__Output>): grpc.ClientUnaryCall;
  
  /**
   * Logs of a pipeline's datums (optionally one job, one datum); with
   * `follow`, live output until the job ends or the call is cancelled.
   */
  GetLogs(argument: _strata_pps_v1_GetLogsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pps_v1_LogMessage__Output>;
  GetLogs(argument: _strata_pps_v1_GetLogsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pps_v1_LogMessage__Output>;
  /**
   * Logs of a pipeline's datums (optionally one job, one datum); with
   * `follow`, live output until the job ends or the call is cancelled.
   */
  getLogs(argument: _strata_pps_v1_GetLogsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pps_v1_LogMessage__Output>;
  getLogs(argument: _strata_pps_v1_GetLogsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pps_v1_LogMessage__Output>;
  
  InspectDatum(argument: _strata_pps_v1_InspectDatumRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_DatumInfo__Output>): grpc.ClientUnaryCall;
  InspectDatum(argument: _strata_pps_v1_InspectDatumRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_DatumInfo__Output>): grpc.ClientUnaryCall;
  InspectDatum(argument: _strata_pps_v1_InspectDatumRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_DatumInfo__Output>): grpc.ClientUnaryCall;
  InspectDatum(argument: _strata_pps_v1_InspectDatumRequest, callback: grpc.requestCallback<_strata_pps_v1_DatumInfo__Output>): grpc.ClientUnaryCall;
  inspectDatum(argument: _strata_pps_v1_InspectDatumRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_DatumInfo__Output>): grpc.ClientUnaryCall;
  inspectDatum(argument: _strata_pps_v1_InspectDatumRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_DatumInfo__Output>): grpc.ClientUnaryCall;
  inspectDatum(argument: _strata_pps_v1_InspectDatumRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_DatumInfo__Output>): grpc.ClientUnaryCall;
  inspectDatum(argument: _strata_pps_v1_InspectDatumRequest, callback: grpc.requestCallback<_strata_pps_v1_DatumInfo__Output>): grpc.ClientUnaryCall;
  
  InspectJob(argument: _strata_pps_v1_InspectJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  InspectJob(argument: _strata_pps_v1_InspectJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  InspectJob(argument: _strata_pps_v1_InspectJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  InspectJob(argument: _strata_pps_v1_InspectJobRequest, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  inspectJob(argument: _strata_pps_v1_InspectJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  inspectJob(argument: _strata_pps_v1_InspectJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  inspectJob(argument: _strata_pps_v1_InspectJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  inspectJob(argument: _strata_pps_v1_InspectJobRequest, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  
  InspectPipeline(argument: _strata_pps_v1_InspectPipelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  InspectPipeline(argument: _strata_pps_v1_InspectPipelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  InspectPipeline(argument: _strata_pps_v1_InspectPipelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  InspectPipeline(argument: _strata_pps_v1_InspectPipelineRequest, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  inspectPipeline(argument: _strata_pps_v1_InspectPipelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  inspectPipeline(argument: _strata_pps_v1_InspectPipelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  inspectPipeline(argument: _strata_pps_v1_InspectPipelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  inspectPipeline(argument: _strata_pps_v1_InspectPipelineRequest, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * The datums of a job (processed, skipped, failed, recovered).
   */
  ListDatum(argument: _strata_pps_v1_ListDatumRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pps_v1_DatumInfo__Output>;
  ListDatum(argument: _strata_pps_v1_ListDatumRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pps_v1_DatumInfo__Output>;
  /**
   * The datums of a job (processed, skipped, failed, recovered).
   */
  listDatum(argument: _strata_pps_v1_ListDatumRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pps_v1_DatumInfo__Output>;
  listDatum(argument: _strata_pps_v1_ListDatumRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pps_v1_DatumInfo__Output>;
  
  /**
   * Jobs, newest first; all pipelines' when `pipeline` is empty.
   */
  ListJob(argument: _strata_pps_v1_ListJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_ListJobResponse__Output>): grpc.ClientUnaryCall;
  ListJob(argument: _strata_pps_v1_ListJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_ListJobResponse__Output>): grpc.ClientUnaryCall;
  ListJob(argument: _strata_pps_v1_ListJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_ListJobResponse__Output>): grpc.ClientUnaryCall;
  ListJob(argument: _strata_pps_v1_ListJobRequest, callback: grpc.requestCallback<_strata_pps_v1_ListJobResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Jobs, newest first; all pipelines' when `pipeline` is empty.
   */
  listJob(argument: _strata_pps_v1_ListJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_ListJobResponse__Output>): grpc.ClientUnaryCall;
  listJob(argument: _strata_pps_v1_ListJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_ListJobResponse__Output>): grpc.ClientUnaryCall;
  listJob(argument: _strata_pps_v1_ListJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_ListJobResponse__Output>): grpc.ClientUnaryCall;
  listJob(argument: _strata_pps_v1_ListJobRequest, callback: grpc.requestCallback<_strata_pps_v1_ListJobResponse__Output>): grpc.ClientUnaryCall;
  
  ListPipeline(argument: _strata_pps_v1_ListPipelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_ListPipelineResponse__Output>): grpc.ClientUnaryCall;
  ListPipeline(argument: _strata_pps_v1_ListPipelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_ListPipelineResponse__Output>): grpc.ClientUnaryCall;
  ListPipeline(argument: _strata_pps_v1_ListPipelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_ListPipelineResponse__Output>): grpc.ClientUnaryCall;
  ListPipeline(argument: _strata_pps_v1_ListPipelineRequest, callback: grpc.requestCallback<_strata_pps_v1_ListPipelineResponse__Output>): grpc.ClientUnaryCall;
  listPipeline(argument: _strata_pps_v1_ListPipelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_ListPipelineResponse__Output>): grpc.ClientUnaryCall;
  listPipeline(argument: _strata_pps_v1_ListPipelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_ListPipelineResponse__Output>): grpc.ClientUnaryCall;
  listPipeline(argument: _strata_pps_v1_ListPipelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_ListPipelineResponse__Output>): grpc.ClientUnaryCall;
  listPipeline(argument: _strata_pps_v1_ListPipelineRequest, callback: grpc.requestCallback<_strata_pps_v1_ListPipelineResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Runs the job's datums again on the same input commits; with `verify`,
   * reports per output file whether the bytes are identical. Nothing is committed.
   */
  RerunJob(argument: _strata_pps_v1_RerunJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_RerunReport__Output>): grpc.ClientUnaryCall;
  RerunJob(argument: _strata_pps_v1_RerunJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_RerunReport__Output>): grpc.ClientUnaryCall;
  RerunJob(argument: _strata_pps_v1_RerunJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_RerunReport__Output>): grpc.ClientUnaryCall;
  RerunJob(argument: _strata_pps_v1_RerunJobRequest, callback: grpc.requestCallback<_strata_pps_v1_RerunReport__Output>): grpc.ClientUnaryCall;
  /**
   * Runs the job's datums again on the same input commits; with `verify`,
   * reports per output file whether the bytes are identical. Nothing is committed.
   */
  rerunJob(argument: _strata_pps_v1_RerunJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_RerunReport__Output>): grpc.ClientUnaryCall;
  rerunJob(argument: _strata_pps_v1_RerunJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_RerunReport__Output>): grpc.ClientUnaryCall;
  rerunJob(argument: _strata_pps_v1_RerunJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_RerunReport__Output>): grpc.ClientUnaryCall;
  rerunJob(argument: _strata_pps_v1_RerunJobRequest, callback: grpc.requestCallback<_strata_pps_v1_RerunReport__Output>): grpc.ClientUnaryCall;
  
  /**
   * Starts a stopped pipeline; commits made meanwhile get a job.
   */
  StartPipeline(argument: _strata_pps_v1_StartPipelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  StartPipeline(argument: _strata_pps_v1_StartPipelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  StartPipeline(argument: _strata_pps_v1_StartPipelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  StartPipeline(argument: _strata_pps_v1_StartPipelineRequest, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Starts a stopped pipeline; commits made meanwhile get a job.
   */
  startPipeline(argument: _strata_pps_v1_StartPipelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  startPipeline(argument: _strata_pps_v1_StartPipelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  startPipeline(argument: _strata_pps_v1_StartPipelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  startPipeline(argument: _strata_pps_v1_StartPipelineRequest, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Kills a running job (its output commit is dropped); answers with it ended.
   */
  StopJob(argument: _strata_pps_v1_StopJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  StopJob(argument: _strata_pps_v1_StopJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  StopJob(argument: _strata_pps_v1_StopJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  StopJob(argument: _strata_pps_v1_StopJobRequest, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Kills a running job (its output commit is dropped); answers with it ended.
   */
  stopJob(argument: _strata_pps_v1_StopJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  stopJob(argument: _strata_pps_v1_StopJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  stopJob(argument: _strata_pps_v1_StopJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  stopJob(argument: _strata_pps_v1_StopJobRequest, callback: grpc.requestCallback<_strata_pps_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * A stopped pipeline makes no new jobs; the running job finishes.
   */
  StopPipeline(argument: _strata_pps_v1_StopPipelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  StopPipeline(argument: _strata_pps_v1_StopPipelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  StopPipeline(argument: _strata_pps_v1_StopPipelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  StopPipeline(argument: _strata_pps_v1_StopPipelineRequest, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  /**
   * A stopped pipeline makes no new jobs; the running job finishes.
   */
  stopPipeline(argument: _strata_pps_v1_StopPipelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  stopPipeline(argument: _strata_pps_v1_StopPipelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  stopPipeline(argument: _strata_pps_v1_StopPipelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  stopPipeline(argument: _strata_pps_v1_StopPipelineRequest, callback: grpc.requestCallback<_strata_pps_v1_PipelineInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Streams the job as it changes (states, counters), ending with it in a
   * terminal state (success, failure, killed, unrunnable).
   */
  WaitJob(argument: _strata_pps_v1_WaitJobRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pps_v1_JobInfo__Output>;
  WaitJob(argument: _strata_pps_v1_WaitJobRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pps_v1_JobInfo__Output>;
  /**
   * Streams the job as it changes (states, counters), ending with it in a
   * terminal state (success, failure, killed, unrunnable).
   */
  waitJob(argument: _strata_pps_v1_WaitJobRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pps_v1_JobInfo__Output>;
  waitJob(argument: _strata_pps_v1_WaitJobRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_strata_pps_v1_JobInfo__Output>;
  
}

export interface PpsServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Creates a pipeline from a Pachyderm-format JSON spec (its output repo
   * takes its name), or with `update` replaces the spec of an existing one.
   * Answers once the new spec's job exists (or none is due; at once while
   * a job of the pipeline runs: the new job follows it). INVALID_PIPELINE_SPEC
   * names the bad field; PIPELINE_EXISTS without `update`.
   */
  CreatePipeline: grpc.handleUnaryCall<_strata_pps_v1_CreatePipelineRequest__Output, _strata_pps_v1_PipelineInfo>;
  
  /**
   * Deletes the pipeline, its jobs and datums, and (unless keep_repo) its output repo.
   */
  DeletePipeline: grpc.handleUnaryCall<_strata_pps_v1_DeletePipelineRequest__Output, _strata_pps_v1_DeletePipelineResponse>;
  
  /**
   * Walks a file back to the job, spec version, datum and input files that
   * made it, recursively through upstream pipelines.
   */
  Explain: grpc.handleUnaryCall<_strata_pps_v1_ExplainRequest__Output, _strata_pps_v1_Explanation>;
  
  /**
   * Logs of a pipeline's datums (optionally one job, one datum); with
   * `follow`, live output until the job ends or the call is cancelled.
   */
  GetLogs: grpc.handleServerStreamingCall<_strata_pps_v1_GetLogsRequest__Output, _strata_pps_v1_LogMessage>;
  
  InspectDatum: grpc.handleUnaryCall<_strata_pps_v1_InspectDatumRequest__Output, _strata_pps_v1_DatumInfo>;
  
  InspectJob: grpc.handleUnaryCall<_strata_pps_v1_InspectJobRequest__Output, _strata_pps_v1_JobInfo>;
  
  InspectPipeline: grpc.handleUnaryCall<_strata_pps_v1_InspectPipelineRequest__Output, _strata_pps_v1_PipelineInfo>;
  
  /**
   * The datums of a job (processed, skipped, failed, recovered).
   */
  ListDatum: grpc.handleServerStreamingCall<_strata_pps_v1_ListDatumRequest__Output, _strata_pps_v1_DatumInfo>;
  
  /**
   * Jobs, newest first; all pipelines' when `pipeline` is empty.
   */
  ListJob: grpc.handleUnaryCall<_strata_pps_v1_ListJobRequest__Output, _strata_pps_v1_ListJobResponse>;
  
  ListPipeline: grpc.handleUnaryCall<_strata_pps_v1_ListPipelineRequest__Output, _strata_pps_v1_ListPipelineResponse>;
  
  /**
   * Runs the job's datums again on the same input commits; with `verify`,
   * reports per output file whether the bytes are identical. Nothing is committed.
   */
  RerunJob: grpc.handleUnaryCall<_strata_pps_v1_RerunJobRequest__Output, _strata_pps_v1_RerunReport>;
  
  /**
   * Starts a stopped pipeline; commits made meanwhile get a job.
   */
  StartPipeline: grpc.handleUnaryCall<_strata_pps_v1_StartPipelineRequest__Output, _strata_pps_v1_PipelineInfo>;
  
  /**
   * Kills a running job (its output commit is dropped); answers with it ended.
   */
  StopJob: grpc.handleUnaryCall<_strata_pps_v1_StopJobRequest__Output, _strata_pps_v1_JobInfo>;
  
  /**
   * A stopped pipeline makes no new jobs; the running job finishes.
   */
  StopPipeline: grpc.handleUnaryCall<_strata_pps_v1_StopPipelineRequest__Output, _strata_pps_v1_PipelineInfo>;
  
  /**
   * Streams the job as it changes (states, counters), ending with it in a
   * terminal state (success, failure, killed, unrunnable).
   */
  WaitJob: grpc.handleServerStreamingCall<_strata_pps_v1_WaitJobRequest__Output, _strata_pps_v1_JobInfo>;
  
}

export interface PpsServiceDefinition extends grpc.ServiceDefinition {
  CreatePipeline: MethodDefinition<_strata_pps_v1_CreatePipelineRequest, _strata_pps_v1_PipelineInfo, _strata_pps_v1_CreatePipelineRequest__Output, _strata_pps_v1_PipelineInfo__Output>
  DeletePipeline: MethodDefinition<_strata_pps_v1_DeletePipelineRequest, _strata_pps_v1_DeletePipelineResponse, _strata_pps_v1_DeletePipelineRequest__Output, _strata_pps_v1_DeletePipelineResponse__Output>
  Explain: MethodDefinition<_strata_pps_v1_ExplainRequest, _strata_pps_v1_Explanation, _strata_pps_v1_ExplainRequest__Output, _strata_pps_v1_Explanation__Output>
  GetLogs: MethodDefinition<_strata_pps_v1_GetLogsRequest, _strata_pps_v1_LogMessage, _strata_pps_v1_GetLogsRequest__Output, _strata_pps_v1_LogMessage__Output>
  InspectDatum: MethodDefinition<_strata_pps_v1_InspectDatumRequest, _strata_pps_v1_DatumInfo, _strata_pps_v1_InspectDatumRequest__Output, _strata_pps_v1_DatumInfo__Output>
  InspectJob: MethodDefinition<_strata_pps_v1_InspectJobRequest, _strata_pps_v1_JobInfo, _strata_pps_v1_InspectJobRequest__Output, _strata_pps_v1_JobInfo__Output>
  InspectPipeline: MethodDefinition<_strata_pps_v1_InspectPipelineRequest, _strata_pps_v1_PipelineInfo, _strata_pps_v1_InspectPipelineRequest__Output, _strata_pps_v1_PipelineInfo__Output>
  ListDatum: MethodDefinition<_strata_pps_v1_ListDatumRequest, _strata_pps_v1_DatumInfo, _strata_pps_v1_ListDatumRequest__Output, _strata_pps_v1_DatumInfo__Output>
  ListJob: MethodDefinition<_strata_pps_v1_ListJobRequest, _strata_pps_v1_ListJobResponse, _strata_pps_v1_ListJobRequest__Output, _strata_pps_v1_ListJobResponse__Output>
  ListPipeline: MethodDefinition<_strata_pps_v1_ListPipelineRequest, _strata_pps_v1_ListPipelineResponse, _strata_pps_v1_ListPipelineRequest__Output, _strata_pps_v1_ListPipelineResponse__Output>
  RerunJob: MethodDefinition<_strata_pps_v1_RerunJobRequest, _strata_pps_v1_RerunReport, _strata_pps_v1_RerunJobRequest__Output, _strata_pps_v1_RerunReport__Output>
  StartPipeline: MethodDefinition<_strata_pps_v1_StartPipelineRequest, _strata_pps_v1_PipelineInfo, _strata_pps_v1_StartPipelineRequest__Output, _strata_pps_v1_PipelineInfo__Output>
  StopJob: MethodDefinition<_strata_pps_v1_StopJobRequest, _strata_pps_v1_JobInfo, _strata_pps_v1_StopJobRequest__Output, _strata_pps_v1_JobInfo__Output>
  StopPipeline: MethodDefinition<_strata_pps_v1_StopPipelineRequest, _strata_pps_v1_PipelineInfo, _strata_pps_v1_StopPipelineRequest__Output, _strata_pps_v1_PipelineInfo__Output>
  WaitJob: MethodDefinition<_strata_pps_v1_WaitJobRequest, _strata_pps_v1_JobInfo, _strata_pps_v1_WaitJobRequest__Output, _strata_pps_v1_JobInfo__Output>
}
