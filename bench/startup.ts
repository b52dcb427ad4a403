// `npm run bench -- startup [--runs N]`: how long the CLI takes before it
// does anything, against restic and borg answering the same question, in the
// same run. Issue 8's target: `strata --version` <= 120 ms. Also measured:
// `strata --help` (loads the whole CLI) and `strata repo list` against a
// live server (loads the SDK and makes one gRPC call), with bare `node -e 0`
// as the floor every Node program pays.
// Reports the median wall time and the median CPU time (user + sys, from
// GNU time) of runs interleaved across the commands, and each strata
// command's cost over bare Node in the same run: on a shared machine the CPU
// time, and the difference to the floor, are the steadier figures.
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

interface Command {
  what: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs every command `runs` times, interleaved (one run of each in turn), so
 * a change in the machine's load falls on all of them alike, not on the
 * command measured while it happened.
 */
async function measure(commands: Command[], runs: number): Promise<Row[]> {
  const timeFile = join(tmpdir(), `strata-startup-${process.pid}.time`);
  for (const c of commands) await runMeasured(c.cmd, c.args, { env: c.env }); // warm the page cache
  const walls = commands.map(() => [] as number[]);
  const cpus = commands.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [j, c] of commands.entries()) {
      const m = await runMeasured(c.cmd, c.args, { env: c.env, timeFile });
      walls[j]!.push(m.seconds * 1000);
      if (m.cpuSeconds !== null) cpus[j]!.push(m.cpuSeconds * 1000);
    }
  }
  return commands.map((c, j) => ({ what: c.what, wallMs: Math.round(median(walls[j]!)), cpuMs: cpus[j]!.length ? Math.round(median(cpus[j]!)) : null }));
}

export async function run(args: string[]): Promise<void> {
  const runsFlag = args.indexOf('--runs');
  const runs = runsFlag >= 0 ? Number(args[runsFlag + 1]) : 15;
  const log = (msg: string): void => console.error(`startup: ${msg}`);
  ensureReferenceTools(log);
  ensureGnuTime(log);
  const work = await mkdtemp(join(tmpdir(), 'strata-startup-'));
  const server = await startBenchServer(join(work, 'data'));
  let rows: Row[];
  try {
    const node = process.execPath;
    rows = await measure(
      [
        { what: 'node -e 0 (floor)', cmd: node, args: ['-e', '0'] },
        { what: 'strata --version', cmd: node, args: [BIN, '--version'] },
        { what: 'restic version', cmd: 'restic', args: ['version'] },
        { what: 'borg --version', cmd: 'borg', args: ['--version'] },
        { what: 'strata --help', cmd: node, args: [BIN, '--help'] },
        { what: 'strata repo list (one gRPC call)', cmd: node, args: [BIN, 'repo', 'list'], env: { ...process.env, STRATA_ADDRESS: server.grpcAddress } },
      ],
      runs,
    );
  } finally {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  console.log(`startup (median of ${runs} runs, load average ${load})`);
  console.log('| command | wall ms | CPU ms |\n|---|---|---|');
  for (const r of rows) console.log(`| ${r.what} | ${r.wallMs} | ${r.cpuMs ?? '-'} |`);
  const floor = rows.find((r) => r.what === 'node -e 0 (floor)')!;
  const version = rows.find((r) => r.what === 'strata --version')!;
  const over = (r: Row): string =>
    `${r.what}: ${r.wallMs} ms wall, ${r.cpuMs ?? '-'} ms CPU; over bare node -e 0 in the same run: ` +
    `+${r.wallMs - floor.wallMs} ms wall (${(r.wallMs / floor.wallMs).toFixed(2)}x), ` +
    `+${r.cpuMs !== null && floor.cpuMs !== null ? r.cpuMs - floor.cpuMs : '-'} ms CPU`;
  for (const r of rows) if (r.what.startsWith('strata')) console.log(over(r));
  const restic = rows.find((r) => r.what === 'restic version')!;
  const borg = rows.find((r) => r.what === 'borg --version')!;
  console.log(`strata --version: ${version.wallMs} ms (target <= ${TARGET_MS} ms: ${version.wallMs <= TARGET_MS ? 'pass' : 'miss'}); ` +
    `ratio to restic ${(version.wallMs / restic.wallMs).toFixed(2)}x, to borg ${(version.wallMs / borg.wallMs).toFixed(2)}x`);
  console.log(JSON.stringify({ bench: 'startup', date: new Date().toISOString(), load: Number(load), runs, rows, versionOverFloorMs: { wall: version.wallMs - floor.wallMs, cpu: version.cpuMs !== null && floor.cpuMs !== null ? version.cpuMs - floor.cpuMs : null } }));
}
