// `npm run bench -- fio [--size-mib N] [--dir DIR] [--keep] [--quiet]`
//
// fio through `strata mount`, the way JuiceFS publishes its figures:
// sequential 4 MiB blocks, 1 job and 4 jobs, write then read. Writes go
// into a `--write` mount and are committed by `strata mount --flush` (timed
// on its own: a mount's bytes are durable only once flushed); reads come
// from a fresh read-only mount of that commit with an empty chunk cache
// (cold), so every byte crosses from the server. In the same run, `strata
// put` and `strata get` of one file of the same size give the CLI's rate
// on the same machine, which the mount figures are divided by.
// Prints a table (unless --quiet), then one line of JSON with every figure.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBenchCli, REPO_ROOT } from './lib/api-cli.ts';
import { startBenchServer } from './lib/api-server.ts';
import { loadAverage, q, shell, startMount, stopMount, strataCmd } from './lib/mount-steps.ts';
import { PUBLISHED } from './lib/mount-report.ts';
import { machineInfo } from './lib/proc.ts';
import { markdownTable, num } from './lib/report.ts';

const REPO = 'fio';
const JOBS = [1, 4] as const;

interface Options {
  sizeMiB: number;
  dir?: string;
  keep: boolean;
  quiet: boolean;
  log: (msg: string) => void;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      'size-mib': { type: 'string', default: '256' },
      dir: { type: 'string' },
      keep: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  const sizeMiB = Number(values['size-mib']);
  if (!Number.isInteger(sizeMiB) || sizeMiB < 4 || sizeMiB % 4 !== 0) throw new Error(`--size-mib must be a multiple of 4 (MiB per job), got "${values['size-mib']}"`);
  const log = values.quiet ? () => undefined : (msg: string) => console.error(`[fio] ${msg}`);
  return { sizeMiB, dir: values.dir, keep: values.keep, quiet: values.quiet, log };
}

function ensureFio(log: (msg: string) => void): string {
  const version = (): string => execFileSync('fio', ['--version'], { encoding: 'utf8' }).trim();
  try {
    return version();
  } catch {
    log('fio is missing: running scripts/install-system-deps.sh bench');
    execFileSync(join(REPO_ROOT, 'scripts/install-system-deps.sh'), ['bench'], { stdio: 'inherit' });
    return version();
  }
}

/** One fio run's aggregate (group_reporting): MB/s and seconds. */
interface FioResult {
  jobs: number;
  mbps: number;
  seconds: number;
  load: number;
}

/** Runs fio (sequential, 4 MiB blocks) in `dir` and returns the group's bandwidth. */
async function fio(dir: string, rw: 'write' | 'read', name: string, jobs: number, sizeMiB: number, env: NodeJS.ProcessEnv): Promise<FioResult> {
  const load = await loadAverage();
  const args = [
    `--name=${name}`, `--directory=${dir}`, `--rw=${rw}`, '--bs=4M', `--size=${sizeMiB}M`, `--numjobs=${jobs}`,
    '--group_reporting', '--output-format=json', '--ioengine=psync',
    ...(rw === 'write' ? ['--refill_buffers', '--end_fsync=0', '--create_on_open=1'] : ['--readonly']),
  ];
  const r = await shell(['fio', ...args].map(q).join(' '), env);
  const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { jobs: { read: { bw_bytes: number; runtime: number }; write: { bw_bytes: number; runtime: number } }[] };
  const side = report.jobs[0]![rw];
  return { jobs, mbps: Math.round(side.bw_bytes / 1e6), seconds: side.runtime / 1000, load };
}

interface Figures {
  sizeMiBPerJob: number;
  write: FioResult[];
  /** `strata mount --flush` after each write run: the commit of what was written. */
  flushSeconds: number[];
  /** MB/s of write + flush, the rate at which bytes become a commit. */
  writeFlushMBps: number[];
  read: FioResult[];
  putMBps: number | null;
  getMBps: number | null;
  loadAverages: Record<string, number>;
}

export async function run(args: string[]): Promise<void> {
  const opts = parseOptions(args);
  const { log } = opts;
  const fioVersion = ensureFio(log);
  const base = opts.dir === undefined ? await mkdtemp(join(tmpdir(), 'strata-bench-')) : resolve(opts.dir);
  await mkdir(base, { recursive: true });
  const work = await mkdtemp(join(base, 'fio-work-'));
  const server = await startBenchServer(join(work, 'server'));
  const env = { ...process.env, STRATA_CONFIG: join(work, 'strata-config.json'), STRATA_RUNTIME_DIR: join(work, 'runtime'), XDG_STATE_HOME: join(work, 'state'), NO_COLOR: '1' };
  const cli = createBenchCli(server.grpcAddress, work);
  const f: Figures = { sizeMiBPerJob: opts.sizeMiB, write: [], flushSeconds: [], writeFlushMBps: [], read: [], putMBps: null, getMBps: null, loadAverages: {} };
  const mountAt = async (name: string, extra: string[]) => {
    const cache = join(work, `cache-${name}`);
    await mkdir(cache, { recursive: true });
    return startMount(server.grpcAddress, env, [...extra, join(work, `mnt-${name}`), '--cache-dir', cache]);
  };
  try {
    await cli.run(['repo', 'create', REPO]);
    for (const jobs of JOBS) {
      const m = await mountAt(`w${jobs}`, [`${REPO}@main`, '--write']);
      try {
        log(`write, ${jobs} job(s) x ${opts.sizeMiB} MiB`);
        const w = await fio(m.dir, 'write', `w${jobs}`, jobs, opts.sizeMiB, env);
        f.write.push(w);
        f.loadAverages[`flush ${jobs}`] = await loadAverage();
        const fl = await shell(strataCmd(server.grpcAddress, ['mount', '--flush', m.dir]), env);
        f.flushSeconds.push(fl.seconds);
        f.writeFlushMBps.push(Math.round((jobs * opts.sizeMiB * 2 ** 20) / 1e6 / (w.seconds + fl.seconds)));
      } finally {
        await stopMount(m, server.grpcAddress, env);
      }
    }
    for (const jobs of JOBS) {
      // A fresh read-only mount with an empty cache: the kernel's page cache of the old one is gone with it.
      const m = await mountAt(`r${jobs}`, [`${REPO}@main`]);
      try {
        log(`read (cold), ${jobs} job(s) x ${opts.sizeMiB} MiB`);
        f.read.push(await fio(m.dir, 'read', `w${jobs}`, jobs, opts.sizeMiB, env));
      } finally {
        await stopMount(m, server.grpcAddress, env);
      }
    }
    // The CLI on one file of the same size, for scale: get reads w1's file, put writes it back under another name.
    const out = join(work, 'get.bin');
    f.loadAverages.get = await loadAverage();
    const get = await shell(strataCmd(server.grpcAddress, ['get', `${REPO}@main:/w1.0.0`, '-o', out]), env);
    f.getMBps = Math.round((opts.sizeMiB * 2 ** 20) / 1e6 / get.seconds);
    f.loadAverages.put = await loadAverage();
    const put = await shell(strataCmd(server.grpcAddress, ['put', `${REPO}@main:/put.bin`, out]), env);
    f.putMBps = Math.round((opts.sizeMiB * 2 ** 20) / 1e6 / put.seconds);
    const record = { bench: 'fio', date: new Date().toISOString(), command: `npm run bench -- fio ${args.join(' ')}`.trim(), machine: await machineInfo(), fio: fioVersion, figures: f };
    if (!opts.quiet) {
      const m = record.machine;
      console.log(`\nfio through strata mount, ${opts.sizeMiB} MiB per job, 4 MiB blocks: ${m.nproc} CPUs (${m.cpu}), ${m.memoryGiB} GiB, ${m.node}, ${fioVersion}\n`);
      console.log(formatTable(f));
      console.log('');
    }
    console.log(JSON.stringify(record));
  } finally {
    await server.stop().catch((err: unknown) => log(`server stop: ${String(err)}`));
    if (!opts.keep) await rm(opts.dir === undefined ? base : work, { recursive: true, force: true });
  }
}

function formatTable(f: Figures): string {
  const ratio = (x: number, of: number | null): string => (of ? num(x / of, 2) : '–');
  const rows = [['fio, 4 MiB sequential', 'jobs', 'MB/s', 'load', 'vs strata CLI', 'published (their hardware)']];
  f.write.forEach((w, i) => {
    rows.push(['write into a --write mount', String(w.jobs), num(w.mbps), num(w.load, 1), '', i === 0 ? `s3fs ~${PUBLISHED.s3fsWriteMiBps} MiB/s` : '']);
    rows.push(['  write + strata mount --flush (commit)', String(w.jobs), num(f.writeFlushMBps[i]), '', `${ratio(f.writeFlushMBps[i]!, f.putMBps)} x put`, '']);
  });
  f.read.forEach((r, i) => {
    rows.push(['read, cold (fresh mount, empty cache)', String(r.jobs), num(r.mbps), num(r.load, 1), `${ratio(r.mbps, f.getMBps)} x get`, i === 0 ? `JuiceFS ~${PUBLISHED.juicefsReadMiBps} MiB/s, s3fs ~${PUBLISHED.s3fsReadMiBps} MiB/s` : '']);
  });
  rows.push([`strata put of one ${f.sizeMiBPerJob} MiB file`, '1', num(f.putMBps), num(f.loadAverages.put, 1), '', '']);
  rows.push([`strata get of one ${f.sizeMiBPerJob} MiB file`, '1', num(f.getMBps), num(f.loadAverages.get, 1), '', '']);
  const flush = f.flushSeconds.map((s, i) => `${f.write[i]!.jobs} job(s): ${num(s, 2)} s`).join(', ');
  return `${markdownTable(rows)}\n\nflush (commit) after the write runs: ${flush}\nstrata put and get are timed as whole commands (start-up included); fio reports its own bandwidth; MB = 10^6 bytes`;
}
