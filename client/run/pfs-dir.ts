// A real /pfs directory for dir mode. A run claims it by creating the marker
// `/pfs/.strata-run` (exclusively, so two runs cannot share it) holding its
// pid. A /pfs that is missing or empty is taken; one left by a run whose
// process is gone is emptied and taken; anything else is refused, since it
// is not ours to delete.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StrataError } from '../../src/errors/index.ts';

export const MARKER = '.strata-run';

export interface PfsClaim {
  root: string;
  /** The run made the directory (so release removes it). */
  created: boolean;
  /** Empties the directory (and removes it when the run made it). */
  release(): Promise<void>;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Mount points at or under `dir` (from /proc/self/mountinfo), deepest first. */
export function mountsUnder(dir: string): string[] {
  let info = '';
  try {
    info = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const points = info
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p): p is string => p !== undefined && (p === dir || p.startsWith(`${dir}/`)));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Lazily detaches what a killed run left mounted under `dir` (its FUSE inputs), so the tree can be removed. */
export function detachMountsUnder(dir: string): void {
  for (const point of mountsUnder(dir)) {
    if (spawnSync('fusermount', ['-uz', point], { stdio: 'ignore' }).status === 0) continue;
    if (spawnSync('fusermount3', ['-uz', point], { stdio: 'ignore' }).status === 0) continue;
    spawnSync('umount', ['-l', point], { stdio: 'ignore' });
  }
}

/** Makes everything under `dir` writable again, then deletes it (inputs are a-w). */
export async function removeTree(dir: string): Promise<void> {
  detachMountsUnder(dir);
  const walk = async (d: string): Promise<void> => {
    await chmod(d, 0o755).catch(() => undefined);
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) if (e.isDirectory()) await walk(join(d, e.name));
  };
  await walk(dir);
  await rm(dir, { recursive: true, force: true });
}

async function emptyDir(root: string): Promise<void> {
  for (const name of await readdir(root)) if (name !== MARKER) await removeTree(join(root, name));
}

function notUsable(root: string, err: NodeJS.ErrnoException): StrataError {
  return new StrataError('PERMISSION_DENIED', `cannot use ${root} for the run (${err.code ?? err.message}); run as root, or use --isolation bwrap`, { path: root }, { cause: err });
}

export async function claimPfs(root = '/pfs'): Promise<PfsClaim> {
  let created = false;
  await mkdir(root, { mode: 0o755 }).then(
    () => (created = true),
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') return;
      throw notUsable(root, err);
    },
  );
  const marker = join(root, MARKER);
  const entries = await readdir(root).catch((err: NodeJS.ErrnoException) => {
    throw notUsable(root, err);
  });
  if (entries.includes(MARKER)) {
    const owner = JSON.parse(await readFile(marker, 'utf8').catch(() => '{}')) as { pid?: number; host?: string; created?: boolean };
    if (owner.pid !== undefined && owner.host === hostname() && isAlive(owner.pid)) {
      throw new StrataError('FAILED_PRECONDITION', `${root} is in use by another strata run (pid ${owner.pid}); wait for it, or use --isolation bwrap`, { path: root, pid: owner.pid });
    }
    await emptyDir(root); // left by a run that is gone
    await rm(marker, { force: true });
    created ||= owner.created === true; // a run made it: it goes when this one ends
  } else if (entries.length > 0) {
    throw new StrataError('FAILED_PRECONDITION', `${root} exists and is not empty, and no strata run made it (it has ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); move it away, or use --isolation bwrap`, { path: root });
  }
  await writeFile(marker, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString(), created }), { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw new StrataError('FAILED_PRECONDITION', `${root} was just claimed by another strata run; wait for it, or use --isolation bwrap`, { path: root });
    throw notUsable(root, err);
  });
  return {
    root,
    created,
    async release() {
      await emptyDir(root);
      await rm(marker, { force: true });
      if (created) await rmdir(root).catch(() => undefined);
    },
  };
}
