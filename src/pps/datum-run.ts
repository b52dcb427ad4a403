// Processing one datum: lay its inputs out in the slot's host directory
// (<input>/<path as in the repo>, out/), run the transform in the slot
// with retries, run err_cmd when every try failed, and store what
// the command left in out/ as chunks (the files go into the output commit
// later, once the whole job has succeeded).
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { writeFile as storeFile } from '../blocks/file-io.ts';
import { chunkAndHash, fileHash, hashHex } from '../chunking/index.ts';
import { parsePath, type FilePath } from '../ids.ts';
import { parseRef, type Ref } from '../ref.ts';
import type { Fence } from '../pfs/gc-fence.ts';
import type { Pfs } from '../pfs/pfs.ts';
import type { Datum, DatumInput } from './datums.ts';
import type { DatumExit, DatumSlot } from './exec/executor.ts';
import { emptySlot } from './exec/slots.ts';
import { feedFifos, makeFifos, type LazyFeed } from './lazy-inputs.ts';
import type { OutputFile } from './records.ts';
import type { TransformSpec } from './spec-types.ts';

/** The last bytes of a datum's log that are kept (every try's output, with a header per try). */
export const LOG_LIMIT = 256 << 10;

export interface DatumContext {
  pfs: Pfs;
  /** Where the command runs; emptied before each try. */
  slot: DatumSlot;
  transform: TransformSpec;
  tries: number;
  timeoutMs?: number;
  /** pipeline, job, output commit: for the PACH_* / STRATA_* variables. */
  pipeline: string;
  job: string;
  outputCommit: string;
  signal: AbortSignal;
  /** Log text as it comes (live followers). */
  onLog(text: string): void;
  /** Variables the server adds (STRATA_TOKEN of the pipeline's robot), under the spec's. */
  env?: Record<string, string>;
  /** The executor can show named pipes in /pfs (lazy inputs); default true. */
  pipes?: boolean;
  /** false: outputs are only hashed, not stored (rerun --verify). */
  storeOutputs?: boolean;
  /** Read before outputs are stored: the GC fence their records land under (fenced-datums.ts). */
  readFence?: () => Promise<Fence>;
}

export interface DatumOutcome {
  state: 'success' | 'failed' | 'recovered';
  outputs: OutputFile[];
  tries: number;
  reason: string;
  log: string;
  /** The GC fence read before the outputs were stored. */
  fence?: Fence;
}

const refOf = (i: DatumInput) => parseRef(`${i.repo}@${i.commit}`);

/** Files up to this size are read whole and written in one call: a write stream costs more than a small file's bytes. */
const SMALL_FILE = 1 << 20;

async function readSmall(pfs: Pfs, ref: Ref, path: FilePath): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of await pfs.getFile(ref, path)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/**
 * Writes the datum's files under `<pfsDir>/<name>/<path>`; a lazy input's
 * files (where `pipes`) become named pipes fed on demand until the returned
 * feed is stopped.
 */
export async function materialize(pfs: Pfs, d: Datum, pfsDir: string, pipes = true): Promise<LazyFeed | undefined> {
  for (const name of new Set(d.inputs.map((i) => i.name))) await mkdir(join(pfsDir, name), { recursive: true });
  const lazy: { fifo: string; ref: Ref; path: FilePath }[] = [];
  for (const input of d.inputs) {
    if (!input.commit) continue;
    const ref = refOf(input);
    const asPipe = input.lazy && pipes && !input.emptyFiles;
    const put = async (path: string, size?: number): Promise<void> => {
      const dest = join(pfsDir, input.name, path);
      await mkdir(dirname(dest), { recursive: true });
      if (input.emptyFiles) await writeFile(dest, '');
      else if (asPipe) lazy.push({ fifo: dest, ref, path: path as FilePath });
      else if (size !== undefined && size <= SMALL_FILE) await writeFile(dest, await readSmall(pfs, ref, path as FilePath));
      else await pipeline(await pfs.getFile(ref, path as FilePath), createWriteStream(dest));
    };
    let any = false;
    for await (const f of pfs.walkFiles(ref, input.path as FilePath)) {
      any = true;
      await put(f.path, f.size);
    }
    if (!any && input.path !== '/') await put(input.path);
  }
  await mkdir(join(pfsDir, 'out'), { recursive: true });
  if (lazy.length === 0) return undefined;
  await makeFifos(lazy.map((l) => l.fifo));
  return feedFifos(pfs, lazy, `${pfsDir}-lazy`);
}

/** Hashes a file as pfs does (SHA-256 over chunk hashes) without storing it. */
async function hashOnly(abs: string): Promise<{ size: number; hash: string; chunks: OutputFile['chunks'] }> {
  const hashes: Buffer[] = [];
  let size = 0;
  for await (const c of chunkAndHash(createReadStream(abs))) {
    hashes.push(c.hash);
    size += c.data.length;
  }
  return { size, hash: hashHex(fileHash(hashes)), chunks: [] };
}

/** Every file under out/, stored as chunks (or only hashed); paths relative to /pfs/out. */
export async function collectOutputs(pfs: Pfs, outDir: string, store = true): Promise<OutputFile[]> {
  const out: OutputFile[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = join(dir, e.name);
      const st = await stat(abs); // symlinks count as what they point to
      if (st.isDirectory()) await walk(abs, `${rel}/${e.name}`);
      else if (st.isFile()) {
        const path = parsePath(`${rel}/${e.name}`);
        const w = store ? await storeFile(pfs.context.chunks, createReadStream(abs)) : await hashOnly(abs);
        out.push({ path, size: w.size, hash: w.hash, chunks: w.chunks });
      }
    }
  };
  await walk(outDir, '');
  return out;
}

/** The variables the command sees, Pachyderm's names and Strata's. */
export function datumEnv(c: Pick<DatumContext, 'transform' | 'pipeline' | 'job' | 'outputCommit' | 'env'>, d: Datum): Record<string, string> {
  const env: Record<string, string> = { ...c.env, ...c.transform.env };
  for (const i of d.inputs) {
    env[i.name] = `/pfs/${i.name}${i.path === '/' ? '' : i.path}`;
    env[`${i.name}_COMMIT`] = i.commit;
  }
  Object.assign(env, {
    PACH_DATUM_ID: d.id,
    PACH_JOB_ID: c.job,
    PACH_OUTPUT_COMMIT_ID: c.outputCommit,
    PPS_PIPELINE_NAME: c.pipeline,
    STRATA_DATUM_ID: d.id,
    STRATA_JOB_ID: c.job,
    STRATA_OUTPUT_COMMIT_ID: c.outputCommit,
    STRATA_PIPELINE: c.pipeline,
  });
  return env;
}

function describeExit(e: DatumExit, timeoutMs?: number): string {
  if (e.timedOut) return `timed out after ${timeoutMs} ms (datum_timeout)`;
  if (e.aborted) return 'stopped';
  if (e.signal) return `killed by ${e.signal}`;
  return `exit code ${e.exitCode}`;
}

/** Runs the datum up to `tries` times, then err_cmd; the outputs of the successful try are stored. */
export async function processDatum(c: DatumContext, d: Datum): Promise<DatumOutcome> {
  let log = '';
  const append = (text: string): void => {
    log += text;
    if (log.length > LOG_LIMIT * 2) log = log.slice(-LOG_LIMIT);
    c.onLog(text);
  };
  const pfsDir = c.slot.pfsDir;
  const run = async (cmd: string[], stdin: string[]): Promise<DatumExit> =>
    c.slot.run({
      inputs: [...new Set(d.inputs.map((i) => i.name))],
      cmd,
      stdin: stdin.length > 0 ? `${stdin.join('\n')}\n` : '',
      env: datumEnv(c, d),
      workingDir: c.transform.workingDir,
      image: c.transform.image,
      user: c.transform.user,
      timeoutMs: c.timeoutMs,
      signal: c.signal,
      onOutput: (_s, chunk) => append(chunk.toString('utf8')),
    });
  const ok = (e: DatumExit): boolean => !e.timedOut && !e.aborted && e.signal === null && (e.exitCode === 0 || c.transform.acceptReturnCode.includes(e.exitCode ?? -1));
  let reason = '';
  let feed: LazyFeed | undefined;
  try {
    for (let attempt = 1; attempt <= c.tries; attempt++) {
      if (attempt > 1) {
        await feed?.stop();
        await emptySlot(c.slot);
      }
      feed = await materialize(c.pfs, d, pfsDir, c.pipes ?? true);
      append(`--- strata: datum ${d.id.slice(0, 12)} try ${attempt} of ${c.tries}\n`);
      const exit = await run(c.transform.cmd, c.transform.stdin);
      if (exit.aborted) return { state: 'failed', outputs: [], tries: attempt, reason: 'stopped', log };
      if (ok(exit)) {
        const fence = await c.readFence?.();
        return { state: 'success', outputs: await collectOutputs(c.pfs, join(pfsDir, 'out'), c.storeOutputs ?? true), tries: attempt, reason: '', log, fence };
      }
      reason = describeExit(exit, c.timeoutMs);
      append(`--- strata: try ${attempt} failed: ${reason}\n`);
    }
    if (c.transform.errCmd.length > 0) {
      append('--- strata: running err_cmd\n');
      const exit = await run(c.transform.errCmd, c.transform.errStdin);
      if (ok(exit)) return { state: 'recovered', outputs: [], tries: c.tries, reason: `recovered by err_cmd after: ${reason}`, log };
      append(`--- strata: err_cmd failed: ${describeExit(exit, c.timeoutMs)}\n`);
    }
    return { state: 'failed', outputs: [], tries: c.tries, reason: `failed ${c.tries} ${c.tries === 1 ? 'try' : 'tries'}; last: ${reason}`, log };
  } finally {
    await feed?.stop();
  }
}
