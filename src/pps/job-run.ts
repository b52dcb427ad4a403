// Running one job: open the output commit (provenance = the exact input
// commits; metadata = pipeline, spec version, job), split the inputs into
// datums, skip every datum whose hash was processed successfully before
// (carrying its outputs), process the rest `parallelism` at a time, then
// write the output commit incrementally and finish it, or drop it when the
// job fails. Every step is recorded, so a job cut short by a crash resumes:
// datums already recorded are not run again.
import { hash as oneShotHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { StrataError, isStrataError } from '../errors/index.ts';
import { parseCommitId, parseRepoName, type FilePath } from '../ids.ts';
import type { Clock, PfsLog } from '../pfs/context.ts';
import type { Pfs } from '../pfs/pfs.ts';
import { parseRef } from '../ref.ts';
import { processDatum } from './datum-run.ts';
import { computeDatums, matchFiles, type Datum } from './datums.ts';
import type { Executor } from './exec/executor.ts';
import { createSlotPool, type SlotPool } from './exec/slots.ts';
import { DatumFences } from './fenced-datums.ts';
import { JobProgress } from './job-progress.ts';
import { checkCollisions, planOutput, writeOutput } from './output-commit.ts';
import type { DatumRecord, DoneRecord, JobRecord, PipelineRecord } from './records.ts';
import type { PipelineSpec } from './spec-types.ts';
import type { PipelineRobots } from './robot.ts';
import type { PpsStore } from './store.ts';

export interface JobDeps {
  pfs: Pfs;
  store: PpsStore;
  executor: Executor;
  /** Scratch space for datums (one directory each). */
  workDir: string;
  clock: Clock;
  log: PfsLog;
  /** 'job' with a JobRecord on every state or counter change; 'log' with {pipeline, job, datum, text}. */
  events: EventEmitter;
  /**
   * What the last job of each pipeline left, kept in memory so the next job
   * need not read it back: the processed-datum index and the datums of the
   * job whose output is the head. Rebuilt from the store when missing.
   */
  cache: Map<string, { done: Map<string, DoneRecord>; head?: { job: string; datums: DatumRecord[] } }>;
  /** The pipelines' robot identities (auth on): checked per job, a token for its commands. */
  robots?: PipelineRobots;
}


/** SHA-256 of the id, every input's content hash, the salt and the transform (one call: cheaper than a Hash object per datum). */
export function datumHash(d: Datum, spec: PipelineSpec, p: PipelineRecord): string {
  let text = d.id;
  for (const i of d.inputs) text += `\0${i.hash}`;
  return oneShotHash('sha256', `${text}\0${spec.salt}\0${p.hashTransform}\0${p.reprocessSalt}`, 'hex');
}

export const outputMetadata = (p: PipelineRecord, job: string): Record<string, string> => ({
  'pps.pipeline': p.name,
  'pps.spec_version': String(p.version),
  'pps.job': job,
});

async function save(deps: JobDeps, job: JobRecord): Promise<JobRecord> {
  await deps.store.putJob(job);
  deps.events.emit('job', job);
  return job;
}

/** The open output commit of the job: the one recorded (after a restart), else a new one. */
async function openOutput(deps: JobDeps, p: PipelineRecord, spec: PipelineSpec, job: JobRecord): Promise<{ commit: string; finished: boolean }> {
  const repo = parseRepoName(p.name);
  if (job.outputCommit) {
    const found = await deps.pfs.inspectCommit(parseRef(`${repo}@${job.outputCommit}`)).catch((err: unknown) => {
      if (isStrataError(err) && err.kind === 'NotFound') return undefined;
      throw err;
    });
    if (found) return { commit: found.id, finished: found.state === 'finished' };
  }
  const provenance = job.inputs.filter((i) => i.commit).map((i) => ({ repo: parseRepoName(i.repo), commit: parseCommitId(i.commit) }));
  const unique = [...new Map(provenance.map((x) => [`${x.repo}@${x.commit}`, x])).values()];
  const c = await deps.pfs.startCommit(repo, spec.outputBranch, { description: `pipeline ${p.name} job ${job.id}`, provenance: unique, metadata: outputMetadata(p, job.id) });
  return { commit: c.id, finished: false };
}

/** Runs (or resumes) `job` to a terminal state; never throws for a failure of the job itself. */
export async function runJob(deps: JobDeps, p: PipelineRecord, spec: PipelineSpec, job: JobRecord, signal: AbortSignal): Promise<JobRecord> {
  const now = (): number => deps.clock.now();
  job = await save(deps, { ...job, state: 'starting', startedAt: job.startedAt ?? now() });
  let output: { commit: string; finished: boolean } | undefined;
  let robot: { token: string; release(): Promise<void> } | undefined;
  // The token dies before the job is seen to end: whoever waits on the job
  // (a user, a test, a downstream pipeline) never finds its robot still valid.
  const releaseRobot = async (): Promise<void> => {
    const r = robot;
    robot = undefined;
    await r?.release();
  };
  try {
    // Before anything is written: the pipeline's robot must still read the inputs and write the output.
    robot = await deps.robots?.jobToken(spec, job.id);
    output = await openOutput(deps, p, spec, job);
    job = await save(deps, { ...job, outputCommit: output.commit, state: output.finished ? 'finishing' : 'running' });
    if (output.finished) {
      await releaseRobot();
      return await save(deps, { ...job, state: 'success', finishedAt: now() });
    }
    const env: Record<string, string> = robot ? { STRATA_TOKEN: robot.token } : {};
    const records = await processAll(deps, p, spec, job, output.commit, signal, env, (counts) => (job = { ...job, counts }));
    await releaseRobot(); // every command of the job has exited
    const failed = records.filter((r) => r.state === 'failed');
    if (signal.aborted) throw signal.reason ?? new StrataError('CANCELLED', 'job stopped');
    if (failed.length > 0) {
      const reason = `${failed.length} datum${failed.length === 1 ? '' : 's'} failed (first: ${failed[0]!.id}: ${failed[0]!.reason})`;
      return await fail(deps, p, job, output.commit, 'failure', reason);
    }
    job = await save(deps, { ...job, state: 'finishing' });
    const kept = records.filter((r) => r.state === 'success' || r.state === 'skipped');
    checkCollisions(kept);
    const previous = await previousDatums(deps, p, output.commit);
    await writeOutput(deps.pfs, parseRepoName(p.name), output.commit, planOutput(kept, previous));
    await deps.pfs.finishCommit(parseRef(`${p.name}@${output.commit}`));
    job = await save(deps, { ...job, state: 'success', finishedAt: now() });
    const cached = deps.cache.get(p.name);
    if (cached) cached.head = { job: job.id, datums: kept };
    return job;
  } catch (err) {
    const killed = signal.aborted;
    const reason = killed ? String((signal.reason as Error | undefined)?.message ?? 'stopped') : err instanceof Error ? err.message : String(err);
    if (!killed && !isStrataError(err)) deps.log.warn({ err, pipeline: p.name, job: job.id }, 'job failed with an internal error');
    // A job timeout is the job failing; a stop (or shutdown) is a kill.
    const timedOut = killed && (signal.reason as { jobTimeout?: boolean } | undefined)?.jobTimeout === true;
    await releaseRobot();
    return fail(deps, p, job, output?.commit, killed && !timedOut ? 'killed' : 'failure', reason);
  } finally {
    await releaseRobot();
  }
}

async function fail(deps: JobDeps, p: PipelineRecord, job: JobRecord, commit: string | undefined, state: 'failure' | 'killed', reason: string): Promise<JobRecord> {
  // The failed job's output never becomes the branch's content: the open commit goes.
  if (commit) {
    await deps.pfs.dropCommit(parseRef(`${p.name}@${commit}`)).catch((err: unknown) => {
      if (!(isStrataError(err) && err.kind === 'NotFound')) deps.log.warn({ err, pipeline: p.name, job: job.id }, 'could not drop the output commit of a failed job');
    });
  }
  return save(deps, { ...job, state, reason, outputCommit: null, finishedAt: deps.clock.now() });
}

/** The datums of the job whose output is the parent of this output commit; undefined when the parent is not a job's output. */
async function previousDatums(deps: JobDeps, p: PipelineRecord, commit: string): Promise<DatumRecord[] | undefined> {
  const info = await deps.pfs.inspectCommit(parseRef(`${p.name}@${commit}`));
  if (!info.parent) return [];
  const parent = await deps.pfs.inspectCommit(parseRef(`${p.name}@${info.parent}`));
  const prevJob = parent.metadata['pps.job'];
  if (!prevJob || parent.metadata['pps.pipeline'] !== p.name) return undefined;
  const cached = deps.cache.get(p.name)?.head;
  if (cached?.job === prevJob) return cached.datums;
  const prev = await deps.store.job(p.name, prevJob);
  if (!prev || prev.state !== 'success') return undefined;
  return (await deps.store.datums(p.name, prevJob)).filter((d) => d.state === 'success' || d.state === 'skipped');
}

async function processAll(
  deps: JobDeps,
  p: PipelineRecord,
  spec: PipelineSpec,
  job: JobRecord,
  outputCommit: string,
  signal: AbortSignal,
  env: Record<string, string>,
  onCounts: (c: JobRecord['counts']) => void,
): Promise<DatumRecord[]> {
  const datums = await jobDatums(deps.pfs, spec, job);
  const existing = new Map((await deps.store.datums(p.name, job.id)).map((d) => [d.id, d]));
  let cache = deps.cache.get(p.name);
  if (!cache) deps.cache.set(p.name, (cache = { done: await deps.store.done(p.name) }));
  const remember = cache.done;
  const done = spec.reprocessSpec === 'every_job' ? new Map<string, DoneRecord>() : remember;
  const fences = new DatumFences(deps.pfs);
  const progress = new JobProgress(datums.length, {
    now: () => deps.clock.now(),
    putDatums: (batch) => deps.store.putDatums(p.name, batch, fences.writer(batch, `datum records of job ${p.name}@${job.id}`)),
    putLogs: (logs) => deps.store.putLogs(p.name, job.id, logs),
    saveCounts: async (counts) => (onCounts(counts), void (await save(deps, { ...job, state: 'running', outputCommit, counts }))),
  });
  try {
    const toRun: { d: Datum; hash: string }[] = [];
    for (const d of datums) {
      const prior = existing.get(d.id);
      if (prior && prior.state !== 'failed') {
        progress.recorded(prior); // recorded before a restart
        continue;
      }
      const hash = datumHash(d, spec, p);
      const hit = done.get(hash);
      if (!hit) {
        toRun.push({ d, hash });
        continue;
      }
      const t = deps.clock.now();
      await progress.addSkipped({ id: d.id, job: job.id, hash, state: 'skipped', inputs: recordInputs(d), outputs: hit.outputs, fromJob: hit.job, tries: 0, reason: '', startedAt: t, finishedAt: t });
    }
    await progress.flush(true);
    const limit = pLimit(spec.parallelism);
    // One slot (sandbox and /pfs directory) per worker for the whole job, not one per datum.
    const slots = createSlotPool(deps.executor, { dir: join(deps.workDir, job.id), user: spec.transform.user, datums: toRun.length, workers: spec.parallelism });
    try {
      await Promise.all(
        toRun.map(({ d, hash }) =>
          limit(async () => {
            if (signal.aborted) return;
            const r = await runOne(deps, slots, p, spec, job, outputCommit, signal, env, d, hash, fences);
            if (!r) return;
            if (r.record.state === 'success') remember.set(hash, { job: job.id, datum: d.id, outputs: r.record.outputs });
            await progress.add(r.record, 16, r.log);
          }),
        ),
      );
    } finally {
      await slots.close();
    }
    await progress.flush(true);
  } finally {
    await progress.close(); // no timed save of the counters after this: the job's state moves on
  }
  return progress.results;
}

/** Processes one datum in a slot of the job's; undefined when the job was stopped meanwhile. The log is stored with the record. */
async function runOne(
  deps: JobDeps, slots: SlotPool, p: PipelineRecord, spec: PipelineSpec, job: JobRecord, outputCommit: string, signal: AbortSignal, env: Record<string, string>, d: Datum, hash: string, fences: DatumFences,
): Promise<{ record: DatumRecord; log: string } | undefined> {
  const startedAt = deps.clock.now();
  const outcome = await slots.use((slot) =>
    processDatum(
      {
        pfs: deps.pfs, slot, pipes: deps.executor.pipes !== false, env, transform: spec.transform, tries: spec.datumTries, timeoutMs: spec.datumTimeoutMs,
        pipeline: p.name, job: job.id, outputCommit, signal,
        onLog: (text) => deps.events.emit('log', { pipeline: p.name, job: job.id, datum: d.id, text }),
        readFence: () => fences.read(),
      },
      d,
    ),
  );
  if (signal.aborted) return undefined;
  const record: DatumRecord = { id: d.id, job: job.id, hash, state: outcome.state, inputs: recordInputs(d), outputs: outcome.outputs, fromJob: null, tries: outcome.tries, reason: outcome.reason, startedAt, finishedAt: deps.clock.now() };
  fences.remember(record, outcome.fence);
  return { record, log: outcome.log };
}

/** The datums of a job's exact input commits. */
export async function jobDatums(pfs: Pfs, spec: PipelineSpec, job: JobRecord): Promise<Datum[]> {
  const pinned = new Map(job.inputs.map((i) => [`${i.name}\0${i.repo}\0${i.branch}`, i.commit]));
  const key = (i: { name: string; repo: string; branch: string }): string => `${i.name}\0${i.repo}\0${i.branch}`;
  return computeDatums(
    spec.input,
    (i) => pinned.get(key(i)) ?? '',
    async (i, glob) => {
      const commit = pinned.get(key(i));
      if (!commit) return [];
      return matchFiles(pfs.walkFiles(parseRef(`${i.repo}@${commit}`), glob.base as FilePath), glob);
    },
  );
}

const recordInputs = (d: Datum): DatumRecord['inputs'] => d.inputs.map((i) => ({ name: i.name, repo: i.repo, commit: i.commit, path: i.path, hash: i.hash }));
