// `npm run bench -- startup [--runs N]`: how long the CLI takes before it
// does anything, against restic and borg answering the same question, in the
// same run. Issue 8's target: `strata --version` <= 120 ms. Also measured:
// `strata --help` (loads the whole CLI) and `strata repo list` against a
// live server (loads the SDK and makes one gRPC call), with bare `node -e 0`
// as the floor every Node program pays.
// Reports the median wall time and the median CPU time (user + sys, from
// GNU time): on a shared machine the CPU time is the steadier figure.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureReferenceTools } from './lib/tools.ts';
import { ensureGnuTime, runMeasured } from './lib/proc.ts';
import { startBenchServer } from './lib/api-server.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/strata.js');
const TARGET_MS = 120;

interface Row {
  what: string;
  wallMs: number;
  cpuMs: number | null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function measure(what: string, cmd: string, args: string[], runs: number, env?: NodeJS.ProcessEnv): Promise<Row> {
  const walls: number[] = [];
  const cpus: number[] = [];
  const timeFile = join(tmpdir(), `strata-startup-${process.pid}.time`);
  await runMeasured(cmd, args, { env }); // warm the page cache
  for (let i = 0; i < runs; i++) {
    const m = await runMeasured(cmd, args, { env, timeFile });
    walls.push(m.seconds * 1000);
    if (m.cpuSeconds !== null) cpus.push(m.cpuSeconds * 1000);
  }
  return { what, wallMs: Math.round(median(walls)), cpuMs: cpus.length ? Math.round(median(cpus)) : null };
}

export async function run(args: string[]): Promise<void> {
  const runsFlag = args.indexOf('--runs');
  const runs = runsFlag >= 0 ? Number(args[runsFlag + 1]) : 15;
  const log = (msg: string): void => console.error(`startup: ${msg}`);
  ensureReferenceTools(log);
  ensureGnuTime(log);
  const rows: Row[] = [];
  rows.push(await measure('node -e 0 (floor)', process.execPath, ['-e', '0'], runs));
  rows.push(await measure('strata --version', process.execPath, [BIN, '--version'], runs));
  rows.push(await measure('restic version', 'restic', ['version'], runs));
  rows.push(await measure('borg --version', 'borg', ['--version'], runs));
  rows.push(await measure('strata --help', process.execPath, [BIN, '--help'], runs));
  const work = await mkdtemp(join(tmpdir(), 'strata-startup-'));
  const server = await startBenchServer(join(work, 'data'));
  try {
    rows.push(await measure('strata repo list (one gRPC call)', process.execPath, [BIN, 'repo', 'list'], runs, { ...process.env, STRATA_ADDRESS: server.grpcAddress }));
  } finally {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  console.log(`startup (median of ${runs} runs, load average ${load})`);
  console.log('| command | wall ms | CPU ms |\n|---|---|---|');
  for (const r of rows) console.log(`| ${r.what} | ${r.wallMs} | ${r.cpuMs ?? '-'} |`);
  const version = rows.find((r) => r.what === 'strata --version')!;
  const restic = rows.find((r) => r.what === 'restic version')!;
  const borg = rows.find((r) => r.what === 'borg --version')!;
  console.log(`strata --version: ${version.wallMs} ms (target <= ${TARGET_MS} ms: ${version.wallMs <= TARGET_MS ? 'pass' : 'miss'}); ` +
    `ratio to restic ${(version.wallMs / restic.wallMs).toFixed(2)}x, to borg ${(version.wallMs / borg.wallMs).toFixed(2)}x`);
  console.log(JSON.stringify({ bench: 'startup', date: new Date().toISOString(), load: Number(load), runs, rows }));
}
