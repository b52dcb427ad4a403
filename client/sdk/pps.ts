// The pipeline half of the SDK: one typed method per PpsService RPC, over
// the same transport as the file system client (deadlines, retries of
// idempotent calls, errors rebuilt as the server's StrataError).
//
//   const pps = createPpsClient({ address });
//   await pps.createPipeline(JSON.stringify(spec));
//   for await (const job of pps.waitJob('edges', jobId)) console.log(job.state);
import type { PpsServiceDefinition } from '../../proto/generated/strata/pps/v1/PpsService.ts';
import { DEFAULT_ADDRESS, transportOptions, type ClientOptions } from './client.ts';
import { toDatumInfo, toExplanation, toJobInfo, toLogMessage, toPipelineInfo, toRerunReport, type DatumInfo, type Explanation, type JobInfo, type LogMessage, type PipelineInfo, type RerunReport } from './pps-types.ts';
import type { RequestOf, ResponseOf } from './services.ts';
import { Transport, type CallOptions } from './transport.ts';

export { TERMINAL_STATES } from './pps-types.ts';
export type { JobState, JobInfo, PipelineInfo, DatumInput, DatumInfo, LogMessage, Explanation, RerunReport } from './pps-types.ts';

export type Reprocess = 'default' | 'all' | 'none';
const REPROCESS = { default: 'REPROCESS_DEFAULT', all: 'REPROCESS_ALL', none: 'REPROCESS_NONE' } as const;

export function createPpsClient(opts: ClientOptions = {}): PpsClient {
  return new PpsClient(opts);
}

type D = PpsServiceDefinition;
type Method = keyof D & string;

export class PpsClient {
  readonly address: string;
  private readonly transport: Transport<D>;

  constructor(opts: ClientOptions = {}) {
    this.address = opts.address ?? DEFAULT_ADDRESS;
    this.transport = new Transport<D>({ ...transportOptions(opts), service: 'pps' });
  }

  close(): void {
    this.transport.close();
  }

  private read<M extends Method>(method: M, request: RequestOf<D, M>, opts: CallOptions = {}): Promise<ResponseOf<D, M>> {
    return this.transport.unary(method, request, { ...opts, idempotent: true });
  }

  private write<M extends Method>(method: M, request: RequestOf<D, M>, opts: CallOptions = {}): Promise<ResponseOf<D, M>> {
    return this.transport.unary(method, request, { ...opts, idempotent: false });
  }

  private async *stream<M extends Method, T>(method: M, request: RequestOf<D, M>, opts: CallOptions, convert: (w: ResponseOf<D, M>) => T): AsyncGenerator<T> {
    for await (const m of this.transport.serverStream(method, request, { ...opts, idempotent: true })) yield convert(m);
  }

  /** Creates a pipeline from its JSON spec; `update` replaces an existing one's spec. */
  async createPipeline(specJson: string, opts: CallOptions & { update?: boolean; reprocess?: Reprocess } = {}): Promise<PipelineInfo> {
    const w = await this.write('CreatePipeline', { specJson, update: opts.update ?? false, reprocess: REPROCESS[opts.reprocess ?? 'default'] }, { deadlineMs: 0, ...opts });
    return toPipelineInfo(w);
  }

  async inspectPipeline(name: string, opts: CallOptions = {}): Promise<PipelineInfo> {
    return toPipelineInfo(await this.read('InspectPipeline', { name }, opts));
  }

  async listPipelines(opts: CallOptions = {}): Promise<PipelineInfo[]> {
    return (await this.read('ListPipeline', {}, opts)).pipelines.map(toPipelineInfo);
  }

  async deletePipeline(name: string, opts: CallOptions & { keepRepo?: boolean } = {}): Promise<void> {
    await this.write('DeletePipeline', { name, keepRepo: opts.keepRepo ?? false }, { deadlineMs: 0, ...opts });
  }

  async stopPipeline(name: string, opts: CallOptions = {}): Promise<PipelineInfo> {
    return toPipelineInfo(await this.write('StopPipeline', { name }, opts));
  }

  async startPipeline(name: string, opts: CallOptions = {}): Promise<PipelineInfo> {
    return toPipelineInfo(await this.write('StartPipeline', { name }, opts));
  }

  async listJobs(pipeline?: string, opts: CallOptions = {}): Promise<JobInfo[]> {
    return (await this.read('ListJob', { pipeline: pipeline ?? '' }, opts)).jobs.map(toJobInfo);
  }

  async inspectJob(pipeline: string, jobId: string, opts: CallOptions = {}): Promise<JobInfo> {
    return toJobInfo(await this.read('InspectJob', { pipeline, job: jobId }, opts));
  }

  /** The job as it changes; the last message is the job in its terminal state. */
  waitJob(pipeline: string, jobId: string, opts: CallOptions = {}): AsyncGenerator<JobInfo> {
    return this.stream('WaitJob', { pipeline, job: jobId }, opts, toJobInfo);
  }

  /** Waits for the job to end and returns it. */
  async waitJobDone(pipeline: string, jobId: string, opts: CallOptions = {}): Promise<JobInfo> {
    let last: JobInfo | undefined;
    for await (const j of this.waitJob(pipeline, jobId, opts)) last = j;
    return last!;
  }

  async stopJob(pipeline: string, jobId: string, opts: CallOptions = {}): Promise<JobInfo> {
    return toJobInfo(await this.write('StopJob', { pipeline, job: jobId }, { deadlineMs: 0, ...opts }));
  }

  async rerunJob(pipeline: string, jobId: string, opts: CallOptions & { verify?: boolean } = {}): Promise<RerunReport> {
    return toRerunReport(await this.write('RerunJob', { pipeline, job: jobId, verify: opts.verify ?? true }, { deadlineMs: 0, ...opts }));
  }

  listDatums(pipeline: string, jobId: string, opts: CallOptions = {}): AsyncGenerator<DatumInfo> {
    return this.stream('ListDatum', { pipeline, job: jobId }, opts, toDatumInfo);
  }

  async inspectDatum(pipeline: string, jobId: string, datum: string, opts: CallOptions = {}): Promise<DatumInfo> {
    return toDatumInfo(await this.read('InspectDatum', { pipeline, job: jobId, datum }, opts));
  }

  logs(pipeline: string, opts: CallOptions & { job?: string; datum?: string; follow?: boolean } = {}): AsyncGenerator<LogMessage> {
    return this.stream('GetLogs', { pipeline, job: opts.job ?? '', datum: opts.datum ?? '', follow: opts.follow ?? false }, opts, toLogMessage);
  }

  /** What made `REF:/path`: pipeline, spec version, job, datum and input files, recursively. */
  async explain(file: string, opts: CallOptions = {}): Promise<Explanation> {
    return toExplanation(await this.read('Explain', { file }, opts));
  }
}
