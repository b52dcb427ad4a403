// Real FUSE mounts for end-to-end tests: whether this machine can mount
// (/dev/fuse, libfuse2 under fuse-native, fusermount), and `strata mount`
// run as a user runs it, in a child process, waited on until it reports the
// mount ready. In CI a machine that cannot mount fails the tests instead of
// skipping them: CI is where FUSE is promised.
import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Cli } from './cli.ts';

const run = promisify(execFile);

export interface FuseSupport {
  ok: boolean;
  /** Why mounts cannot be tested here. */
  reason?: string;
}

function onPath(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function fuseSupport(): Promise<FuseSupport> {
  if (!existsSync('/dev/fuse')) return { ok: false, reason: '/dev/fuse does not exist (no FUSE device on this machine or container)' };
  try {
    await import('fuse-native');
  } catch (err) {
    return { ok: false, reason: `fuse-native does not load (is libfuse2 installed? run scripts/install-system-deps.sh): ${(err as Error).message}` };
  }
  if (!onPath('fusermount') && !onPath('fusermount3')) return { ok: false, reason: 'neither fusermount nor fusermount3 is on PATH (install fuse3)' };
  return { ok: true };
}

/** Whether a command-line tool the tests can use is installed. */
export function hasTool(cmd: string): boolean {
  return onPath(cmd);
}

export interface MountProcess {
  child: ChildProcess;
  dir: string;
  /** The `mounted` event: repos with their commits. */
  mounted: { dir: string; pid: number; repos: { repo: string; commit: string | null; writable: boolean }[] };
  /** Every stderr line so far. */
  stderr: string[];
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `strata --json mount ...args` and waits until the mount is ready. */
export async function startMount(cli: Cli, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<MountProcess> {
  const child = cli.spawn(['--json', 'mount', ...args], { env: opts.env });
  child.stdin!.end();
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const mounted = await new Promise<MountProcess['mounted']>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mount not ready after ${opts.timeoutMs ?? 30_000} ms: ${stderr.join('\n')}`)), opts.timeoutMs ?? 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const event = JSON.parse(line) as { event?: string };
        if (event.event === 'mounted') (clearTimeout(timer), resolve(event as MountProcess['mounted']));
      } catch {
        // not JSON: ignore
      }
    });
    void exited.then((e) => (clearTimeout(timer), reject(new Error(`strata mount exited (${e.code ?? e.signal}) before mounting: ${stderr.join('\n')}`))));
  });
  return { child, dir: mounted.dir, mounted, stderr, exited };
}

/** Whether anything is mounted at `dir` (from /proc/self/mountinfo). */
export async function isMounted(dir: string): Promise<boolean> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text.split('\n').some((l) => l.split(' ')[4] === dir);
}

/** Test cleanup: stops the process if still running and lazily unmounts whatever is left at `dir`. */
export async function forceUnmount(m: MountProcess | undefined, dir: string): Promise<void> {
  if (m && m.child.exitCode === null && m.child.signalCode === null) {
    m.child.kill('SIGKILL');
    await m.exited;
  }
  if (await isMounted(dir)) await run('fusermount', ['-uz', dir]).catch(() => run('fusermount3', ['-uz', dir]).catch(() => undefined));
}

/** Runs a shell command line (the tools people use on a mount), resolving with stdout. */
export async function sh(script: string, opts: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  const { stdout } = await run('sh', ['-c', script], { cwd: opts.cwd, timeout: opts.timeoutMs ?? 30_000, maxBuffer: 64 << 20, encoding: 'utf8' });
  return stdout;
}
