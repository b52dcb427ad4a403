// Where a run's /pfs lives on the host. Namespace modes (bwrap, unshare)
// use a work directory under the cache dir, `work/<run id>/pfs`, bound at
// /pfs for the command; dir mode uses the real /pfs (pfs-dir.ts). A work
// directory records its owner, so one left by a killed run (with its FUSE
// mounts) is cleaned up by the next run.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { IsolationPlan } from './isolation.ts';
import { claimPfs, isAlive, removeTree, type PfsClaim } from './pfs-dir.ts';

export interface Workspace {
  /** The directory the command sees as /pfs. */
  pfsDir: string;
  claim?: PfsClaim;
  /** The work dir to remove (namespace modes). */
  workDir?: string;
}

const OWNER = 'owner.json';

/** Removes the work dirs of runs whose process is gone. */
export async function sweepWorkDirs(cacheDir: string): Promise<void> {
  const root = join(cacheDir, 'work');
  for (const id of await readdir(root).catch(() => [] as string[])) {
    const owner = JSON.parse(await readFile(join(root, id, OWNER), 'utf8').catch(() => '{}')) as { pid?: number; host?: string; kept?: boolean };
    if (owner.kept || owner.host !== hostname() || (owner.pid !== undefined && isAlive(owner.pid))) continue;
    await removeTree(join(root, id)).catch(() => undefined); // best effort: the next run tries again
  }
}

export async function prepareWorkspace(plan: IsolationPlan, cacheDir: string, id: string): Promise<Workspace> {
  if (plan.mode === 'dir') {
    const claim = await claimPfs('/pfs');
    return { pfsDir: claim.root, claim };
  }
  if (plan.mode === 'unshare') {
    // The mount point on the host; left in place (see isolation.ts).
    await mkdir('/pfs', { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  await sweepWorkDirs(cacheDir);
  const workDir = join(cacheDir, 'work', id);
  const pfsDir = join(workDir, 'pfs');
  await mkdir(pfsDir, { recursive: true });
  await writeFile(join(workDir, OWNER), JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() }));
  return { pfsDir, workDir };
}

/** Removes the workspace, or with `keep` leaves it (a kept work dir is never swept; remove it yourself). */
export async function cleanUp(ws: Workspace, keep: boolean): Promise<void> {
  if (keep) {
    if (ws.workDir) await writeFile(join(ws.workDir, OWNER), JSON.stringify({ kept: true, host: hostname() }));
    return;
  }
  if (ws.claim) await ws.claim.release();
  else if (ws.workDir) await removeTree(ws.workDir);
}
