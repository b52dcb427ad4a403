// The pipeline controller: runs in the server process, listens for commits
// finishing on input branches (and input heads moved by a reset) and turns
// each into a job, one job at a time
// per pipeline. At start it resumes jobs a crash left unfinished (their
// recorded datums are not run again). When a job fails, pipelines reading
// its output get an `unrunnable` job naming it.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { isStrataError } from '../errors/index.ts';
import { parseBranchName, parseRepoName } from '../ids.ts';
import type { CommitRecord } from '../meta/records.ts';
import type { HeadMoved } from '../pfs/pfs.ts';
import { parseRef } from '../ref.ts';
import { runJob, type JobDeps } from './job-run.ts';
import { decodePipeline, type JobInput, type JobRecord, type PipelineRecord } from './records.ts';
import { PPS_PIPELINE_PREFIX } from '../meta/keys.ts';
import { commitTick, nextTick } from './cron.ts';
import { cronInputs, parsePipelineSpec, pfsInputs } from './spec.ts';
import type { PipelineSpec } from './spec-types.ts';

interface Running {
  /** The pipeline's work, chained: jobs run one after another. */
  queue: Promise<void>;
  /** Stops the job now running. */
  abort?: AbortController;
  jobId?: string;
}

export const newJobId = (): string => randomBytes(16).toString('hex');

/** How often the leader looks for input commits no event told it of, by default (see lead). */
export const DEFAULT_POLL_MS = 2000;

export class Controller {
  readonly events = new EventEmitter();
  private readonly running = new Map<string, Running>();
  private readonly specs = new Map<string, PipelineSpec>();
  private stopped = true;
  private poll: NodeJS.Timeout | undefined;
  /** Work queued or running per pipeline (the poll adds a trigger only to idle pipelines). */
  private readonly pending = new Map<string, number>();
  /** Pending cron ticks, by pipeline. */
  private readonly timers = new Map<string, NodeJS.Timeout[]>();
  private readonly onFinished = (c: CommitRecord): void => this.commitFinished(c);
  private readonly onHead = (h: HeadMoved): void => this.headMoved(h);
  /** Pipeline records by key, kept by a watch while this process leads (see watchPipelines). */
  private pipelineCache: Map<string, PipelineRecord> | undefined;
  private stopPipelineWatch: (() => Promise<void>) | undefined;

  /**
   * The newest job of each pipeline, or the earlier one whose inputs a reset
   * went back to, so triggers (and the poll) need not list every job.
   */
  private readonly lastJobs = new Map<string, JobRecord>();

  constructor(
    private readonly deps: Omit<JobDeps, 'events' | 'cache'>,
    private readonly pollMs = DEFAULT_POLL_MS,
  ) {
    this.events.setMaxListeners(0);
    this.events.on('job', (j: JobRecord) => {
      const last = this.lastJobs.get(j.pipeline);
      if (!last || last.id === j.id || j.createdAt >= last.createdAt) this.lastJobs.set(j.pipeline, j);
    });
  }

  private async lastJob(pipeline: string): Promise<JobRecord | undefined> {
    if (!this.lastJobs.has(pipeline)) {
      const last = await this.deps.store.newestJob(pipeline);
      if (last && !this.lastJobs.has(pipeline)) this.lastJobs.set(pipeline, last);
    }
    return this.lastJobs.get(pipeline);
  }

  private readonly cache: JobDeps['cache'] = new Map();

  private get jobDeps(): JobDeps {
    return { ...this.deps, events: this.events, cache: this.cache };
  }

  /**
   * Starts running pipelines here (this process leads; see pps.ts): resumes
   * jobs a crash or a former leader left unfinished, makes jobs for commits
   * made meanwhile, arms cron inputs, and from now on reacts to commits.
   */
  async lead(): Promise<void> {
    this.stopped = false;
    await rm(this.deps.workDir, { recursive: true, force: true }); // datums a crash cut short
    this.deps.pfs.context.events.on('finished', this.onFinished);
    this.deps.pfs.context.events.on('head', this.onHead);
    await this.watchPipelines();
    for (const p of await this.pipelines()) {
      await this.deps.store.indexJobs(p.name); // pipelines stored before the job indexes existed: once
      for (const job of await this.deps.store.unfinishedJobs(p.name)) {
        this.deps.log.info({ pipeline: p.name, job: job.id, state: job.state }, 'resuming a job left unfinished');
        this.enqueue(p.name, () => this.resume(p.name, job));
      }
      this.enqueue(p.name, () => this.trigger(p.name)); // commits made while nobody was leading
      await this.scheduleCron(p.name);
    }
    // Commit and head events come from the metadata store's watch, so from every server sharing it;
    // this poll is the safety net for what a watch can miss (a reconnect, a change of leader).
    this.poll = setInterval(() => void this.pollInputs(), this.pollMs);
    this.poll.unref();
  }

  /**
   * Every commit and head move, through any server, asks which running
   * pipelines read its branch: a scan of every pipeline record per event
   * (two per commit) cost the leader two etcd round trips per commit. The
   * list is kept here instead, fresh by a watch on the pipeline records. The
   * watch and the commit events come through one client's watch stream, in
   * the order etcd applied the writes, so a pipeline created before a commit
   * is known when that commit's event arrives; the poll is the safety net
   * for a watch that falls behind, as for commit events. Started before the
   * first scan, so no change is missed; a key the watch reported during the
   * scan is left to it.
   */
  private async watchPipelines(): Promise<void> {
    const cache = new Map<string, PipelineRecord>();
    let scanning: Set<string> | undefined = new Set();
    this.stopPipelineWatch = await this.deps.store.meta.watch(PPS_PIPELINE_PREFIX, ({ key, value }) => {
      scanning?.add(key);
      try {
        if (value === undefined) cache.delete(key);
        else cache.set(key, decodePipeline(value, key));
      } catch (err) {
        // A record this build cannot read: back to scanning, which reports it where it matters.
        this.pipelineCache = undefined;
        this.deps.log.warn({ err, key }, 'pipeline record event not understood; listing pipelines from the store');
      }
    });
    for await (const [key, raw] of this.deps.store.meta.scan({ prefix: PPS_PIPELINE_PREFIX })) if (!scanning.has(key)) cache.set(key, decodePipeline(raw, key));
    scanning = undefined;
    this.pipelineCache = cache;
  }

  /** Every pipeline record: from the watched list while leading, else from the store. */
  private async pipelines(): Promise<PipelineRecord[]> {
    return this.pipelineCache ? [...this.pipelineCache.values()] : this.deps.store.pipelines();
  }

  private async pollInputs(): Promise<void> {
    try {
      for (const p of await this.deps.store.pipelines()) {
        if (p.state === 'running' && !this.stopped && (this.pending.get(p.name) ?? 0) === 0) this.enqueue(p.name, () => this.trigger(p.name));
      }
    } catch (err) {
      this.deps.log.warn({ err }, 'pipeline input poll failed');
    }
  }

  /** (Re)arms the cron inputs of a pipeline: each tick commits a file to its repo, which makes a job. */
  async scheduleCron(pipeline: string): Promise<void> {
    for (const t of this.timers.get(pipeline) ?? []) clearTimeout(t);
    this.timers.delete(pipeline);
    const p = await this.deps.store.pipeline(pipeline);
    if (!p || this.stopped) return;
    const timers: NodeJS.Timeout[] = [];
    for (const cron of cronInputs((await this.specOf(p)).input)) {
      const arm = (): void => {
        const next = nextTick(cron.spec, new Date(this.deps.clock.now()));
        if (!next) return;
        const timer = setTimeout(() => {
          void (async () => {
            const now = await this.deps.store.pipeline(pipeline);
            if (now?.state === 'running' && !this.stopped) await commitTick(this.deps.pfs, cron, next);
          })().catch((err: unknown) => this.deps.log.warn({ err, pipeline, cron: cron.name }, 'cron tick failed')).finally(() => {
            if (this.timers.get(pipeline)?.includes(timer)) {
              const list = this.timers.get(pipeline)!;
              list.splice(list.indexOf(timer), 1);
              arm();
            }
          });
        }, Math.max(0, next.getTime() - this.deps.clock.now()));
        timer.unref();
        timers.push(timer);
        this.timers.set(pipeline, timers);
      };
      arm();
    }
  }

  /** Stops leading: running jobs stop and are left to be resumed by the next leader (or start). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    for (const list of this.timers.values()) for (const t of list) clearTimeout(t);
    this.timers.clear();
    this.deps.pfs.context.events.off('finished', this.onFinished);
    this.deps.pfs.context.events.off('head', this.onHead);
    this.pipelineCache = undefined;
    await this.stopPipelineWatch?.();
    this.stopPipelineWatch = undefined;
    for (const r of this.running.values()) r.abort?.abort(new Error('server shutting down'));
    await Promise.allSettled([...this.running.values()].map((r) => r.queue));
    this.running.clear();
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
    this.pending.set(pipeline, (this.pending.get(pipeline) ?? 0) + 1);
    const next = r.queue.then(async () => {
      try {
        if (!this.stopped) await work();
      } catch (err) {
        this.deps.log.warn({ err, pipeline, error: err instanceof Error ? err.message : String(err) }, 'pipeline work failed');
      } finally {
        this.pending.set(pipeline, (this.pending.get(pipeline) ?? 1) - 1);
      }
    });
    r.queue = next;
    return next;
  }

  /** Whether a job of the pipeline is running now. */
  busy(pipeline: string): boolean {
    return this.running.get(pipeline)?.abort !== undefined;
  }

  /** Stops the running job of a pipeline (if `jobId` is given, only that job). Returns whether one was stopped. */
  stopJob(pipeline: string, jobId?: string): boolean {
    const r = this.running.get(pipeline);
    if (!r?.abort || (jobId && r.jobId !== jobId)) return false;
    r.abort.abort(new Error(jobId ? 'stopped by StopJob' : 'pipeline stopped'));
    return true;
  }

  /** Before a pipeline is deleted: its job stops, its timers and what is kept in memory of it go. */
  async forget(pipeline: string): Promise<void> {
    for (const t of this.timers.get(pipeline) ?? []) clearTimeout(t);
    this.timers.delete(pipeline);
    this.stopJob(pipeline);
    await this.running.get(pipeline)?.queue;
    this.running.delete(pipeline);
    // After the job ended: its last events would otherwise leave state behind for a pipeline of the same name.
    this.cache.delete(pipeline);
    this.lastJobs.delete(pipeline);
  }

  private commitFinished(c: CommitRecord): void {
    if (this.stopped || !c.branch) return;
    void (async () => {
      for (const p of await this.pipelines()) {
        if (p.state !== 'running') continue;
        const spec = await this.specOf(p);
        if (pfsInputs(spec.input).some((i) => i.repo === c.repo && i.branch === c.branch)) {
          this.enqueue(p.name, () => this.trigger(p.name, { repo: c.repo, branch: c.branch!, commit: c.id }));
        }
      }
    })().catch((err: unknown) => this.deps.log.warn({ err }, 'could not dispatch a finished commit to pipelines'));
  }

  /**
   * A head moved other than by a commit made on the branch (a reset, a branch
   * made from a commit, a dropped head): the new head gets a job as in
   * Pachyderm, unless the pipeline already ran one on exactly these inputs
   * (trigger). A commit made on the branch is left to its 'finished' event.
   */
  private headMoved(h: HeadMoved): void {
    if (this.stopped) return;
    void (async () => {
      // Which pipelines read this branch first: most head moves (every commit, through any server) concern none.
      const readers: string[] = [];
      for (const p of await this.pipelines()) {
        if (p.state === 'running' && pfsInputs((await this.specOf(p)).input).some((i) => i.repo === h.repo && i.branch === h.branch)) readers.push(p.name);
      }
      if (readers.length === 0) return;
      const c = await this.deps.pfs.inspectCommit(parseRef(`${h.repo}@${h.head}`));
      if (c.state !== 'finished' || (c.branch === h.branch && c.parent === h.previous)) return;
      const pin = { repo: h.repo, branch: h.branch, commit: h.head };
      for (const name of readers) this.enqueue(name, () => this.trigger(name, pin));
    })().catch((err: unknown) => this.deps.log.warn({ err, ...h }, 'could not dispatch a moved branch head to pipelines'));
  }

  /**
   * An earlier job of the pipeline on exactly these inputs and this spec
   * version (unrunnable ones aside): the newest such, or undefined.
   */
  private async jobOn(p: PipelineRecord, inputs: JobInput[]): Promise<JobRecord | undefined> {
    const key = JSON.stringify(inputs);
    const last = await this.lastJob(p.name);
    if (last && last.specVersion === p.version && last.state !== 'unrunnable' && JSON.stringify(last.inputs) === key) return last;
    return this.deps.store.jobOn(p.name, p.version, inputs); // an index lookup, not a read of every job
  }

  /**
   * The inputs went back to a set an earlier job succeeded on (a reset): its
   * output commit, whose provenance is exactly these inputs, becomes the
   * output branch's head again, so the output follows the inputs as a new
   * job (every datum skipped) would have made it, without a job. A branch
   * that moved meanwhile is left alone (compare-and-set).
   */
  private async restoreOutput(p: PipelineRecord, spec: PipelineSpec, earlier: JobRecord): Promise<void> {
    if (earlier.state !== 'success' || !earlier.outputCommit) return;
    const repo = parseRepoName(p.name);
    const branch = parseBranchName(spec.outputBranch);
    const head = (await this.deps.pfs.inspectBranch(repo, branch)).head;
    if (head === earlier.outputCommit) return;
    await this.deps.pfs.resetBranch(repo, branch, parseRef(`${p.name}@${earlier.outputCommit}`), { expectedHead: head ?? undefined });
    await this.deps.store.putPipeline({ ...((await this.deps.store.pipeline(p.name)) ?? p), headJob: earlier.id });
    this.deps.log.info({ pipeline: p.name, job: earlier.id, output: earlier.outputCommit }, 'inputs back at an earlier job\'s: its output is the head again, no new job');
  }

  /** The inputs a job would read now; `pin` fixes the commit of the branch that triggered it. */
  private async currentInputs(spec: PipelineSpec, pin?: { repo: string; branch: string; commit: string }): Promise<JobInput[]> {
    const out: JobInput[] = [];
    for (const i of pfsInputs(spec.input)) {
      let commit = '';
      if (pin && pin.repo === i.repo && pin.branch === i.branch) commit = pin.commit;
      else {
        try {
          commit = await this.lastFinished(i.repo, (await this.deps.pfs.inspectBranch(parseRepoName(i.repo), parseBranchName(i.branch))).head);
        } catch (err) {
          if (!(isStrataError(err) && err.kind === 'NotFound')) throw err;
        }
      }
      out.push({ name: i.name, repo: i.repo, branch: i.branch, commit });
    }
    return out;
  }

  /**
   * The newest finished commit at or below `head`: an open head (an upstream
   * job writing its output) is not an input yet; its finish triggers a job.
   */
  private async lastFinished(repo: string, head: string | null): Promise<string> {
    for (let id = head; id; ) {
      const c = await this.deps.pfs.inspectCommit(parseRef(`${repo}@${id}`));
      if (c.state === 'finished') return c.id;
      id = c.parent;
    }
    return '';
  }

  /** Makes and runs a job for the inputs as they are now, unless a job already read exactly them (see jobOn). */
  async trigger(pipeline: string, pin?: { repo: string; branch: string; commit: string }, force = false, onCreated?: (job: JobRecord | undefined) => void): Promise<void> {
    const p = await this.deps.store.pipeline(pipeline);
    const none = (): void => onCreated?.(undefined);
    if (!p || p.state !== 'running') return none();
    const spec = await this.specOf(p);
    const inputs = await this.currentInputs(spec, pin);
    if (inputs.every((i) => !i.commit)) return none();
    if (!force) {
      // No second job on an input set one already ran on (a poll, a reset back to it): `force` (update, start) asks for one.
      const earlier = await this.jobOn(p, inputs);
      if (earlier) {
        // A pin from an event handled late may no longer be the head: the output follows only the inputs as they are now.
        const current = !pin || JSON.stringify(await this.currentInputs(spec)) === JSON.stringify(inputs);
        if (current && earlier.id !== (await this.lastJob(pipeline))?.id) {
          await this.restoreOutput(p, spec, earlier);
          this.lastJobs.set(pipeline, earlier); // so the next poll finds it without reading every job
        }
        return none();
      }
    }
    const job: JobRecord = {
      id: newJobId(), pipeline, specVersion: p.version, state: 'created', inputs, outputCommit: null,
      counts: { total: 0, processed: 0, skipped: 0, failed: 0, recovered: 0 }, reason: '', createdAt: this.deps.clock.now(), startedAt: null, finishedAt: null,
    };
    await this.deps.store.createJob(job);
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
    const timer = spec.jobTimeoutMs === undefined ? undefined : setTimeout(() => abort.abort(Object.assign(new Error(`job timed out after ${spec.jobTimeoutMs} ms (job_timeout)`), { jobTimeout: true })), spec.jobTimeoutMs);
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
        await this.deps.store.createJob(job);
        this.events.emit('job', job);
        await this.markDownstreamUnrunnable(q, qs, job);
      });
    }
  }
}
