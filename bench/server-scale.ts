// `npm run bench -- server-scale [--files N] [--runs R] [--dir DIR [--reuse]] [--server-args '...'] [--quiet]`
//
// A real server over a large repo (issue 8): `strata diff` of a 10-file
// commit against the full listing `strata ls -r` of the same commit, both
// whole CLI commands against the same server in the same run (target: diff
// ≤ 0.05 × listing), and the server's resident memory: idle on an empty data
// directory (target ≤ 100 MiB), idle on the loaded store, and its peak while
// serving the listings and diffs (target ≤ 300 MiB at 1,000,000 files).
//
// The repo (N files of 100 bytes in √N·1000/1000 directories, then a commit
// changing 10 of them) is written in-process through src/pfs into the data
// directory the server then opens, as `strata put -r` would leave it: a
// million files through the CLI take longer than this benchmark should.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBranchName, parsePath, parseRepoName } from '../src/ids.ts';
import { openPfsAt } from '../test/helpers/pfs.ts';
import { REPO_ROOT } from './lib/api-cli.ts';
import { startBenchServer } from './lib/api-server.ts';
import { machineInfo, runMeasured } from './lib/proc.ts';

interface Args {
  files: number;
  runs: number;
  dir?: string;
  /** With --dir: keep a repo an earlier run loaded there (same --files) instead of writing it again. */
  reuse: boolean;
  /** Extra flags for `strata server` (e.g. memory settings), space-separated. */
  serverArgs: string[];
  quiet: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { files: 200_000, runs: 3, reuse: false, serverArgs: [], quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--files') args.files = Number(argv[++i]);
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--dir') args.dir = argv[++i];
    else if (a === '--reuse') args.reuse = true;
    else if (a === '--server-args') args.serverArgs = (argv[++i] ?? '').split(/\s+/).filter(Boolean);
    else if (a === '--quiet') args.quiet = true;
    else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isInteger(args.files) || args.files < 100) throw new Error('--files must be an integer of at least 100');
  if (!Number.isInteger(args.runs) || args.runs < 1) throw new Error('--runs must be a positive integer');
  if (args.reuse && !args.dir) throw new Error('--reuse needs --dir');
  return args;
}

const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
const mib = (kib: number | null): number | null => (kib === null ? null : Math.round(kib / 1024));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function pathOf(i: number, perDir: number): string {
  return `/d${String(Math.floor(i / perDir)).padStart(4, '0')}/f${String(i % perDir).padStart(4, '0')}`;
}

function content(i: number, version: number): Buffer {
  return Buffer.from(`file ${i} version ${version} `.padEnd(100, String.fromCharCode(97 + (i % 26))));
}

async function* once(data: Buffer): AsyncGenerator<Uint8Array> {
  yield data;
}

/** Writes the repo: all files in one commit, then a commit changing 10 of them. */
async function loadRepo(data: string, total: number, perDir: number): Promise<number> {
  const t = await openPfsAt(data, { packTargetBytes: 8 << 20 });
  const repo = parseRepoName('bench');
  const main = { branch: parseBranchName('main') };
  await t.pfs.createRepo(repo);
  const start = performance.now();
  const w = await t.pfs.openWriter(repo, main);
  for (let i = 0; i < total; i++) await w.put(parsePath(pathOf(i, perDir)), once(content(i, 0)));
  await w.close();
  const seconds = (performance.now() - start) / 1000;
  const c = await t.pfs.openWriter(repo, main);
  for (let k = 0; k < 10; k++) {
    const i = Math.floor(((k + 0.5) * total) / 10);
    await c.put(parsePath(pathOf(i, perDir)), once(content(i, 1)));
  }
  await c.close();
  await t.close();
  return seconds;
}

async function rssKiB(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Number.isFinite(kib) ? kib : null;
}

/** Idle RSS of a server on an empty data directory, a few seconds after it is ready. */
async function idleRss(work: string, serverArgs: string[]): Promise<{ rssMiB: number | null; hwmMiB: number | null }> {
  await rm(join(work, 'empty'), { recursive: true, force: true });
  const server = await startBenchServer(join(work, 'empty'), { args: serverArgs });
  await new Promise((r) => setTimeout(r, 5000));
  const rss = await rssKiB(server.pid);
  const hwm = await server.hwmKiB();
  await server.stop();
  return { rssMiB: mib(rss), hwmMiB: mib(hwm) };
}

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const dirs = Math.max(1, Math.round(1000 * Math.sqrt(args.files / 1e6)));
  const perDir = Math.round(args.files / dirs);
  const total = dirs * perDir;
  const say = (msg: string): void => void (args.quiet || console.error(msg));
  const work = args.dir ?? (await mkdtemp(join(tmpdir(), 'strata-bench-server-scale-')));
  const data = join(work, 'data');
  const marker = join(work, 'loaded.json');
  const loaded = args.reuse ? await readFile(marker, 'utf8').then((t) => JSON.parse(t) as { files: number; seconds: number }, () => undefined) : undefined;
  const reusing = loaded?.files === total;
  if (!reusing) await rm(work, { recursive: true, force: true });
  const load: Record<string, number> = { start: loadavg()[0]! };

  say('idle server on an empty data directory');
  const idle = await idleRss(work, args.serverArgs);
  let loadSeconds = loaded?.seconds ?? 0;
  if (reusing) say(`reusing the ${total} files an earlier run wrote in ${data}`);
  else {
    say(`writing ${total} files in ${dirs} directories, then a 10-file commit`);
    loadSeconds = await loadRepo(data, total, perDir);
    if (args.dir) await writeFile(marker, JSON.stringify({ files: total, seconds: loadSeconds }));
  }

  say('server on the loaded store: ls -r and diff, alternating');
  load.serve = loadavg()[0]!;
  const server = await startBenchServer(data, { args: args.serverArgs });
  const rssLoadedIdle = await rssKiB(server.pid);
  // CPU seconds of each command too (GNU time): on the shared machine the load sets the wall time, not the command.
  const cli = (cmd: string[]) => runMeasured(process.execPath, [join(REPO_ROOT, 'bin/strata.js'), '--address', server.grpcAddress, ...cmd], { cwd: REPO_ROOT, timeFile: join(work, 'cli-time.out') });
  const times = { ls: [] as number[], diff: [] as number[], floor: [] as number[] };
  const cpu = { ls: [] as number[], diff: [] as number[], floor: [] as number[] };
  let rssAfter: number | null = null;
  let hwm: number | null = null;
  try {
    for (let r = 0; r < args.runs; r++) {
      const ls = await cli(['ls', '-r', 'bench@main:/']);
      const lines = ls.stdout.split('\n').filter((l) => l.startsWith('file ')).length;
      if (lines !== total) throw new Error(`ls -r listed ${lines} files, expected ${total}`);
      times.ls.push(ls.seconds);
      if (ls.cpuSeconds !== null) cpu.ls.push(ls.cpuSeconds);
      const diff = await cli(['diff', 'bench@main', 'bench@main^']);
      const changes = diff.stdout.split('\n').filter((l) => l.startsWith('~ ')).length;
      if (changes !== 10) throw new Error(`diff printed ${changes} changes, expected 10:\n${diff.stdout.slice(0, 2000)}`);
      times.diff.push(diff.seconds);
      if (diff.cpuSeconds !== null) cpu.diff.push(diff.cpuSeconds);
      // The floor: a CLI command making one small gRPC call (start-up, connect, one answer).
      const floor = await cli(['repo', 'list']);
      times.floor.push(floor.seconds);
      if (floor.cpuSeconds !== null) cpu.floor.push(floor.cpuSeconds);
      say(`  run ${r + 1}: ls -r ${round(ls.seconds, 2)} s (${ls.cpuSeconds} CPU-s), diff ${round(diff.seconds, 3)} s (${diff.cpuSeconds}), repo list ${round(floor.seconds, 3)} s (${floor.cpuSeconds})`);
    }
  } finally {
    load.end = loadavg()[0]!;
    rssAfter = await rssKiB(server.pid);
    hwm = await server.hwmKiB();
    await server.stop();
  }
  const ls = median(times.ls);
  const diff = median(times.diff);
  const floor = median(times.floor);
  const cpuOf = (xs: number[]): number | null => (xs.length > 0 ? round(median(xs), 3) : null);
  const cliCpu = { ls: cpuOf(cpu.ls), diff: cpuOf(cpu.diff), floor: cpuOf(cpu.floor) };
  const figures = {
    bench: 'server-scale',
    date: new Date().toISOString(),
    machine: await machineInfo(),
    files: total,
    dirs,
    loadAverage: Object.fromEntries(Object.entries(load).map(([k, v]) => [k, round(v)])),
    inProcessLoadSeconds: round(loadSeconds),
    reused: reusing,
    serverArgs: args.serverArgs,
    cli: { lsSeconds: round(ls, 3), diffSeconds: round(diff, 3), repoListSeconds: round(floor, 3), samples: times, cpuSeconds: cliCpu, cpuSamples: cpu },
    // Above the floor: what the listing and the diff themselves cost, start-up apart.
    ratios: {
      diffVsList: round(diff / ls, 3),
      aboveFloor: round(Math.max(0, diff - floor) / Math.max(1e-3, ls - floor), 3),
      // The same ratio by the CLI's CPU seconds, which the machine's load does not inflate as it does wall time.
      diffVsListCpu: cliCpu.diff !== null && cliCpu.ls ? round(cliCpu.diff / cliCpu.ls, 3) : null,
    },
    serverRssMiB: { idleEmpty: idle.rssMiB, idleLoaded: mib(rssLoadedIdle), afterServing: mib(rssAfter), peak: mib(hwm) },
    targets: [
      { figure: 'diff / ls -r', rule: '≤ 0.05', value: round(diff / ls, 3), pass: diff / ls <= 0.05 },
      { figure: 'idle RSS, MiB', rule: '≤ 100', value: idle.rssMiB, pass: idle.rssMiB !== null && idle.rssMiB <= 100 },
      { figure: `peak RSS serving ${total} files, MiB`, rule: '≤ 300', value: mib(hwm), pass: hwm !== null && hwm / 1024 <= 300 },
    ],
  };
  if (!args.quiet) {
    console.log(`server-scale: ${total} files, median of ${args.runs} (load average ${figures.loadAverage.serve} → ${figures.loadAverage.end})`);
    console.log(`  strata ls -r (full listing)  ${round(ls, 3)} s`);
    console.log(`  strata diff (10 changes)     ${round(diff, 3)} s`);
    console.log(`  strata repo list (the floor) ${round(floor, 3)} s; diff / ls -r above it: ${figures.ratios.aboveFloor}`);
    if (cliCpu.diff !== null) console.log(`  CLI CPU-s (median): ls -r ${cliCpu.ls}, diff ${cliCpu.diff}, repo list ${cliCpu.floor}; diff / ls -r by CPU: ${figures.ratios.diffVsListCpu}`);
    console.log(`  server RSS: idle empty ${idle.rssMiB} MiB, idle on the store ${mib(rssLoadedIdle)} MiB, after serving ${mib(rssAfter)} MiB, peak ${mib(hwm)} MiB`);
    for (const t of figures.targets) console.log(`  ${t.figure}: ${t.value} (${t.rule}) ${t.pass ? 'PASS' : 'MISS'}`);
  }
  console.log(JSON.stringify(figures));
  if (!args.dir) await rm(work, { recursive: true, force: true });
}
