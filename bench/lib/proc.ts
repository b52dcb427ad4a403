// Running the tools under measurement: wall time and peak RSS of a command,
// bytes on disk of a repository, and a description of the machine.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, readFile, readdir, rm } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  seconds: number;
  /** Peak resident set size of the process, KiB; null when it could not be measured. */
  maxRssKiB: number | null;
  /** User + system CPU time of the process, seconds (GNU time only; null without it). */
  cpuSeconds: number | null;
  stdout: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where GNU time writes its report. */
  timeFile?: string;
}

const GNU_TIME = '/usr/bin/time';

/** Installs GNU time when missing and we may (root); otherwise RSS comes from polling /proc. */
export function ensureGnuTime(log: (msg: string) => void): boolean {
  if (existsSync(GNU_TIME)) return true;
  if (process.getuid?.() !== 0) return false;
  log('installing GNU time (Debian package "time") to measure peak RSS');
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', 'time'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    execFileSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq time'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  return existsSync(GNU_TIME);
}

/** Runs a command to completion; fails with its stderr when it exits non-zero. */
export async function runMeasured(cmd: string, args: string[], opts: RunOptions = {}): Promise<Measured> {
  const useTime = existsSync(GNU_TIME) && opts.timeFile !== undefined;
  const argv = useTime ? [GNU_TIME, '-f', '%M %U %S', '-o', opts.timeFile!, cmd, ...args] : [cmd, ...args];
  const started = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  const hwm = useTime ? undefined : pollHighWater(child.pid);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const seconds = (performance.now() - started) / 1000;
  hwm?.stop();
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${stderr.trim()}`);
  let maxRssKiB: number | null = hwm?.value() ?? null;
  let cpuSeconds: number | null = null;
  if (useTime) {
    const report = await readFile(opts.timeFile!, 'utf8');
    const [rss, user, sys] = report.trim().split('\n').pop()!.split(' ').map(Number);
    maxRssKiB = rss!;
    cpuSeconds = Math.round((user! + sys!) * 100) / 100;
    await rm(opts.timeFile!, { force: true });
  }
  return { seconds, maxRssKiB, cpuSeconds, stdout };
}

/** Fallback without GNU time: sample VmHWM of the process until it exits (misses its last moments). */
function pollHighWater(pid: number | undefined): { stop(): void; value(): number | null } {
  let peak: number | null = null;
  const sample = async (): Promise<void> => {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    if (Number.isFinite(kib)) peak = Math.max(peak ?? 0, kib);
  };
  const timer = setInterval(() => void sample(), 20);
  return { stop: () => clearInterval(timer), value: () => peak };
}

/** Apparent size of every regular file under `path` (what `du -sb` counts, without directory entries). */
export async function dirBytes(path: string): Promise<number> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.isFile() ? info.size : 0;
  let total = 0;
  for (const name of await readdir(path)) total += await dirBytes(join(path, name));
  return total;
}

export interface MachineInfo {
  nproc: number;
  cpu: string;
  memoryGiB: number;
  kernel: string;
  node: string;
}

export async function machineInfo(): Promise<MachineInfo> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const meminfo = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const memKiB = Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? totalmem() / 1024);
  const kernel = await readFile('/proc/sys/kernel/osrelease', 'utf8').catch(() => 'unknown');
  return {
    nproc: availableParallelism(),
    cpu: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((memKiB / 1024 / 1024) * 10) / 10,
    kernel: kernel.trim(),
    node: process.version,
  };
}
