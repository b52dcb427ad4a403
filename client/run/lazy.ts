// Lazy inputs: a whole-commit input (`NAME=REF:/`) is served at
// <pfsDir>/<name> by a read-only FUSE mount of the pinned commit
// (client/mount), so the command fetches only what it reads, chunk by chunk,
// through the mount's on-disk chunk cache. This process serves the mounts
// while the command runs and unmounts them afterwards.
//
// A narrower glob cannot be served this way yet (the mount shows the whole
// commit; a glob must hide the files it does not select), so such inputs are
// materialized eagerly, as is every input when FUSE is unavailable
// (no /dev/fuse, or the binding does not load); `reason` says why.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StrataClient } from '../sdk/index.ts';
import type { ListedInput } from './inputs.ts';

/** The mounts' chunk cache, as `strata mount`'s default. */
export const LAZY_CACHE_BYTES = 2 * 1024 ** 3; // 2 GiB (2 << 30 overflows to a negative 32-bit number)

export interface LazyInputs {
  /** Names of the inputs served by a mount. */
  mounted: string[];
  /** Why the other inputs are not. */
  reasons: string[];
  unmount(): Promise<void>;
}

interface MountHandle {
  dir: string;
  unmount(o?: { flush?: boolean }): Promise<unknown>;
}

/** Detaches a mount whose unmount failed (busy: a process the command left behind still uses it). */
function detach(dir: string): void {
  for (const bin of ['fusermount', 'fusermount3']) if (spawnSync(bin, ['-uz', dir], { stdio: 'ignore' }).status === 0) return;
}

export async function mountLazyInputs(client: StrataClient, inputs: ListedInput[], pfsDir: string, cacheDir: string, env: NodeJS.ProcessEnv): Promise<LazyInputs> {
  const reasons: string[] = [];
  const mounts: MountHandle[] = [];
  const unmount = async (): Promise<void> => {
    for (const m of mounts.splice(0)) await m.unmount({ flush: false }).catch(() => detach(m.dir));
  };
  const whole = inputs.filter((i) => i.glob === '/');
  for (const i of inputs) if (i.glob !== '/') reasons.push(`${i.name}: glob ${i.glob} is fetched eagerly (lazy inputs are whole commits, :/)`);
  if (whole.length === 0) return { mounted: [], reasons, unmount };
  if (!existsSync('/dev/fuse')) return { mounted: [], reasons: [...reasons, 'no /dev/fuse: every input is fetched eagerly'], unmount };
  let mountStrata: (o: Record<string, unknown>) => Promise<MountHandle>;
  try {
    ({ mountStrata } = (await import('../mount/index.ts')) as unknown as { mountStrata: typeof mountStrata });
  } catch (err) {
    return { mounted: [], reasons: [...reasons, `FUSE is unavailable (${err instanceof Error ? err.message : String(err)}): every input is fetched eagerly`], unmount };
  }
  try {
    for (const i of whole) {
      mounts.push(await mountStrata({ client, dir: join(pfsDir, i.name), refs: [`${i.repo}@${i.commit}`], cacheDir: join(cacheDir, 'chunks'), cacheBytes: LAZY_CACHE_BYTES, env }));
    }
  } catch (err) {
    await unmount();
    return { mounted: [], reasons: [...reasons, `cannot mount with FUSE (${err instanceof Error ? err.message : String(err)}): every input is fetched eagerly`], unmount };
  }
  return { mounted: whole.map((i) => i.name), reasons, unmount };
}
