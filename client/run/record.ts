// What a run leaves behind: the metadata of its output commit (how the
// output was made), the log files stored in that commit when the logs are
// too large for metadata, and one JSON line per run in the local run log.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { strataVersion } from '../../src/package-dir.ts';
import type { TailBuffer } from './capture.ts';
import type { PinnedInput } from './inputs.ts';

/** Logs up to this size go into the commit's metadata; larger ones become files. */
export const METADATA_LOG_LIMIT = 16 << 10;
/** The bytes of each stream kept at all (the tail). */
export const LOG_LIMIT = 1 << 20;
/** Where large logs go in the output commit. */
export const LOG_DIR = '/.strata/run';
/** The stderr tail shown and logged when a command fails. */
export const FAILURE_TAIL = 4 << 10;

export interface RunFacts {
  id: string;
  command: string[];
  env: Record<string, string>;
  inputs: PinnedInput[];
  output: string;
  startedAt: Date;
  finishedAt: Date;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  isolation: string;
  materialize: string;
  stdout: TailBuffer;
  stderr: TailBuffer;
}


export function inputRecord(inputs: PinnedInput[]): { name: string; ref: string; commit: string; glob: string }[] {
  return inputs.map((i) => ({ name: i.name, ref: i.ref, commit: `${i.repo}@${i.commit}`, glob: i.glob }));
}

export interface LogFile {
  path: string;
  data: Buffer;
}

/**
 * The output commit's metadata (keys under `run.`), and the log files to
 * store beside /pfs/out's content when a log is too large for metadata.
 */
export function commitRecord(f: RunFacts): { metadata: Record<string, string>; files: LogFile[] } {
  const metadata: Record<string, string> = {
    'run.cmd': JSON.stringify(f.command),
    'run.exit_code': String(f.exitCode),
    'run.inputs': JSON.stringify(inputRecord(f.inputs)),
    'run.env': JSON.stringify(f.env),
    'run.started': f.startedAt.toISOString(),
    'run.finished': f.finishedAt.toISOString(),
    'run.duration_ms': String(f.finishedAt.getTime() - f.startedAt.getTime()),
    'run.host': hostname(),
    'run.strata_version': strataVersion(),
    'run.isolation': f.isolation,
    'run.materialize': f.materialize,
    'run.id': f.id,
  };
  const files: LogFile[] = [];
  for (const [name, tail] of [['stdout', f.stdout], ['stderr', f.stderr]] as const) {
    metadata[`run.${name}_bytes`] = String(tail.total);
    if (tail.total <= METADATA_LOG_LIMIT) {
      metadata[`run.${name}`] = tail.bytes().toString('utf8');
    } else {
      const path = `${LOG_DIR}/${name}.log`;
      files.push({ path, data: tail.bytes() });
      metadata[`run.${name}_file`] = tail.truncated ? `${path} (last ${LOG_LIMIT} bytes of ${tail.total})` : path;
    }
  }
  return { metadata, files };
}

/** One line about the command for descriptions and messages. */
export function commandLine(command: string[], max = 200): string {
  const text = command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `$XDG_STATE_HOME/strata` (default ~/.local/state/strata). */
export function stateDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'), 'strata');
}

/** `$STRATA_CACHE_DIR`, else `$XDG_CACHE_HOME/strata/run` (default ~/.cache/strata/run). */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  return env.STRATA_CACHE_DIR || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'strata', 'run');
}

export type Outcome = 'committed' | 'failed' | 'commit-failed';

/**
 * Appends the run to `<state>/runs.jsonl`; a failed run's logs (the kept
 * tails) go to `<state>/runs/<id>/`. Returns the run log's path.
 */
export async function appendRunLog(state: string, f: RunFacts, outcome: Outcome, extra: Record<string, unknown>): Promise<string> {
  await mkdir(state, { recursive: true });
  const line: Record<string, unknown> = {
    id: f.id,
    outcome,
    command: f.command,
    exit_code: f.exitCode,
    signal: f.signal,
    inputs: inputRecord(f.inputs),
    output: f.output,
    env: f.env,
    started: f.startedAt.toISOString(),
    finished: f.finishedAt.toISOString(),
    host: hostname(),
    strata_version: strataVersion(),
    isolation: f.isolation,
    ...extra,
  };
  if (outcome !== 'committed') {
    line.stderr_tail = f.stderr.text(FAILURE_TAIL);
    const logs = join(state, 'runs', f.id);
    await mkdir(logs, { recursive: true });
    await writeFile(join(logs, 'stdout.log'), f.stdout.bytes());
    await writeFile(join(logs, 'stderr.log'), f.stderr.bytes());
    line.logs = logs;
  }
  const path = join(state, 'runs.jsonl');
  await appendFile(path, `${JSON.stringify(line)}\n`);
  return path;
}
