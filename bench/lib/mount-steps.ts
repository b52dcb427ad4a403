// The mount benchmark's moving parts: a `strata mount` child process run as a
// user runs it (waited on until its `mounted` JSON event), shell pipelines
// timed as a whole (the tools people use on a mount: cat, find, xargs, dd),
// and the 1-minute load average, since the machine is shared.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { REPO_ROOT } from './api-cli.ts';

const BIN = join(REPO_ROOT, 'bin/strata.js');
const MOUNT_READY_MS = 120_000;

export interface MountChild {
  dir: string;
  child: ChildProcess;
  stderr: string[];
  exited: Promise<number | null>;
}

/** Starts `strata --json mount ...args` against `address` and waits for its `mounted` event. */
export async function startMount(address: string, env: NodeJS.ProcessEnv, args: string[]): Promise<MountChild> {
  const child = spawn(process.execPath, [BIN, '--address', address, '--json', 'mount', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => void (stderr.push(l) > 50 && stderr.shift()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const dir = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mount not ready after ${MOUNT_READY_MS} ms: ${stderr.join(' / ')}`)), MOUNT_READY_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = parseJson(line);
      if (event?.event === 'mounted') (clearTimeout(timer), resolve(String(event.dir)));
    });
    void exited.then((code) => (clearTimeout(timer), reject(new Error(`strata mount exited (${code}) before mounting: ${stderr.join(' / ')}`))));
  });
  return { dir, child, stderr, exited };
}

/** `strata unmount DIR`, then waits for the mount process; SIGKILL and `fusermount -uz` if it will not go. */
export async function stopMount(m: MountChild, address: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (m.child.exitCode !== null) return;
  await shell(`node ${JSON.stringify(BIN)} --address ${address} --quiet unmount ${JSON.stringify(m.dir)}`, env).catch(() => undefined);
  const timer = setTimeout(() => m.child.kill('SIGKILL'), 60_000);
  await m.exited;
  clearTimeout(timer);
  await shell(`mountpoint -q ${JSON.stringify(m.dir)} && fusermount -uz ${JSON.stringify(m.dir)} || true`, env).catch(() => undefined);
}

/** Runs a shell pipeline to completion, timed from spawn to exit; fails with its stderr on a non-zero exit. */
export async function shell(script: string, env: NodeJS.ProcessEnv = process.env): Promise<{ seconds: number; stdout: string }> {
  const started = performance.now();
  const child = spawn('sh', ['-c', script], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-64_000)));
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  const code = await new Promise<number | null>((resolve, reject) => (child.on('error', reject), child.on('close', resolve)));
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`sh -c '${script}' exited with ${code}: ${stderr.trim()}`);
  return { seconds, stdout };
}

/** Shell-quotes one argument. */
export const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The strata CLI as a shell command line (for timing it as a whole, start-up included). */
export const strataCmd = (address: string, args: string[]): string => [process.execPath, BIN, '--address', address, '--quiet', ...args].map(q).join(' ');

export async function loadAverage(): Promise<number> {
  const text = await readFile('/proc/loadavg', 'utf8').catch(() => '');
  return Number(text.split(' ')[0] ?? NaN);
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
