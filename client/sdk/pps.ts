// The pipeline half of the SDK: one typed method per PpsService RPC, over
// the same transport as the file system client (deadlines, retries of
// idempotent calls, errors rebuilt as the server's StrataError).
//
//   const pps = createPpsClient({ address });
//   await pps.createPipeline(JSON.stringify(spec));
//   for await (const job of pps.waitJob('edges', jobId)) console.log(job.state);
import { DEFAULT_ADDRESS, transportOptions, type ClientOptions } from './client.ts';
import { serviceClient, type UntypedService } from './services.ts';
import { Transport, type CallOptions } from './transport.ts';
import type { Wire } from './types.ts';

export type JobState = 'created' | 'starting' | 'running' | 'finishing' | 'success' | 'failure' | 'killed' | 'unrunnable';
export const TERMINAL_STATES: readonly JobState[] = ['success', 'failure', 'killed', 'unrunnable'];

export interface JobInfo {
  pipeline: string;
  id: string;
  specVersion: number;
  state: JobState;
  inputs: { name: string; repo: string; branch: string; commit: string }[];
  outputCommit: string;
  counts: { total: number; processed: number; skipped: number; failed: number; recovered: number };
  reason: string;
  createdAtMs: number;
  startedAtMs: number;
  finishedAtMs: number;
}

export interface PipelineInfo {
  name: string;
  version: number;
  state: 'running' | 'paused';
  specJson: string;
  description: string;
  outputBranch: string;
  inputs: string[];
  parallelism: number;
  datumTries: number;
  createdAtMs: number;
  updatedAtMs: number;
  executor: string;
  notApplied: { field: string; reason: string }[];
  lastJob: JobInfo | null;
}

export interface DatumInput {
  name: string;
  repo: string;
  commit: string;
  path: string;
  hash: string;
}

export interface DatumInfo {
  id: string;
  job: string;
  hash: string;
  state: 'success' | 'skipped' | 'failed' | 'recovered';
  inputs: DatumInput[];
  outputs: { path: string; size: number; hash: string }[];
  fromJob: string;
  tries: number;
  reason: string;
  startedAtMs: number;
  finishedAtMs: number;
}

export interface LogMessage {
  job: string;
  datum: string;
  text: string;
}

export interface Explanation {
  repo: string;
  commit: string;
  path: string;
  hash: string;
  pipeline: string;
  specVersion: number;
  image: string;
  cmd: string[];
  job: string;
  ranInJob: string;
  datum: string;
  inputs: DatumInput[];
  upstream: Explanation[];
  provenance: string[];
}

export interface RerunReport {
  pipeline: string;
  job: string;
  datums: number;
  files: { datum: string; path: string; expected: string; actual: string; verdict: 'identical' | 'different' | 'missing' | 'extra' }[];
  identical: number;
  different: number;
  failedDatums: { datum: string; reason: string }[];
}

export type Reprocess = 'default' | 'all' | 'none';
const REPROCESS = { default: 'REPROCESS_DEFAULT', all: 'REPROCESS_ALL', none: 'REPROCESS_NONE' } as const;

export function createPpsClient(opts: ClientOptions = {}): PpsClient {
  return new PpsClient(opts);
}

const cast = <T>(w: Wire): T => w as unknown as T;
const job = (w: Wire): JobInfo => cast<JobInfo>(w);

export class PpsClient {
  readonly address: string;
  private readonly transport: Transport<UntypedService>;

  constructor(opts: ClientOptions = {}) {
    this.address = opts.address ?? DEFAULT_ADDRESS;
    this.transport = new Transport<UntypedService>({ ...transportOptions(opts), service: serviceClient('pps') });
  }

  close(): void {
    this.transport.close();
  }

  private read(method: string, request: object, opts: CallOptions = {}): Promise<Wire> {
    return this.transport.unary(method, request, { ...opts, idempotent: true });
  }

  private write(method: string, request: object, opts: CallOptions = {}): Promise<Wire> {
    return this.transport.unary(method, request, { ...opts, idempotent: false });
  }

  private async *stream<T>(method: string, request: object, opts: CallOptions = {}): AsyncGenerator<T> {
    for await (const m of this.transport.serverStream(method, request, { ...opts, idempotent: true })) yield cast<T>(m);
  }

  /** Creates a pipeline from its JSON spec; `update` replaces an existing one's spec. */
  async createPipeline(specJson: string, opts: CallOptions & { update?: boolean; reprocess?: Reprocess } = {}): Promise<PipelineInfo> {
    const w = await this.write('CreatePipeline', { specJson, update: opts.update ?? false, reprocess: REPROCESS[opts.reprocess ?? 'default'] }, { deadlineMs: 0, ...opts });
    return cast<PipelineInfo>(w);
  }

  async inspectPipeline(name: string, opts: CallOptions = {}): Promise<PipelineInfo> {
    return cast<PipelineInfo>(await this.read('InspectPipeline', { name }, opts));
  }

  async listPipelines(opts: CallOptions = {}): Promise<PipelineInfo[]> {
    return cast<{ pipelines: PipelineInfo[] }>(await this.read('ListPipeline', {}, opts)).pipelines;
  }

  async deletePipeline(name: string, opts: CallOptions & { keepRepo?: boolean } = {}): Promise<void> {
    await this.write('DeletePipeline', { name, keepRepo: opts.keepRepo ?? false }, { deadlineMs: 0, ...opts });
  }

  async stopPipeline(name: string, opts: CallOptions = {}): Promise<PipelineInfo> {
    return cast<PipelineInfo>(await this.write('StopPipeline', { name }, opts));
  }

  async startPipeline(name: string, opts: CallOptions = {}): Promise<PipelineInfo> {
    return cast<PipelineInfo>(await this.write('StartPipeline', { name }, opts));
  }

  async listJobs(pipeline?: string, opts: CallOptions = {}): Promise<JobInfo[]> {
    return cast<{ jobs: JobInfo[] }>(await this.read('ListJob', { pipeline: pipeline ?? '' }, opts)).jobs;
  }

  async inspectJob(pipeline: string, jobId: string, opts: CallOptions = {}): Promise<JobInfo> {
    return job(await this.read('InspectJob', { pipeline, job: jobId }, opts));
  }

  /** The job as it changes; the last message is the job in its terminal state. */
  waitJob(pipeline: string, jobId: string, opts: CallOptions = {}): AsyncGenerator<JobInfo> {
    return this.stream<JobInfo>('WaitJob', { pipeline, job: jobId }, opts);
  }

  /** Waits for the job to end and returns it. */
  async waitJobDone(pipeline: string, jobId: string, opts: CallOptions = {}): Promise<JobInfo> {
    let last: JobInfo | undefined;
    for await (const j of this.waitJob(pipeline, jobId, opts)) last = j;
    return last!;
  }

  async stopJob(pipeline: string, jobId: string, opts: CallOptions = {}): Promise<JobInfo> {
    return job(await this.write('StopJob', { pipeline, job: jobId }, { deadlineMs: 0, ...opts }));
  }

  async rerunJob(pipeline: string, jobId: string, opts: CallOptions & { verify?: boolean } = {}): Promise<RerunReport> {
    return cast<RerunReport>(await this.write('RerunJob', { pipeline, job: jobId, verify: opts.verify ?? true }, { deadlineMs: 0, ...opts }));
  }

  listDatums(pipeline: string, jobId: string, opts: CallOptions = {}): AsyncGenerator<DatumInfo> {
    return this.stream<DatumInfo>('ListDatum', { pipeline, job: jobId }, opts);
  }

  async inspectDatum(pipeline: string, jobId: string, datum: string, opts: CallOptions = {}): Promise<DatumInfo> {
    return cast<DatumInfo>(await this.read('InspectDatum', { pipeline, job: jobId, datum }, opts));
  }

  logs(pipeline: string, opts: CallOptions & { job?: string; datum?: string; follow?: boolean } = {}): AsyncGenerator<LogMessage> {
    return this.stream<LogMessage>('GetLogs', { pipeline, job: opts.job ?? '', datum: opts.datum ?? '', follow: opts.follow ?? false }, opts);
  }

  /** What made `REF:/path`: pipeline, spec version, job, datum and input files, recursively. */
  async explain(file: string, opts: CallOptions = {}): Promise<Explanation> {
    return cast<Explanation>(await this.read('Explain', { file }, opts));
  }
}
