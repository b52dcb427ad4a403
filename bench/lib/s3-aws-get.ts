// The aws cli's GET against the gateway and against its own ceiling, a
// trivial in-memory server (static-object.ts), in interleaved rounds (the
// order flipped each round), each into a file (as a user runs `aws s3 cp`)
// and into a pipe (the same client without the page cache, whose cost on this
// VM is large and varies from run to run: aws cli 2.9.19, 1 GiB, file
// 3.4-5.3 s of system time, pipe ~1.1 s, whichever server). Per run: wall
// MB/s, the client's user and system CPU (GNU time), the server's CPU (the
// gateway's from /proc; the static server's is this process's).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { AWS, awsEnv } from './s3-gateway.ts';

export type GetTarget = 'gateway' | 'static';
export type GetSink = 'file' | 'pipe';

export interface AwsGetRun {
  round: number;
  target: GetTarget;
  sink: GetSink;
  seconds: number;
  mbps: number;
  clientUser: number;
  clientSys: number;
  serverCpu: number;
}

export interface AwsGetSetup {
  rounds: number;
  bytes: number;
  /** s3://b/KEY on both servers */
  key: string;
  /** HOST:PORT of each */
  gateway: string;
  static: string;
  gatewayCpu: () => number;
  /** SHA-256 (hex) the file must have; the pipe's bytes are hashed as they pass. */
  want: string;
  /** Where the file sink writes (removed after each run). */
  out: string;
  log?: (msg: string) => void;
}

function ownCpu(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
}

async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const b of createReadStream(path)) h.update(b as Buffer);
  return h.digest('hex');
}

/**
 * One `aws s3 cp s3://b/KEY DEST`, under GNU time; the bytes checked against
 * `want` afterwards. `serverCpu` is read as the client exits, before the check
 * (the static server's CPU is this process's, which then hashes the file).
 */
async function awsCp(url: string, key: string, sink: GetSink, out: string, bytes: number, want: string, cpu: () => number): Promise<{ seconds: number; user: number; sys: number; serverCpu: number }> {
  const t0 = performance.now();
  const cpu0 = cpu();
  let serverCpu = NaN;
  const { user, sys, pipeHash, piped } = await new Promise<{ user: number; sys: number; pipeHash: string; piped: number }>((resolve, reject) => {
    const args = ['-f', '%U %S', AWS, '--endpoint-url', `http://${url}`, 's3', 'cp', '--only-show-errors', `s3://b/${key}`, sink === 'file' ? out : '-'];
    const child = spawn('/usr/bin/time', args, { env: awsEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const h = createHash('sha256');
    let n = 0;
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      n += b.length;
      h.update(b);
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      serverCpu = cpu() - cpu0;
      if (code !== 0) return reject(new Error(`aws s3 cp from ${url}: exit ${code}: ${err.trim().slice(-2000)}`));
      const [u, s] = err.trim().split('\n').pop()!.split(' ').map(Number);
      resolve({ user: u!, sys: s!, pipeHash: h.digest('hex'), piped: n });
    });
  });
  const seconds = (performance.now() - t0) / 1000;
  if (sink === 'pipe' && (piped !== bytes || pipeHash !== want)) throw new Error(`aws s3 cp - from ${url} returned other bytes (${piped})`);
  if (sink === 'file') {
    const ok = (await stat(out)).size === bytes && (await fileSha256(out)) === want;
    await rm(out);
    if (!ok) throw new Error(`aws s3 cp from ${url} wrote other bytes`);
  }
  return { seconds, user, sys, serverCpu };
}

/** Every run of every round; the order of the targets flips each round. */
export async function awsGetRounds(s: AwsGetSetup): Promise<AwsGetRun[]> {
  const runs: AwsGetRun[] = [];
  const targets: { target: GetTarget; url: string; cpu: () => number }[] = [
    { target: 'gateway', url: s.gateway, cpu: s.gatewayCpu },
    { target: 'static', url: s.static, cpu: ownCpu },
  ];
  for (let round = 0; round < s.rounds; round++) {
    for (const sink of ['file', 'pipe'] as const) {
      for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
        const m = await awsCp(t.url, s.key, sink, s.out, s.bytes, s.want, t.cpu);
        // The pipe's bytes are hashed in this process as they come: not the static server's cost.
        const serverCpu = t.target === 'static' && sink === 'pipe' ? NaN : m.serverCpu;
        const run = { round, target: t.target, sink, seconds: m.seconds, mbps: s.bytes / 1e6 / m.seconds, clientUser: m.user, clientSys: m.sys, serverCpu };
        runs.push(run);
        s.log?.(`aws GET round ${round + 1} ${t.target} -> ${sink}: ${run.mbps.toFixed(0)} MB/s, client ${m.user.toFixed(2)} user + ${m.sys.toFixed(2)} sys s, server ${Number.isNaN(serverCpu) ? 'not measured' : `${serverCpu.toFixed(2)} s`}`);
      }
    }
  }
  return runs;
}

function median(xs: number[]): number {
  const v = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

export interface AwsGetSummary {
  target: GetTarget;
  sink: GetSink;
  mbps: number[];
  medianMBps: number;
  bestMBps: number;
  medianClientCpu: number;
  medianClientSys: number;
  medianServerCpu: number;
}

/** Per target and sink: every round's MB/s, the median and best, and median CPU seconds. */
export function summariseAwsGets(runs: AwsGetRun[]): AwsGetSummary[] {
  const out: AwsGetSummary[] = [];
  for (const sink of ['file', 'pipe'] as const) {
    for (const target of ['gateway', 'static'] as const) {
      const rs = runs.filter((r) => r.sink === sink && r.target === target);
      if (rs.length === 0) continue;
      out.push({
        target,
        sink,
        mbps: rs.map((r) => r.mbps),
        medianMBps: median(rs.map((r) => r.mbps)),
        bestMBps: Math.max(...rs.map((r) => r.mbps)),
        medianClientCpu: median(rs.map((r) => r.clientUser + r.clientSys)),
        medianClientSys: median(rs.map((r) => r.clientSys)),
        medianServerCpu: median(rs.map((r) => r.serverCpu)),
      });
    }
  }
  return out;
}

/**
 * The gateway's rate as a share of the ceiling's, per round (both runs of a
 * round are neighbours in time, so they met about the same load), and its median.
 */
export function ceilingRatios(runs: AwsGetRun[], sink: GetSink): { perRound: number[]; median: number } {
  const perRound: number[] = [];
  for (const r of new Set(runs.map((x) => x.round))) {
    const g = runs.find((x) => x.round === r && x.sink === sink && x.target === 'gateway');
    const st = runs.find((x) => x.round === r && x.sink === sink && x.target === 'static');
    if (g && st) perRound.push(g.mbps / st.mbps);
  }
  return { perRound, median: median(perRound) };
}
