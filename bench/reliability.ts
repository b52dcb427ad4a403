// `npm run bench -- reliability [--cases N] [--load-seconds S] [--kills K] [--only fuzz,load,kill]`:
// issue 12's hostile-input runs at full length against the real server
// (the e2e tests run them shortened): property-based fuzzing, N cases per
// surface (default 10,000; target 0 crashes, 0 hangs, every rejection a clear
// code); 16 clients writing to one branch for S seconds (default 60; target
// no lost update, only whole commits seen, fsck clean); kill -9 at random
// points K times (default 50; target 0 acknowledged commits lost).
// The reference measured in the same run: well-formed InspectRepo calls, one
// at a time, so each surface's rate reads as a fraction of the plain call rate.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { SURFACES } from '../test/helpers/hostile.ts';
import { runKillLoop, runLoad } from '../test/helpers/reliability.ts';
import { modify, pfsClient, startServer, unary } from '../test/helpers/server.ts';
import { createTempDir } from '../test/helpers/tmp.ts';

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

const log = (msg: string): void => console.error(`reliability: ${msg}`);
const load1 = (): number => Math.round(loadavg()[0]! * 100) / 100;
/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const ownCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/** CPU seconds of this process's children that have exited and been waited for (the kill loop's servers). */
function waitedChildrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}
const round1 = (n: number): number => Math.round(n * 10) / 10;

async function fuzz(cases: number): Promise<object> {
  const server = await startServer();
  const client = pfsClient(server.grpcAddress);
  try {
    await unary(client, 'CreateRepo', { name: 'fz' });
    await modify(client, [{ header: { target: 'fz@main' } }, ...['/a.txt', '/d/b.txt', '/é/e\u0301'].flatMap((path) => [{ putFile: { path } }, { data: Buffer.from(path) }])]);
    const refStart = process.hrtime.bigint();
    const refCalls = 2000;
    for (let i = 0; i < refCalls; i++) await unary(client, 'InspectRepo', { name: 'fz' });
    const referencePerSec = refCalls / (Number(process.hrtime.bigint() - refStart) / 1e9);
    log(`reference: ${referencePerSec.toFixed(0)} InspectRepo calls/s`);
    const rows = [];
    for (const s of SURFACES) {
      const start = process.hrtime.bigint();
      const [server0, client0] = [cpuSecondsOf(server.pid), ownCpuSeconds()];
      const report = await s.run(server.grpcAddress, cases);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const cpu = { serverCpuSeconds: Math.round((cpuSecondsOf(server.pid) - server0) * 10) / 10, fuzzClientCpuSeconds: Math.round((ownCpuSeconds() - client0) * 10) / 10 };
      const perSec = report.cases / seconds;
      rows.push({ ...report, failures: report.failures.length, failureSamples: report.failures.slice(0, 3), seconds: Math.round(seconds), perSec: Math.round(perSec), ratioToReference: Math.round((perSec / referencePerSec) * 1000) / 1000, ...cpu, load1: load1() });
      log(`${s.name}: ${report.cases} cases in ${seconds.toFixed(0)} s (${perSec.toFixed(0)}/s, ${(perSec / referencePerSec).toFixed(3)}x reference), CPU s: server ${cpu.serverCpuSeconds}, fuzz client ${cpu.fuzzClientCpuSeconds}; load ${load1()}; ${report.accepted} accepted, ${report.failures.length} failures; rejected ${JSON.stringify(report.rejected)}`);
    }
    const internal = server.logs.filter((l) => l.includes('internal error')).length;
    const fsck = await unary<{ problems: unknown[] }>(client, 'Fsck', { verifyData: true });
    return { referencePerSec: Math.round(referencePerSec), surfaces: rows, internalErrorsLogged: internal, fsckProblems: fsck.problems.length, serverAlive: server.child.exitCode === null };
  } finally {
    client.close();
    await server.cleanup();
  }
}

async function load(seconds: number): Promise<object> {
  const server = await startServer();
  try {
    const before = load1();
    const [server0, client0] = [cpuSecondsOf(server.pid), ownCpuSeconds()];
    const report = await runLoad(server, { writers: 16, seconds });
    const cpu = { serverCpuSeconds: round1(cpuSecondsOf(server.pid) - server0), clientsCpuSeconds: round1(ownCpuSeconds() - client0) };
    const perCommit = report.acknowledged > 0 ? Math.round(((cpu.serverCpuSeconds + cpu.clientsCpuSeconds) / report.acknowledged) * 1000) : 0;
    log(`load: 16 writers x ${seconds} s: ${report.acknowledged} acknowledged commits (${(report.acknowledged / seconds).toFixed(1)}/s), ${report.readerSnapshots} reader snapshots, failed writes ${JSON.stringify(report.failedWrites)}, ${report.problems.length} problems; CPU s: server ${cpu.serverCpuSeconds}, clients ${cpu.clientsCpuSeconds} (${perCommit} ms per commit); load ${before} -> ${load1()}`);
    return { ...report, problems: report.problems.slice(0, 10), problemCount: report.problems.length, commitsPerSec: round1(report.acknowledged / seconds), ...cpu, cpuMsPerCommit: perCommit, load1: [before, load1()] };
  } finally {
    await server.cleanup();
  }
}

async function kill(rounds: number): Promise<object> {
  const tmp = await createTempDir('strata-kill-bench');
  try {
    const [servers0, client0, start] = [waitedChildrenCpuSeconds(), ownCpuSeconds(), Date.now()];
    const report = await runKillLoop(tmp.path, { rounds, writers: 4, maxDelayMs: 1500, log });
    const cpu = { serversCpuSeconds: round1(waitedChildrenCpuSeconds() - servers0), clientsCpuSeconds: round1(ownCpuSeconds() - client0), seconds: Math.round((Date.now() - start) / 1000) };
    log(`kill -9: ${report.rounds} rounds, ${report.acknowledged} acknowledged commits, ${report.lost} lost, ${report.problems.length} problems; ${cpu.seconds} s, CPU s: servers ${cpu.serversCpuSeconds}, clients ${cpu.clientsCpuSeconds}; load ${load1()}`);
    return { ...report, problems: report.problems.slice(0, 10), problemCount: report.problems.length, ...cpu, load1: load1() };
  } finally {
    await tmp.remove();
  }
}

export async function run(args: string[]): Promise<void> {
  const only = new Set((args[args.indexOf('--only') + 1] && args.includes('--only') ? args[args.indexOf('--only') + 1]! : 'fuzz,load,kill').split(','));
  const result: Record<string, unknown> = { bench: 'reliability', node: process.version, load1: load1() };
  if (only.has('fuzz')) result.fuzz = await fuzz(flag(args, '--cases', 10_000));
  if (only.has('load')) result.load = await load(flag(args, '--load-seconds', 60));
  if (only.has('kill')) result.kill = await kill(flag(args, '--kills', 50));
  console.log(JSON.stringify(result));
}
