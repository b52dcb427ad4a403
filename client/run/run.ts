// `strata run`: pin the inputs, lay them out under /pfs, run the command,
// and turn /pfs/out into one commit whose provenance and metadata say how
// it was made. A failed command commits nothing; it is reported and logged.
//
// Order matters: the output repo is checked and every input ref resolved to
// a commit id before anything is fetched or run, and the output commit is
// only started once the command has succeeded, so no failure can leave an
// open or half-written commit behind.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { StrataError, isStrataError } from '../../src/errors/index.ts';
import type { CommitInfo, StrataClient } from '../sdk/index.ts';
import { putTree } from '../sdk/put-directory.ts';
import { createBlobCache, openCacheDir } from './cache.ts';
import { execute } from './execute.ts';
import { listInput, pinInputs, type ListedInput, type PinnedInput } from './inputs.ts';
import { planIsolation, type IsolationPlan } from './isolation.ts';
import { mountLazyInputs, type LazyInputs } from './lazy.ts';
import { materialize, type MaterializeStats } from './materialize.ts';
import { FAILURE_TAIL, appendRunLog, commandLine, commitRecord, type RunFacts } from './record.ts';
import type { IsolationChoice, RunInput, RunOutput } from './spec.ts';
import { cleanUp, prepareWorkspace } from './workspace.ts';

export interface RunOptions {
  inputs: RunInput[];
  output: RunOutput;
  command: string[];
  /** Chosen environment variables: set for the command and recorded. */
  env: Record<string, string>;
  eager: boolean;
  keep: boolean;
  isolation: IsolationChoice;
  concurrency: number;
  cacheDir: string;
  stateDir: string;
  /** The environment the command inherits (before `env`). */
  processEnv: NodeJS.ProcessEnv;
  cwd: string;
  stdout?: Writable;
  stderr?: Writable;
  /** Progress for people (stderr). */
  note: (text: string) => void;
}

export interface RunResult {
  id: string;
  outcome: 'committed' | 'failed';
  commit?: CommitInfo;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
  inputs: { name: string; commit: string; glob: string; files: number; bytes: number }[];
  materialized: MaterializeStats;
  isolation: string;
  runLog: string;
  /** Where the run's /pfs was left (with --keep, or when committing failed). */
  kept?: string;
}

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

/** The output repo must exist, and its branch must not have an open commit. */
async function checkOutput(client: StrataClient, out: RunOutput): Promise<void> {
  await client.inspectRepo(out.repo).catch((err: unknown) => {
    if (isStrataError(err) && err.kind === 'NotFound') {
      throw new StrataError('REPO_NOT_FOUND', `output repo "${out.repo}" does not exist; create it first: strata repo create ${out.repo}`, { repo: out.repo }, { cause: err });
    }
    throw err;
  });
  const branch = await client.inspectBranch(`${out.repo}@${out.branch}`).catch((err: unknown) => {
    if (isStrataError(err) && err.kind === 'NotFound') return undefined; // made by the output commit
    throw err;
  });
  if (branch?.head && (await client.inspectCommit(`${out.repo}@${branch.head}`)).state === 'open') {
    throw new StrataError('COMMIT_OPEN', `output branch ${out.repo}@${out.branch} has open commit ${branch.head}; finish it first`, { repo: out.repo, branch: out.branch, commit: branch.head });
  }
}

/** /pfs/out (exactly: the parent's files are replaced) plus large logs, as one commit with provenance and metadata. */
async function commitOutput(client: StrataClient, o: RunOptions, pinned: PinnedInput[], facts: RunFacts, outDir: string): Promise<CommitInfo> {
  const { metadata, files } = commitRecord(facts);
  const provenance = [...new Set(pinned.map((p) => `${p.repo}@${p.commit}`))];
  const target = `${o.output.repo}@${o.output.branch}`;
  const open = await client.startCommit(target, { description: `strata run: ${commandLine(o.command)}`, provenance, metadata });
  const at = `${o.output.repo}@${open.id}`;
  try {
    await client.modify(at, async (m) => {
      if (open.fileCount > 0) await m.delete('/', { dir: true });
      await putTree(m, '/', outDir, { concurrency: o.concurrency });
      for (const f of files) await m.put(f.path, f.data);
    });
    return await client.finishCommit(at);
  } catch (err) {
    await client.dropCommit(at).catch(() => undefined); // never leave an open commit behind
    throw err;
  }
}

/** Pins every input, then lists what each selects. */
async function resolveInputs(client: StrataClient, o: RunOptions): Promise<{ pinned: PinnedInput[]; listed: ListedInput[] }> {
  const pinned = await pinInputs(client, o.inputs);
  const listed = await Promise.all(pinned.map((p) => listInput(client, p)));
  for (const i of listed) {
    o.note(`input ${i.name}: ${i.repo}@${i.commit}:${i.glob} (${plural(i.files.length, 'file')}, ${i.bytes} bytes)`);
    if (i.files.length === 0) o.note(`input ${i.name}: the glob matches no files; /pfs/${i.name} will be empty`);
  }
  return { pinned, listed };
}

interface Staged {
  lazy?: LazyInputs;
  materialized: MaterializeStats;
  /** `name=lazy name=eager ...` for the record. */
  how: string;
}

/** Lays the inputs out under `pfsDir` (lazy mounts, then eager files) and makes an empty out/. */
async function stageInputs(client: StrataClient, o: RunOptions, listed: ListedInput[], pfsDir: string, plan: IsolationPlan, staged: Partial<Staged>): Promise<Staged> {
  const lazy = o.eager ? undefined : await mountLazyInputs(client, listed, pfsDir, o.cacheDir, o.processEnv);
  staged.lazy = lazy; // for the caller's cleanup, even if what follows fails
  for (const r of lazy?.reasons ?? []) o.note(r);
  if (lazy && lazy.mounted.length > 0) o.note(`served lazily by a read-only FUSE mount: ${lazy.mounted.map((n) => `/pfs/${n}`).join(', ')}`);
  const isLazy = (name: string): boolean => lazy?.mounted.includes(name) ?? false;
  const eager = listed.filter((i) => !isLazy(i.name));
  // Root ignores a-w: without a read-only mount, links would let the command write into the cache.
  const link = plan.mode !== 'dir' || plan.readOnlyMounts || process.getuid?.() !== 0;
  const materialized = await materialize(client, eager, pfsDir, createBlobCache(o.cacheDir), { concurrency: o.concurrency, link });
  await mkdir(join(pfsDir, 'out'), { mode: 0o755 });
  if (eager.length > 0) o.note(`materialized ${plural(materialized.files, 'file')}: ${materialized.downloaded} downloaded, ${materialized.linked} linked from the cache, ${materialized.copied} copied`);
  return { lazy, materialized, how: listed.map((i) => `${i.name}=${isLazy(i.name) ? 'lazy' : 'eager'}`).join(' ') };
}

const newRunId = (): string => `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;

export async function runCommand(client: StrataClient, o: RunOptions): Promise<RunResult> {
  const id = newRunId();
  await checkOutput(client, o.output);
  const { pinned, listed } = await resolveInputs(client, o);
  await openCacheDir(o.cacheDir);
  const plan = planIsolation(o.isolation, o.processEnv);
  const isolation = `${plan.mode} (${plan.reason})`;
  o.note(`isolation: ${isolation}`);
  const ws = await prepareWorkspace(plan, o.cacheDir, id);
  const staged: Partial<Staged> = {};
  let keep = o.keep;
  try {
    const { materialized, how } = await stageInputs(client, o, listed, ws.pfsDir, plan, staged);
    const startedAt = new Date();
    const exec = await execute({ plan, pfsDir: ws.pfsDir, inputs: listed.map((i) => i.name), command: o.command, cwd: o.cwd, env: { ...o.processEnv, ...o.env }, stdout: o.stdout, stderr: o.stderr });
    const facts: RunFacts = {
      id, command: o.command, env: o.env, inputs: pinned, output: `${o.output.repo}@${o.output.branch}`, startedAt, finishedAt: new Date(),
      exitCode: exec.exitCode, signal: exec.signal, isolation, materialize: how, stdout: exec.stdout, stderr: exec.stderr,
    };
    const base = {
      id, exitCode: exec.exitCode, signal: exec.signal, stderrTail: exec.stderr.text(FAILURE_TAIL), materialized, isolation,
      inputs: listed.map((i) => ({ name: i.name, commit: `${i.repo}@${i.commit}`, glob: i.glob, files: i.files.length, bytes: i.bytes })),
      kept: keep ? ws.pfsDir : undefined,
    };
    if (exec.exitCode !== 0 || exec.signal !== null) return { ...base, outcome: 'failed', runLog: await appendRunLog(o.stateDir, facts, 'failed', {}) };
    await staged.lazy?.unmount(); // the inputs are done with; release the mounts before the upload
    let commit: CommitInfo;
    try {
      commit = await commitOutput(client, o, pinned, facts, join(ws.pfsDir, 'out'));
    } catch (err) {
      keep = true; // the output is not lost: say where it is
      throw await commitFailed(o, facts, err, join(ws.pfsDir, 'out'));
    }
    const runLog = await appendRunLog(o.stateDir, facts, 'committed', { commit: `${commit.repo}@${commit.id}` });
    return { ...base, outcome: 'committed', commit, runLog };
  } finally {
    await staged.lazy?.unmount();
    await cleanUp(ws, keep);
  }
}

/** Logs a run whose output could not be committed; the error to throw says where the output is. */
async function commitFailed(o: RunOptions, facts: RunFacts, err: unknown, outDir: string): Promise<StrataError> {
  const why = err instanceof Error ? err.message : String(err);
  const runLog = await appendRunLog(o.stateDir, facts, 'commit-failed', { error: why, kept: outDir });
  const message = `the command succeeded but its output could not be committed: ${why}; the output is kept in ${outDir} (copy it before the next strata run; run log: ${runLog})`;
  return isStrataError(err) ? new StrataError(err.code, message, err.data, { cause: err }) : new StrataError('INTERNAL', message, {}, { cause: err });
}
