// The API benchmark's Strata server: the real process started as a user
// starts it (`strata server`, the built dist/, on free loopback ports, bound
// addresses read from its ready line), optionally under --cpu-prof, with its
// resident memory sampled from /proc the whole time it runs.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './api-cli.ts';

const READY_TIMEOUT_MS = 600_000; // a server opening a 1,000,000-chunk store on a loaded machine takes minutes
const STOP_TIMEOUT_MS = 60_000;

export interface RssSampler {
  /** Names the step now running: each step's peak is kept apart. */
  step(name: string): void;
  /** Largest VmRSS seen by polling, KiB. */
  peakKiB(): number;
  peakByStep(): Record<string, number>;
  samples(): number;
  stop(): void;
}

/** Polls VmRSS of `pid` every `everyMs` (a peak between two polls is caught by VmHWM, read at stop). */
export function sampleRss(pid: number, everyMs = 100): RssSampler {
  let current = 'start';
  let peak = 0;
  let count = 0;
  const byStep: Record<string, number> = {};
  const timer = setInterval(() => {
    void readFile(`/proc/${pid}/status`, 'utf8').then(
      (status) => {
        const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
        if (!Number.isFinite(kib)) return;
        count++;
        peak = Math.max(peak, kib);
        byStep[current] = Math.max(byStep[current] ?? 0, kib);
      },
      () => undefined, // exited
    );
  }, everyMs);
  return {
    step: (name) => void (current = name),
    peakKiB: () => peak,
    peakByStep: () => ({ ...byStep }),
    samples: () => count,
    stop: () => clearInterval(timer),
  };
}

export interface BenchServer {
  grpcAddress: string;
  /** host:port of the HTTP port (health, metrics, console). */
  httpAddress: string;
  pid: number;
  rss: RssSampler;
  /** The kernel's high-water mark of the process's RSS so far, KiB. */
  hwmKiB(): Promise<number | null>;
  /** User + system CPU time of the process so far, seconds (all its threads). */
  cpuSeconds(): Promise<number | null>;
  /** Where the memory is now, from the server's own /metrics. */
  memory(): Promise<MemoryBreakdown | null>;
  /** SIGTERM, then waits for a clean exit (a profile is written on exit); fails if it did not exit 0. */
  stop(): Promise<void>;
}

export async function startBenchServer(dataDir: string, opts: { cpuProfDir?: string; args?: readonly string[] } = {}): Promise<BenchServer> {
  const prof = opts.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`];
  const args = [...prof, 'bin/strata.js', 'server', '--data', dataDir, '--grpc', '127.0.0.1:0', '--http', '127.0.0.1:0', '--s3', '127.0.0.1:0', '--log-level', 'warn', ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const rss = sampleRss(child.pid!);
  const logs: string[] = [];
  const keep = (line: string): void => void (logs.push(line) > 50 && logs.shift());
  createInterface({ input: child.stderr! }).on('line', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<{ grpc: string; http: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Strata server not ready after ${READY_TIMEOUT_MS} ms:\n${logs.join('\n')}`)), READY_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      const rec = parseJson(line);
      if (rec?.msg === 'strata server ready') (clearTimeout(timer), resolve({ grpc: String(rec.grpc), http: String(rec.http) }));
    });
    void exited.then((code) => (clearTimeout(timer), reject(new Error(`Strata server exited (${code}) before ready:\n${logs.join('\n')}`))));
  });
  const { grpc: grpcAddress, http } = await ready.catch((err: unknown) => {
    rss.stop();
    child.kill('SIGKILL');
    throw err;
  });
  return {
    grpcAddress,
    httpAddress: http,
    pid: child.pid!,
    rss,
    async hwmKiB() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
      const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
      return Number.isFinite(kib) ? kib : null;
    },
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    memory: () => memoryOf(http),
    async stop() {
      await stopChild(child, exited);
      rss.stop();
      const code = await exited;
      if (code !== 0) throw new Error(`Strata server exited with ${code} on SIGTERM:\n${logs.join('\n')}`);
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** MiB: RSS, the V8 heap (used of allocated) and memory outside it (Buffers, ArrayBuffers). */
export interface MemoryBreakdown {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

async function memoryOf(http: string): Promise<MemoryBreakdown | null> {
  const text = await fetch(`http://${http}/metrics`).then((r) => r.text(), () => '');
  const metric = (name: string): number => Math.round(Number(new RegExp(`^strata_${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20);
  const m = { rss: metric('process_resident_memory_bytes'), heapUsed: metric('nodejs_heap_size_used_bytes'), heapTotal: metric('nodejs_heap_size_total_bytes'), external: metric('nodejs_external_memory_bytes') };
  return Object.values(m).every(Number.isFinite) ? m : null;
}

let ticksPerSecond: number | undefined;

async function cpuSecondsOf(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return Number.isFinite(ticks) ? ticks / ticksPerSecond : null;
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
