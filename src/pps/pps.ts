// The pipeline system's front door: createPps wires the store, the
// controller and an executor over pfs. Transports call these methods with
// plain values; each checks what it needs.
import { randomBytes } from 'node:crypto';
import { StrataError, isStrataError } from '../errors/index.ts';
import { parseRepoName, type RepoName } from '../ids.ts';
import type { LeaderElector } from '../meta/leader-election.ts';
import type { Clock, PfsLog } from '../pfs/context.ts';
import type { Pfs } from '../pfs/pfs.ts';
import { Controller } from './controller.ts';
import type { Auth } from '../auth/index.ts';
import type { Executor } from './exec/executor.ts';
import { createPipelineRobots } from './robot.ts';
import { explainFile, type Explanation } from './explain.ts';
import { TERMINAL_JOB_STATES, type DatumRecord, type JobRecord, type PipelineRecord } from './records.ts';
import { rerunJob, type RerunReport } from './rerun.ts';
import { cronInputs, parsePipelineSpec, pfsInputs, transformHash } from './spec.ts';
import type { PipelineSpec } from './spec-types.ts';
import { PpsStore } from './store.ts';

export interface PpsDeps {
  pfs: Pfs;
  /**
   * Servers sharing one metadata store elect the one that runs pipelines
   * (campaign name "pps-controller"); without an elector this process runs them.
   */
  elector?: LeaderElector;
  /** Names this server to the election (e.g. its address). */
  candidate?: string;
  executor: Executor;
  /** The auth system: once active, each pipeline runs as its own robot (robot.ts). */
  auth?: Auth;
  /** Scratch directory for datums; emptied at start. */
  workDir: string;
  clock?: Clock;
  log?: PfsLog;
  /** How often the leader looks for input changes no event told it of (default 2000 ms; see Controller). */
  pollMs?: number;
}

export interface PipelineInfo {
  record: PipelineRecord;
  spec: PipelineSpec;
  /** The spec as given. */
  json: string;
  /** Spec fields this server keeps but does not apply, with why. */
  notApplied: { field: string; reason: string }[];
  executor: string;
  lastJob?: JobRecord;
}

export type LogLine = { job: string; datum: string; text: string };

export type Pps = Awaited<ReturnType<typeof createPps>>;

export async function createPps(deps: PpsDeps) {
  const clock = deps.clock ?? { now: () => Date.now() };
  const log = deps.log ?? { info: () => undefined, warn: () => undefined };
  const store = new PpsStore(deps.pfs.context.meta);
  const robots = createPipelineRobots(deps.auth);
  const controller = new Controller({ pfs: deps.pfs, store, executor: deps.executor, workDir: deps.workDir, clock, log, robots }, deps.pollMs);
  const closing = new AbortController();
  let leading: Promise<void> = Promise.resolve();
  if (!deps.elector) await controller.lead();
  else leading = leadWhileElected(deps.elector, deps.candidate ?? 'strata', controller, closing.signal, log);

  const lazyNotApplied = (spec: PipelineSpec): PipelineInfo['notApplied'] =>
    deps.executor.pipes === false && pfsInputs(spec.input).some((i) => i.lazy)
      ? [{ field: 'input.pfs.lazy', reason: `the ${deps.executor.name} executor copies files into a real /pfs, where pipes cannot go: lazy inputs are copied` }]
      : [];
  const info = async (p: PipelineRecord): Promise<PipelineInfo> => {
    const spec = await controller.specOf(p);
    const lastJob = await store.newestJob(p.name);
    return {
      record: p, spec, json: (await store.spec(p.name, p.version)).json, executor: `${deps.executor.name}: ${deps.executor.description}`,
      notApplied: [...spec.notApplied, ...deps.executor.ignores(spec.transform), ...lazyNotApplied(spec)], lastJob,
    };
  };

  /** A job by id or unique id prefix. */
  const resolveJob = async (pipeline: string, id: string): Promise<JobRecord> => {
    const exact = await store.job(pipeline, id);
    if (exact) return exact;
    const matches = id.length >= 4 && /^[0-9a-f]+$/.test(id) ? await store.jobsByPrefix(pipeline, id, 2) : [];
    if (matches.length === 1) return matches[0]!;
    await store.requirePipeline(pipeline);
    throw new StrataError('JOB_NOT_FOUND', `job ${pipeline}@${id} not found${matches.length > 1 ? ' (the prefix is ambiguous)' : ''}`, { pipeline, job: id });
  };

  const waitJob = (pipeline: string, id: string, signal?: AbortSignal, onProgress?: (j: JobRecord) => void): Promise<JobRecord> =>
    new Promise<JobRecord>((resolve, reject) => {
      const cleanup = (): void => {
        stopPolling();
        controller.events.off('job', onJob);
        signal?.removeEventListener('abort', onAbort);
      };
      const onJob = (j: JobRecord): void => {
        if (j.pipeline !== pipeline || j.id !== id) return;
        if (TERMINAL_JOB_STATES.includes(j.state)) (cleanup(), resolve(j));
        else onProgress?.(j);
      };
      const onAbort = (): void => (cleanup(), reject(new StrataError('CANCELLED', `wait for job ${pipeline}@${id} cancelled`)));
      // Another server may run the job (one leads the pipelines): its records are read back now and then.
      const poll = setInterval(() => {
        void store.job(pipeline, id).then((j) => j && onJob(j), () => undefined);
      }, 500);
      poll.unref();
      const stopPolling = (): void => clearInterval(poll);
      controller.events.on('job', onJob);
      signal?.addEventListener('abort', onAbort);
      resolveJob(pipeline, id).then((j) => {
        id = j.id;
        if (TERMINAL_JOB_STATES.includes(j.state)) (cleanup(), resolve(j));
        else onProgress?.(j);
      }, (err: unknown) => (cleanup(), reject(err)));
    });

  return {
    store,
    controller,
    async createPipeline(json: string, opts: { update?: boolean; reprocess?: boolean } = {}): Promise<PipelineInfo> {
      const spec = parsePipelineSpec(json);
      deps.executor.check?.(spec.transform);
      const cronRepos = new Set(cronInputs(spec.input).map((c) => c.repo as string));
      for (const c of cronRepos) {
        await deps.pfs.createRepo(c as RepoName, { description: `cron ticks of pipeline ${spec.name}` }).catch((err: unknown) => {
          if (!isStrataError(err, 'REPO_EXISTS')) throw err;
        });
      }
      for (const i of pfsInputs(spec.input)) {
        if (i.repo === spec.name) throw new StrataError('INVALID_PIPELINE_SPEC', `invalid pipeline spec: input repo "${i.repo}" is the pipeline's own output repo`, { field: 'input' });
        await deps.pfs.inspectRepo(parseRepoName(i.repo)).catch((err: unknown) => {
          if (isStrataError(err, 'REPO_NOT_FOUND')) throw new StrataError('REPO_NOT_FOUND', `input repo "${i.repo}" of pipeline "${spec.name}" does not exist; create it first: strata repo create ${i.repo}`, { repo: i.repo });
          throw err;
        });
      }
      const old = await store.pipeline(spec.name);
      if (old && !opts.update) throw new StrataError('PIPELINE_EXISTS', `pipeline "${spec.name}" exists; change it with: strata pipeline update -f SPEC`, { pipeline: spec.name });
      if (!old && opts.update) throw new StrataError('PIPELINE_NOT_FOUND', `pipeline "${spec.name}" not found; create it first`, { pipeline: spec.name });
      const now = clock.now();
      if (!old) {
        await deps.pfs.createRepo(spec.name, { description: `output of pipeline ${spec.name}` }).catch((err: unknown) => {
          if (isStrataError(err, 'REPO_EXISTS')) throw new StrataError('REPO_EXISTS', `repo "${spec.name}" exists; a pipeline's output repo takes the pipeline's name: delete the repo or name the pipeline differently`, { repo: spec.name });
          throw err;
        });
      }
      await robots.grant(spec, old ? await controller.specOf(old) : undefined);
      if (!old) await store.markJobsIndexed(spec.name); // a new pipeline's job indexes start complete
      const version = (old?.version ?? 0) + 1;
      await store.putSpec(spec.name, { version, json, createdAt: now });
      const record: PipelineRecord = {
        name: spec.name, version, state: old?.state ?? 'running',
        // Default: a changed transform reprocesses. --no-reprocess keeps the old basis, so datums keep their hashes.
        hashTransform: old && opts.reprocess === false ? old.hashTransform : transformHash(spec.transform),
        reprocessSalt: old && opts.reprocess === true ? randomBytes(8).toString('hex') : (old?.reprocessSalt ?? ''),
        headJob: old?.headJob ?? null, createdAt: old?.createdAt ?? now, updatedAt: now,
      };
      await store.putPipeline(record);
      // Answer once the new spec's job exists (or none is due), so `job list` right after shows it;
      // behind a running job the answer does not wait for that job.
      const busy = controller.busy(spec.name);
      const created = new Promise<JobRecord | undefined>((resolve) => {
        void controller.enqueue(spec.name, () => controller.trigger(spec.name, undefined, old !== undefined, resolve)).finally(() => resolve(undefined));
      });
      if (!busy) await created;
      await controller.scheduleCron(spec.name);
      return info(record);
    },
    inspectPipeline: async (name: string): Promise<PipelineInfo> => info(await store.requirePipeline(name)),
    listPipelines: async (): Promise<PipelineInfo[]> => Promise.all((await store.pipelines()).map(info)),
    async deletePipeline(name: string, opts: { keepRepo?: boolean } = {}): Promise<void> {
      const p = await store.requirePipeline(name);
      for (const q of await store.pipelines()) {
        if (q.name !== name && pfsInputs((await controller.specOf(q)).input).some((i) => i.repo === name)) {
          throw new StrataError('FAILED_PRECONDITION', `pipeline "${q.name}" reads the output of "${name}"; delete it first`, { pipeline: name, dependent: q.name });
        }
      }
      const spec = await controller.specOf(p);
      await store.putPipeline({ ...p, state: 'paused' });
      await controller.forget(name);
      await store.deletePipeline(name);
      await robots.drop(spec);
      const repos = [...(opts.keepRepo ? [] : [name]), ...cronInputs(spec.input).map((c) => c.repo as string)];
      for (const repo of repos) {
        await deps.pfs.deleteRepo(repo as RepoName, { force: true }).catch((err: unknown) => {
          if (!isStrataError(err, 'REPO_NOT_FOUND')) throw err;
        });
      }
    },
    async stopPipeline(name: string): Promise<PipelineInfo> {
      const p = { ...(await store.requirePipeline(name)), state: 'paused' as const, updatedAt: clock.now() };
      await store.putPipeline(p);
      return info(p);
    },
    async startPipeline(name: string): Promise<PipelineInfo> {
      const p = { ...(await store.requirePipeline(name)), state: 'running' as const, updatedAt: clock.now() };
      await store.putPipeline(p);
      void controller.enqueue(name, () => controller.trigger(name)); // commits made while it was stopped
      return info(p);
    },
    async listJobs(pipeline?: string): Promise<JobRecord[]> {
      if (pipeline) return (await store.requirePipeline(pipeline), store.jobs(pipeline));
      const all = (await Promise.all((await store.pipelines()).map((p) => store.jobs(p.name)))).flat();
      return all.sort((a, b) => b.createdAt - a.createdAt);
    },
    inspectJob: resolveJob,
    waitJob,
    async stopJob(pipeline: string, id: string): Promise<JobRecord> {
      const j = await resolveJob(pipeline, id);
      if (TERMINAL_JOB_STATES.includes(j.state)) return j;
      controller.stopJob(pipeline, j.id);
      return waitJob(pipeline, j.id);
    },
    async listDatums(pipeline: string, job: string): Promise<DatumRecord[]> {
      return store.datums(pipeline, (await resolveJob(pipeline, job)).id);
    },
    /** `batch`: where a skipped datum's record is (a DatumPageEntry's), so a full id is found without a scan. */
    async inspectDatum(pipeline: string, job: string, datum: string, batch?: string): Promise<DatumRecord> {
      const j = await resolveJob(pipeline, job);
      if (datum.length < 64) {
        const found = (await store.datums(pipeline, j.id)).filter((d) => d.id.startsWith(datum));
        if (found.length === 1) return found[0]!;
      }
      return store.datum(pipeline, j.id, datum, batch);
    },
    /** Stored logs, then (with follow) live ones until the job ends or the signal aborts. */
    async *logs(pipeline: string, opts: { job?: string; datum?: string; follow?: boolean }, signal: AbortSignal): AsyncGenerator<LogLine> {
      await store.requirePipeline(pipeline);
      const job = opts.job ? (await resolveJob(pipeline, opts.job)).id : undefined;
      const want = (l: LogLine): boolean => (!job || l.job === job) && (!opts.datum || l.datum.startsWith(opts.datum));
      const live: LogLine[] = [];
      let printedLive = (_l: LogLine): boolean => false;
      let wake: (() => void) | undefined;
      let ended = false;
      const onLog = (l: LogLine & { pipeline: string }): void => {
        if (l.pipeline === pipeline && want(l) && !printedLive(l)) (live.push({ job: l.job, datum: l.datum, text: l.text }), wake?.());
      };
      const onJob = (j: JobRecord): void => {
        if (job && j.id === job && TERMINAL_JOB_STATES.includes(j.state)) ((ended = true), wake?.());
      };
      const onAbort = (): void => wake?.();
      if (opts.follow) {
        controller.events.on('log', onLog);
        controller.events.on('job', onJob);
        signal.addEventListener('abort', onAbort);
      }
      try {
        // A datum whose stored log was printed must not print its live lines again.
        const printed = new Set<string>();
        for await (const l of store.logs(pipeline, job)) {
          if (!want(l)) continue;
          printed.add(`${l.job}/${l.datum}`);
          yield l;
        }
        if (!opts.follow) return;
        printedLive = (l) => printed.has(`${l.job}/${l.datum}`);
        for (let i = live.length - 1; i >= 0; i--) if (printedLive(live[i]!)) live.splice(i, 1);
        if (job && TERMINAL_JOB_STATES.includes((await resolveJob(pipeline, job)).state)) return;
        while (!signal.aborted) {
          const next = live.shift();
          if (next) yield next;
          else if (ended) return;
          else await new Promise<void>((r) => (wake = r));
        }
      } finally {
        controller.events.off('log', onLog);
        controller.events.off('job', onJob);
        signal.removeEventListener('abort', onAbort);
      }
    },
    explain: (repo: string, commit: string, path: string): Promise<Explanation> => explainFile({ pfs: deps.pfs, store, specOf: (p, v) => controller.specOf(p, v) }, repo, commit, path),
    async rerun(pipeline: string, job: string, signal: AbortSignal): Promise<RerunReport> {
      const j = await resolveJob(pipeline, job);
      const p = await store.requirePipeline(pipeline);
      return rerunJob({ pfs: deps.pfs, store, executor: deps.executor, workDir: deps.workDir }, p, await controller.specOf(p, j.specVersion), j, signal);
    },
    async stop(): Promise<void> {
      closing.abort();
      await controller.stop();
      await leading;
    },
  };
}

/** Runs the controller while this process leads "pps-controller"; campaigns again after losing it. */
async function leadWhileElected(elector: LeaderElector, candidate: string, controller: Controller, closing: AbortSignal, log: PfsLog): Promise<void> {
  while (!closing.aborted) {
    let term;
    try {
      term = await elector.campaign('pps-controller', candidate, closing);
    } catch (err) {
      if (closing.aborted) return;
      log.warn({ err }, 'campaign to run pipelines failed; retrying');
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    log.info({ candidate }, 'this server runs the pipelines');
    await controller.lead();
    await new Promise<void>((resolve) => {
      if (term.lost.aborted || closing.aborted) return resolve();
      term.lost.addEventListener('abort', () => resolve(), { once: true });
      closing.addEventListener('abort', () => resolve(), { once: true });
    });
    await controller.stop();
    await term.resign();
    if (!closing.aborted) log.warn({ candidate }, 'lost the lead of the pipelines; campaigning again');
  }
}
