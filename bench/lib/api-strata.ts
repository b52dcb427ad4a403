// Strata's side of the API benchmark: one server, and the CLI doing what a
// user does, step by step — put (a), get it back, put (b) over it, put the
// tree (c), re-put (c) unchanged — with the server's RSS sampled throughout.
// Under `profileDir` every step gets a server of its own (same data
// directory) so each step's server profile stands alone.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createBenchCli, type Cli, type PutStats } from './api-cli.ts';
import { startBenchServer, type BenchServer, type MemoryBreakdown } from './api-server.ts';
import { startWireCounter, type WireCounter } from './api-wire.ts';
import type { Dataset } from './dataset.ts';

export const STEPS = ['startup', 'put-a', 'get-a', 'put-b', 'put-c', 'reput-c', 'reput-c-wire'] as const;
export type StepName = (typeof STEPS)[number];

export interface StepResult {
  seconds: number;
  cliMaxRssKiB: number | null;
  /** CPU time (user + system) the CLI and the server spent on the step: what it costs, whatever else the machine does. */
  cliCpuSeconds: number | null;
  serverCpuSeconds?: number | null;
  /** put: what the CLI reports (chunk and file bytes sent). */
  stats?: PutStats;
  /** Through the counting relay: every byte each way. */
  wire?: { up: number; down: number };
  /** get: the file read back has (a)'s SHA-256. */
  sha256Ok?: boolean;
}

export interface StrataSample {
  steps: Partial<Record<StepName, StepResult>>;
  /** 1-minute load average as each step started. */
  loadAverages: Partial<Record<StepName, number>>;
  server: {
    peakRssKiB: number;
    hwmKiB: number | null;
    peakByStepKiB: Record<string, number>;
    rssSamples: number;
    idleRssKiB: number;
    /** The server's own account (/metrics) as each step ended: what the RSS is made of. */
    memoryAfterStep: Partial<Record<StepName, MemoryBreakdown>>;
  };
}

interface Live {
  server: BenchServer;
  cli: Cli;
  wire: WireCounter;
}

const REPO = 'bench';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function put(live: Live, dest: string, local: string, opts: { recursive?: boolean; wire?: boolean } = {}): Promise<StepResult> {
  live.wire.reset();
  const args = ['put', ...(opts.recursive ? ['-r'] : []), `${REPO}@main:${dest}`, local];
  const r = await live.cli.run<{ stats: PutStats }>(args, opts.wire ? { address: live.wire.address } : {});
  return { seconds: r.seconds, cliMaxRssKiB: r.maxRssKiB, cliCpuSeconds: r.cpuSeconds, stats: r.out.stats, ...(opts.wire ? { wire: live.wire.bytes() } : {}) };
}

function stepsFor(data: Dataset, work: string, aSha256: string): Record<StepName, (live: Live) => Promise<StepResult>> {
  const path = (rel: string): string => join(data.dir, rel);
  return {
    // Creating the repo also shows what a CLI command costs before any data moves.
    startup: async ({ cli }) => {
      const r = await cli.run(['repo', 'create', REPO]);
      return { seconds: r.seconds, cliMaxRssKiB: r.maxRssKiB, cliCpuSeconds: r.cpuSeconds };
    },
    'put-a': (live) => put(live, '/a.bin', path(data.a)),
    'get-a': async ({ cli }) => {
      const out = join(work, 'get-a.bin');
      const r = await cli.run(['get', `${REPO}@main:/a.bin`, '-o', out]);
      const sha256Ok = (await sha256File(out)) === aSha256;
      await rm(out, { force: true });
      return { seconds: r.seconds, cliMaxRssKiB: r.maxRssKiB, cliCpuSeconds: r.cpuSeconds, sha256Ok };
    },
    // (b) is a new version of the same file; it sends little, so the relay costs it nothing worth noting.
    'put-b': (live) => put(live, '/a.bin', path(data.b), { wire: true }),
    'put-c': (live) => put(live, '/c', path(data.c), { recursive: true }),
    'reput-c': (live) => put(live, '/c', path(data.c), { recursive: true }),
    // A second unchanged re-put, through the relay, for the bytes on the wire (the timed one above goes direct).
    'reput-c-wire': (live) => put(live, '/c', path(data.c), { recursive: true, wire: true }),
  };
}

async function goLive(dataDir: string, work: string, cpuProfDir?: string): Promise<Live> {
  const server = await startBenchServer(dataDir, { cpuProfDir });
  const wire = await startWireCounter(server.grpcAddress);
  return { server, wire, cli: createBenchCli(server.grpcAddress, work) };
}

async function goDown(live: Live): Promise<void> {
  await live.wire.close();
  await live.server.stop();
}

/**
 * Runs every step against a fresh data directory under `work`. With
 * `profileDir`, the server and the CLI run under --cpu-prof: the server's
 * profiles of step S land in profileDir/server-S, the CLI's in profileDir/cli-S.
 */
export async function runStrata(data: Dataset, work: string, aSha256: string, log: (msg: string) => void, profileDir?: string): Promise<StrataSample> {
  const dataDir = join(work, 'strata-data');
  const steps = stepsFor(data, work, aSha256);
  const profOf = async (who: string, step: StepName): Promise<string | undefined> => {
    if (profileDir === undefined) return undefined;
    const dir = join(profileDir, `${who}-${step}`);
    await mkdir(dir, { recursive: true });
    return dir;
  };
  let live = await goLive(dataDir, work, await profOf('server', STEPS[0]));
  const sample: StrataSample = { steps: {}, loadAverages: {}, server: { peakRssKiB: 0, hwmKiB: null, peakByStepKiB: {}, rssSamples: 0, idleRssKiB: 0, memoryAfterStep: {} } };
  try {
    await new Promise((r) => setTimeout(r, 500));
    sample.server.idleRssKiB = live.server.rss.peakKiB();
    // Profiled, the wire-counting re-put would only repeat the re-put.
    for (const [i, name] of STEPS.filter((x) => profileDir === undefined || x !== 'reput-c-wire').entries()) {
      if (profileDir !== undefined && i > 0) {
        await goDown(live);
        live = await goLive(dataDir, work, await profOf('server', name));
      }
      log(`Strata: ${name}${profileDir ? ' (profiled)' : ''}`);
      sample.loadAverages[name] = Math.round(loadavg()[0]! * 100) / 100;
      live.server.rss.step(name);
      const cpuProfDir = await profOf('cli', name);
      const cpuBefore = await live.server.cpuSeconds();
      const result = await (cpuProfDir === undefined ? steps[name](live) : withCliProfile(live, cpuProfDir, steps[name]));
      const cpuAfter = await live.server.cpuSeconds();
      result.serverCpuSeconds = cpuBefore === null || cpuAfter === null ? null : Math.round((cpuAfter - cpuBefore) * 100) / 100;
      sample.steps[name] = result;
      const memory = await live.server.memory();
      if (memory) sample.server.memoryAfterStep[name] = memory;
    }
    // Sampled before the stop: shutdown flushes, and that is part of "throughout" too, so sample it as a step.
    live.server.rss.step('shutdown');
    sample.server.hwmKiB = await live.server.hwmKiB();
  } finally {
    await goDown(live);
  }
  sample.server.peakRssKiB = live.server.rss.peakKiB();
  sample.server.peakByStepKiB = live.server.rss.peakByStep();
  sample.server.rssSamples = live.server.rss.samples();
  await rm(dataDir, { recursive: true, force: true });
  return sample;
}

/** The same step with every CLI run of it under --cpu-prof. */
function withCliProfile(live: Live, cpuProfDir: string, step: (live: Live) => Promise<StepResult>): Promise<StepResult> {
  const cli: Cli = { run: (args, opts = {}) => live.cli.run(args, { ...opts, cpuProfDir }) };
  return step({ ...live, cli });
}
