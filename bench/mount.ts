// `npm run bench -- mount [--scale 0.1] [--dir DIR] [--keep] [--quiet]`
//
// Strata's file paths as people and pipelines meet them: the 1 GiB file and
// the 100,000-file tree put into a repo with the CLI (not timed), then a
// read-only `strata mount` read cold (fresh mount, empty chunk cache) and
// warm against `strata get` and `cat` of a local copy in the same run, a
// `find` walk and a cat of every small file through the mount, a 1 GiB
// write through a `--write` mount plus `strata mount --flush`, and
// `strata run --eager` materializing the tree (see docs/benchmarks.md, "mount").
// Prints a table (unless --quiet), then one line of JSON with every figure.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBenchCli, REPO_ROOT } from './lib/api-cli.ts';
import { startBenchServer } from './lib/api-server.ts';
import { datasetSpec, ensureDataset, type Dataset } from './lib/dataset.ts';
import { evaluateTargets, formatNotes, formatTable, type MountFigures, type MountRecord } from './lib/mount-report.ts';
import { loadAverage, q, shell, startMount, stopMount, strataCmd, type MountChild } from './lib/mount-steps.ts';
import { machineInfo } from './lib/proc.ts';

const REPO = 'bench';

function parseOptions(args: string[]): { scale: number; dir?: string; keep: boolean; quiet: boolean; log: (msg: string) => void } {
  const { values } = parseArgs({
    args,
    options: {
      scale: { type: 'string', default: '1' },
      dir: { type: 'string' },
      keep: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be a number in (0, 1], got "${values.scale}"`);
  const log = values.quiet ? () => undefined : (msg: string) => console.error(`[mount] ${msg}`);
  return { scale, dir: values.dir, keep: values.keep, quiet: values.quiet, log };
}

/** A failed step is recorded and reported instead of ending the whole benchmark. */
async function attempt<T>(errors: string[], log: (msg: string) => void, what: string, step: () => Promise<T>): Promise<T | undefined> {
  try {
    return await step();
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const message = `${what}: ${text.split('\n').filter((l) => l.trim()).slice(0, 6).join(' / ')}`;
    errors.push(message);
    log(`FAILED ${message}`);
    return undefined;
  }
}

/** The commit under test, and how many files of client/, src/ and server/ differ from it (others commit to the same tree). */
function strataVersion(): string {
  const git = (args: string[]): string => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  try {
    const dirty = git(['status', '--porcelain', '--', 'client', 'src', 'server']).split('\n').filter(Boolean).length;
    return `${git(['rev-parse', '--short', 'HEAD'])}${dirty > 0 ? ` + ${dirty} uncommitted files` : ''}`;
  } catch {
    return 'unknown';
  }
}

const per = (amount: number, seconds: number | undefined): number | null => (seconds === undefined || seconds <= 0 ? null : Math.round(amount / seconds));

interface Ctx {
  data: Dataset;
  work: string;
  address: string;
  env: NodeJS.ProcessEnv;
  f: MountFigures;
  errors: string[];
  log: (msg: string) => void;
}

async function step<T>(c: Ctx, name: string, fn: () => Promise<T>): Promise<T | undefined> {
  c.f.loadAverages[name] = await loadAverage();
  c.log(`${name} (load ${c.f.loadAverages[name]})`);
  return attempt(c.errors, c.log, name, fn);
}

/** Mounts REPO@main read-only with an empty chunk cache, runs `body`, unmounts. */
async function withMount(c: Ctx, name: string, extra: string[], body: (m: MountChild) => Promise<void>): Promise<void> {
  const dir = join(c.work, `mnt-${name}`);
  const cache = join(c.work, `cache-${name}`);
  await mkdir(cache, { recursive: true });
  const m = await attempt(c.errors, c.log, `mount ${name}`, () => startMount(c.address, c.env, [...extra, dir, '--cache-dir', cache]));
  if (!m) return;
  try {
    await body(m);
  } finally {
    await stopMount(m, c.address, c.env);
  }
}

async function reads(c: Ctx): Promise<void> {
  const { data, work, f } = c;
  const local = join(data.dir, data.a);
  const bytes = f.fileBytes;
  await shell(`cat ${q(local)} > /dev/null`); // into the page cache
  const cat = await step(c, 'cat local', () => shell(`cat ${q(local)} > /dev/null`));
  f.catLocalMBps = per(bytes / 1e6, cat?.seconds);
  const out = join(work, 'get-a.bin');
  const get = await step(c, 'strata get', () => shell(`${strataCmd(c.address, ['get', `${REPO}@main:/a.bin`, '-o', out])}`, c.env));
  f.getMBps = per(bytes / 1e6, get?.seconds);
  await rm(out, { force: true });
  await withMount(c, 'ro', [`${REPO}@main`], async (m) => {
    const file = join(m.dir, 'a.bin');
    if ((await stat(file)).size !== bytes) throw new Error(`${file} is not ${bytes} bytes`);
    const cold = await step(c, 'cold read', () => shell(`cat ${q(file)} > /dev/null`));
    f.coldReadMBps = per(bytes / 1e6, cold?.seconds);
    const warm = await step(c, 'warm read', () => shell(`cat ${q(file)} > /dev/null`));
    f.warmReadMBps = per(bytes / 1e6, warm?.seconds);
    const tree = join(m.dir, 'tree');
    const walk = async (): Promise<number | undefined> => {
      const r = await shell(`find ${q(tree)} -printf '%s\\n' | wc -l`);
      f.entries = Number(r.stdout.trim());
      return r.seconds;
    };
    f.walkColdEntriesPerSec = per(f.entries || data.spec.smallFiles, await step(c, 'walk, first', walk));
    f.walkWarmEntriesPerSec = per(f.entries || data.spec.smallFiles, await step(c, 'walk, second', walk));
    const small = await step(c, 'cat small files', () => shell(`find ${q(tree)} -type f -print0 | xargs -0 cat | wc -c`));
    if (small && Number(small.stdout.trim()) !== data.smallBytes) c.errors.push(`cat small files: read ${small.stdout.trim()} bytes, expected ${data.smallBytes}`);
    f.smallCatFilesPerSec = per(data.spec.smallFiles, small?.seconds);
  });
}

async function write(c: Ctx): Promise<void> {
  const cli = createBenchCli(c.address, c.work);
  await cli.run(['repo', 'create', 'benchw']);
  await withMount(c, 'rw', ['benchw@main', '--write'], async (m) => {
    const w = await step(c, 'write', () => shell(`dd if=${q(join(c.data.dir, c.data.a))} of=${q(join(m.dir, 'a.bin'))} bs=4M status=none`));
    const fl = await step(c, 'flush', () => shell(strataCmd(c.address, ['mount', '--flush', m.dir]), c.env));
    if (!w || !fl) return;
    c.f.writeSeconds = w.seconds;
    c.f.flushSeconds = fl.seconds;
    c.f.writeFlushMBps = per(c.f.fileBytes / 1e6, w.seconds + fl.seconds);
  });
}

async function eager(c: Ctx): Promise<void> {
  const cli = createBenchCli(c.address, c.work);
  await cli.run(['repo', 'create', 'out']);
  const args = ['run', '--eager', '--input', `data=${REPO}@main:/tree`, '--output', 'out@main', '--cache-dir', join(c.work, 'run-cache'), '--', 'true'];
  const r = await step(c, 'strata run --eager', () => shell(strataCmd(c.address, args), c.env));
  c.f.eagerSeconds = r?.seconds ?? null;
  c.f.eagerFilesPerSec = per(c.data.spec.smallFiles, r?.seconds);
}

export async function run(args: string[]): Promise<void> {
  const opts = parseOptions(args);
  const { log } = opts;
  const base = opts.dir === undefined ? await mkdtemp(join(tmpdir(), 'strata-bench-')) : resolve(opts.dir);
  await mkdir(base, { recursive: true });
  const work = await mkdtemp(join(base, 'mount-work-'));
  const errors: string[] = [];
  const spec = datasetSpec(opts.scale);
  const f: MountFigures = {
    fileBytes: spec.largeBytes, files: spec.smallFiles, entries: 0,
    catLocalMBps: null, getMBps: null, coldReadMBps: null, warmReadMBps: null,
    walkColdEntriesPerSec: null, walkWarmEntriesPerSec: null, smallCatFilesPerSec: null,
    writeSeconds: null, flushSeconds: null, writeFlushMBps: null, eagerSeconds: null, eagerFilesPerSec: null,
    loadAverages: {},
  };
  const version = strataVersion();
  const server = await startBenchServer(join(work, 'server'));
  // The CLI, the mounts and strata run keep their config, run-time state and run log in the work dir.
  const env = { ...process.env, STRATA_CONFIG: join(work, 'strata-config.json'), STRATA_RUNTIME_DIR: join(work, 'runtime'), XDG_STATE_HOME: join(work, 'state'), NO_COLOR: '1' };
  try {
    const data = await ensureDataset(join(base, `data-scale-${opts.scale}`), spec, log);
    const c: Ctx = { data, work, address: server.grpcAddress, env, f, errors, log };
    const cli = createBenchCli(server.grpcAddress, work);
    log('putting (a) and (c) into the repo (not timed)');
    await cli.run(['repo', 'create', REPO]);
    await cli.run(['put', `${REPO}@main:/a.bin`, join(data.dir, data.a)]);
    await cli.run(['put', '-r', `${REPO}@main:/tree`, join(data.dir, data.c)]);
    await reads(c);
    await attempt(errors, log, 'write', () => write(c));
    await attempt(errors, log, 'eager', () => eager(c));
    if (strataVersion() !== version) errors.push(`Strata changed during the run: ${version} at start, ${strataVersion()} at end`);
    const targets = evaluateTargets(f);
    const record: MountRecord = {
      bench: 'mount',
      date: new Date().toISOString(),
      command: `npm run bench -- mount ${args.join(' ')}`.trim(),
      machine: await machineInfo(),
      scale: opts.scale,
      strata: version,
      figures: f,
      targets,
      errors,
    };
    if (!opts.quiet) {
      const m = record.machine;
      console.log(`\nmount, scale ${opts.scale}, Strata ${version}: ${m.nproc} CPUs (${m.cpu}), ${m.memoryGiB} GiB, ${m.node}\n`);
      console.log(formatTable(f, targets));
      console.log(`\n${formatNotes(f)}`);
      if (errors.length > 0) console.log(`\nerrors:\n${errors.map((e) => `- ${e}`).join('\n')}`);
      console.log('');
    }
    console.log(JSON.stringify(record));
    if (errors.length > 0) process.exitCode = 1;
  } finally {
    await server.stop().catch((err: unknown) => log(`server stop: ${String(err)}`));
    if (!opts.keep) await rm(opts.dir === undefined ? base : work, { recursive: true, force: true });
  }
}
