// Where a mount keeps its run-time state, and what the system says about a
// mount point: each mounted DIR has a state directory (its control socket,
// a record of the process serving it, and the scratch files of a writable
// mount) named after the DIR, so `strata mount --flush DIR`, `strata
// unmount DIR` and the next mount of DIR find it. A mount whose process was
// killed leaves the kernel's mount behind ("Transport endpoint is not
// connected"); it is found here and lazily unmounted before mounting again.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface MountRecord {
  pid: number;
  dir: string;
  repos: { repo: string; commit: string | null; branch?: string; writable: boolean }[];
  startedAtMs: number;
}

export interface StatePaths {
  dir: string;
  socket: string;
  record: string;
  scratch: string;
}

/** The state directory of the mount at `mountDir` (an absolute path). */
export function statePaths(mountDir: string, env: NodeJS.ProcessEnv = process.env): StatePaths {
  const root = join(env.STRATA_RUNTIME_DIR || env.XDG_RUNTIME_DIR || tmpdir(), 'strata-mounts');
  const dir = join(root, createHash('sha256').update(mountDir).digest('hex').slice(0, 16));
  return { dir, socket: join(dir, 'control.sock'), record: join(dir, 'mount.json'), scratch: join(dir, 'scratch') };
}

export async function readRecord(paths: StatePaths): Promise<MountRecord | undefined> {
  try {
    return JSON.parse(await readFile(paths.record, 'utf8')) as MountRecord;
  } catch {
    return undefined;
  }
}

export async function writeRecord(paths: StatePaths, record: MountRecord): Promise<void> {
  await mkdir(paths.dir, { recursive: true });
  await writeFile(paths.record, `${JSON.stringify(record, null, 2)}\n`);
}

export async function removeRecord(paths: StatePaths): Promise<void> {
  await rm(paths.record, { force: true });
  await rm(paths.socket, { force: true });
}

/** Whether the process runs (a zombie, killed but not yet reaped, does not). */
export async function processAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // The state follows the parenthesised command name: `pid (comm) S ...`.
  return stat === undefined || stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** Undoes the octal escapes of /proc/self/mountinfo (`\040` is a space). */
function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** The file-system type mounted at `dir` (e.g. `fuse.strata`), or undefined when nothing is. */
export async function mountedType(dir: string): Promise<string | undefined> {
  const text = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  let found: string | undefined;
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 10 || unescapeMountPath(fields[4]!) !== dir) continue;
    const dash = fields.indexOf('-', 6);
    found = dash > 0 ? fields[dash + 1] : 'unknown'; // the last one mounted there is on top
  }
  return found;
}

/** Whether `dir` is a mount whose serving process is gone (stat fails with ENOTCONN). */
export async function isStale(dir: string): Promise<boolean> {
  try {
    await stat(dir);
    return false;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOTCONN' || code === 'ECONNABORTED';
  }
}

/** fusermount -u (lazily with `lazy`: detached now, gone when no longer busy); fusermount3 where fusermount is missing. */
export async function fusermountUnmount(dir: string, opts: { lazy?: boolean } = {}): Promise<void> {
  const args = [opts.lazy ? '-uz' : '-u', dir];
  try {
    await run('fusermount', args);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fusermountError(err);
    try {
      await run('fusermount3', args);
    } catch (err3) {
      throw fusermountError(err3);
    }
  }
}

function fusermountError(err: unknown): Error {
  const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
  return new Error(stderr || (err instanceof Error ? err.message : String(err)), { cause: err });
}
