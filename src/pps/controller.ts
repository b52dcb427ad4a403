// The pipeline controller: runs in the server process, listens for commits
// finishing on input branches and turns each into a job, one job at a time
// per pipeline. At start it resumes jobs a crash left unfinished (their
// recorded datums are not run again). When a job fails, pipelines reading
// its output get an `unrunnable` job naming it.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { isStrataError } from '../errors/index.ts';
import { parseBranchName, parseRepoName } from '../ids.ts';
import type { CommitRecord } from '../meta/records.ts';
import { runJob, type JobDeps } from './job-run.ts';
import { TERMINAL_JOB_STATES, type JobInput, type JobRecord, type PipelineRecord } from './records.ts';
import { parsePipelineSpec, pfsInputs } from './spec.ts';
import type { PipelineSpec } from './spec-types.ts';

interface Running {
  /** The pipeline's work, chained: jobs run one after another. */
  queue: Promise<void>;
  /** Stops the job now running. */
  abort?: AbortController;
  jobId?: string;
}

export const newJobId = (): string => randomBytes(16).toString('hex');

export class Controller {
  readonly events = new EventEmitter();
  private readonly running = new Map<string, Running>();
  private readonly specs = new Map<string, PipelineSpec>();
  private stopped = false;
  private readonly onFinished = (c: CommitRecord): void => this.commitFinished(c);

  constructor(private readonly deps: Omit<JobDeps, 'events'>) {
    this.events.setMaxListeners(0);
  }

  private get jobDeps(): JobDeps {
    return { ...this.deps, events: this.events };
  }

  async start(): Promise<void> {
    await rm(this.deps.workDir, { recursive: true, force: true }); // datums a crash cut short
    this.deps.pfs.context.events.on('finished', this.onFinished);
    for (const p of await this.deps.store.pipelines()) {
      for (const job of await this.deps.store.jobs(p.name)) {
        if (!TERMINAL_JOB_STATES.includes(job.state)) {
          this.deps.log.info({ pipeline: p.name, job: job.id, state: job.state }, 'resuming a job the last server left unfinished');
          this.enqueue(p.name, () => this.resume(p.name, job));
        }
      }
      this.enqueue(p.name, () => this.trigger(p.name)); // commits made while the server was down
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.pfs.context.events.off('finished', this.onFinished);
    // Jobs are left as they are on disk: the next start resumes them.
    for (const r of this.running.values()) r.abort?.abort(new Error('server shutting down'));
    await Promise.allSettled([...this.running.values()].map((r) => r.queue));
  }

  async specOf(p: PipelineRecord, version = p.version): Promise<PipelineSpec> {
    const key = `${p.name}\0${version}`;
    let s = this.specs.get(key);
    if (!s) this.specs.set(key, (s = parsePipelineSpec((await this.deps.store.spec(p.name, version)).json)));
    return s;
  }

  /** Runs `work` after everything queued for the pipeline; errors are logged, never break the queue. */
  enqueue(pipeline: string, work: () => Promise<void>): Promise<void> {
    const r = this.running.get(pipeline) ?? { queue: Promise.resolve() };
    this.running.set(pipeline, r);
    const next = r.queue.then(async () => {
      if (this.stopped) return;
      try {
        await work();
      } catch (err) {
        this.deps.log.warn({ err, pipeline, error: err instanceof Error ? err.message : String(err) }, 'pipeline work failed');
      }
    });
    r.queue = next;
    return next;
  }

  /** Stops the running job of a pipeline (if `jobId` is given, only that job). Returns whether one was stopped. */
  stopJob(pipeline: string, jobId?: string): boolean {
    const r = this.running.get(pipeline);
    if (!r?.abort || (jobId && r.jobId !== jobId)) return false;
    r.abort.abort(new Error(jobId ? 'stopped by StopJob' : 'pipeline stopped'));
    return true;
  }

  async forget(pipeline: string): Promise<void> {
    this.stopJob(pipeline);
    await this.running.get(pipeline)?.queue;
    this.running.delete(pipeline);
  }

  private commitFinished(c: CommitRecord): void {
    if (this.stopped || !c.branch) return;
    void (async () => {
      for (const p of await this.deps.store.pipelines()) {
        if (p.state !== 'running') continue;
        const spec = await this.specOf(p);
        if (pfsInputs(spec.input).some((i) => i.repo === c.repo && i.branch === c.branch)) {
          this.enqueue(p.name, () => this.trigger(p.name, { repo: c.repo, branch: c.branch!, commit: c.id }));
        }
      }
    })().catch((err: unknown) => this.deps.log.warn({ err }, 'could not dispatch a finished commit to pipelines'));
  }

  /** The inputs a job would read now; `pin` fixes the commit of the branch that triggered it. */
  private async currentInputs(spec: PipelineSpec, pin?: { repo: string; branch: string; commit: string }): Promise<JobInput[]> {
    const out: JobInput[] = [];
    for (const i of pfsInputs(spec.input)) {
      let commit = '';
      if (pin && pin.repo === i.repo && pin.branch === i.branch) commit = pin.commit;
      else {
        try {
          commit = (await this.deps.pfs.inspectBranch(parseRepoName(i.repo), parseBranchName(i.branch))).head ?? '';
        } catch (err) {
          if (!(isStrataError(err) && err.kind === 'NotFound')) throw err;
        }
      }
      out.push({ name: i.name, repo: i.repo, branch: i.branch, commit });
    }
    return out;
  }

  /** Makes and runs a job for the inputs as they are now, unless the last job already read exactly them. */
  async trigger(pipeline: string, pin?: { repo: string; branch: string; commit: string }, force = false, onCreated?: (job: JobRecord | undefined) => void): Promise<void> {
    const p = await this.deps.store.pipeline(pipeline);
    const none = (): void => onCreated?.(undefined);
    if (!p || p.state !== 'running') return none();
    const spec = await this.specOf(p);
    const inputs = await this.currentInputs(spec, pin);
    if (inputs.every((i) => !i.commit)) return none();
    const [last] = await this.deps.store.jobs(pipeline);
    const same = last && last.specVersion === p.version && JSON.stringify(last.inputs) === JSON.stringify(inputs) && last.state !== 'unrunnable';
    if (same && !force) return none();
    const job: JobRecord = {
      id: newJobId(), pipeline, specVersion: p.version, state: 'created', inputs, outputCommit: null,
      counts: { total: 0, processed: 0, skipped: 0, failed: 0, recovered: 0 }, reason: '', createdAt: this.deps.clock.now(), startedAt: null, finishedAt: null,
    };
    await this.deps.store.putJob(job);
    this.events.emit('job', job);
    onCreated?.(job);
    await this.execute(p, spec, job);
  }

  private async resume(pipeline: string, job: JobRecord): Promise<void> {
    const p = await this.deps.store.pipeline(pipeline);
    if (!p) return;
    await this.execute(p, await this.specOf(p, job.specVersion), job);
  }

  private async execute(p: PipelineRecord, spec: PipelineSpec, job: JobRecord): Promise<void> {
    const r = this.running.get(p.name)!;
    const abort = new AbortController();
    r.abort = abort;
    r.jobId = job.id;
    const timer = spec.jobTimeoutMs === undefined ? undefined : setTimeout(() => abort.abort(new Error(`job timed out after ${spec.jobTimeoutMs} ms (job_timeout)`)), spec.jobTimeoutMs);
    let end: JobRecord;
    try {
      end = await runJob(this.jobDeps, p, spec, job, abort.signal);
    } finally {
      if (timer) clearTimeout(timer);
      r.abort = undefined;
      r.jobId = undefined;
    }
    if (this.stopped && end.state === 'killed') {
      // Shutting down is not a user's stop: leave the job to be resumed by the next start.
      await this.deps.store.putJob({ ...job, state: 'running', reason: '' });
      return;
    }
    if (end.state === 'killed' && String((abort.signal.reason as Error | undefined)?.message).includes('job_timeout')) {
      await this.deps.store.putJob((end = { ...end, state: 'failure' }));
      this.events.emit('job', end);
    }
    if (end.state === 'success') await this.deps.store.putPipeline({ ...((await this.deps.store.pipeline(p.name)) ?? p), headJob: end.id });
    else await this.markDownstreamUnrunnable(p, spec, end);
  }

  /** Pipelines reading this one's output cannot run on a failed job: each gets an `unrunnable` job saying so. */
  private async markDownstreamUnrunnable(p: PipelineRecord, spec: PipelineSpec, failed: JobRecord): Promise<void> {
    for (const q of await this.deps.store.pipelines()) {
      if (q.name === p.name) continue;
      const qs = await this.specOf(q);
      if (!pfsInputs(qs.input).some((i) => i.repo === p.name && i.branch === spec.outputBranch)) continue;
      this.enqueue(q.name, async () => {
        const t = this.deps.clock.now();
        const job: JobRecord = {
          id: newJobId(), pipeline: q.name, specVersion: q.version, state: 'unrunnable', inputs: await this.currentInputs(qs), outputCommit: null,
          counts: { total: 0, processed: 0, skipped: 0, failed: 0, recovered: 0 }, reason: `upstream job ${p.name}@${failed.id} ended in ${failed.state}: ${failed.reason}`,
          createdAt: t, startedAt: null, finishedAt: t,
        };
        await this.deps.store.putJob(job);
        this.events.emit('job', job);
        await this.markDownstreamUnrunnable(q, qs, job);
      });
    }
  }
}
