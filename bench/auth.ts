// What auth costs per call: the real server (the build in dist/), one small
// unary read (InspectRepo) called by 16 concurrent callers from one SDK
// client, first with auth off, then with auth on (a reader's token), on the
// same server and data in the same run; the reference is auth off. Run on
// LevelDB, and on etcd (a real etcd member started here) when etcd is
// installed, since there every metadata read is a network round trip.
//
//   npm run bench -- auth [--calls N] [--concurrency C]
//
// Prints calls/s and the server's CPU ms per call for each, and the ratio
// on/off (calls/s) for each backend.
import { loadavg } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createAuthClient, createClient, type StrataClient } from '../client/sdk/index.ts';
import { etcdMissing, startEtcd } from '../test/helpers/etcd.ts';
import { startBenchServer, type BenchServer } from './lib/api-server.ts';

interface Figure {
  callsPerSecond: number;
  cpuMsPerCall: number | null;
}

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

async function measure(server: BenchServer, client: StrataClient, calls: number, concurrency: number): Promise<Figure> {
  // Warm up: connection, JIT, caches.
  for (let i = 0; i < 200; i++) await client.inspectRepo('r');
  const cpu0 = await server.cpuSeconds();
  const t0 = process.hrtime.bigint();
  let left = calls;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await client.inspectRepo('r');
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = await server.cpuSeconds();
  return { callsPerSecond: calls / seconds, cpuMsPerCall: cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) * 1000) / calls };
}

async function onBackend(name: string, args: readonly string[], calls: number, concurrency: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-bench-auth-'));
  const server = await startBenchServer(dir, { args });
  try {
    const anon = createClient({ address: server.grpcAddress });
    await anon.createRepo('r');
    const off = await measure(server, anon, calls, concurrency);
    const anonAuth = createAuthClient({ address: server.grpcAddress });
    const { rootToken } = await anonAuth.activate();
    anon.close();
    anonAuth.close();
    const rootAuth = createAuthClient({ address: server.grpcAddress, token: rootToken });
    const { token } = await rootAuth.createToken('alice');
    await rootAuth.setRole('r', 'reader', 'alice');
    rootAuth.close();
    const alice = createClient({ address: server.grpcAddress, token });
    const on = await measure(server, alice, calls, concurrency);
    alice.close();
    const cpu = (f: Figure): string => (f.cpuMsPerCall === null ? 'n/a' : `${f.cpuMsPerCall.toFixed(3)} ms`);
    console.log(`${name}: auth off ${off.callsPerSecond.toFixed(0)} calls/s (server CPU ${cpu(off)}/call); auth on ${on.callsPerSecond.toFixed(0)} calls/s (server CPU ${cpu(on)}/call)`);
    console.log(`${name}: ratio on/off ${(on.callsPerSecond / off.callsPerSecond).toFixed(2)} x calls/s` + (off.cpuMsPerCall && on.cpuMsPerCall ? `, ${(on.cpuMsPerCall / off.cpuMsPerCall).toFixed(2)} x server CPU per call` : ''));
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const calls = flag(args, '--calls', 5000);
  const concurrency = flag(args, '--concurrency', 16);
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  console.log(`auth bench: ${calls} InspectRepo calls, ${concurrency} at a time; commit ${commit}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${new Date().toISOString()}`);
  await onBackend('leveldb', [], calls, concurrency);
  const missing = etcdMissing();
  if (missing) {
    console.log(`etcd: skipped (${missing})`);
    return;
  }
  const etcd = await startEtcd();
  try {
    await onBackend('etcd', ['--meta', `${etcd.url}/bench-auth/`], calls, concurrency);
  } finally {
    await etcd.stop();
  }
  console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}
