// Strata's FUSE mount: `mountStrata` serves repos (each at a commit, or a
// branch, writable with `write`) at a directory; `flushMount` and
// `unmountDir` reach a mount served by another process through its control
// socket, falling back to fusermount for a mount whose process is gone.
import { resolve } from 'node:path';
import { StrataError } from '../../src/errors/index.ts';
import { askControl } from './control.ts';
import type { FlushResult } from './mount.ts';
import * as state from './mount-state.ts';

export { mountStrata, type Mount, type MountOptions, type FlushResult } from './mount.ts';
export type { ResolvedRepo } from './resolve-repos.ts';

/** Asks the process serving `dir` to commit its staged changes; resolves when it has. */
export async function flushMount(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<FlushResult[]> {
  const abs = resolve(dir);
  const answer = await askControl(state.statePaths(abs, env).socket, { op: 'flush' });
  if (answer === undefined) throw new StrataError('FAILED_PRECONDITION', `no strata mount is serving ${abs}`, { dir: abs });
  return answer as FlushResult[];
}

/**
 * Unmounts `dir`: the serving process flushes and unmounts; with no process
 * (killed), the stale mount is lazily unmounted. `how` says which happened.
 */
export async function unmountDir(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<{ how: 'process' | 'fusermount'; results: FlushResult[] }> {
  const abs = resolve(dir);
  const paths = state.statePaths(abs, env);
  const answer = await askControl(paths.socket, { op: 'unmount' });
  if (answer !== undefined) return { how: 'process', results: answer as FlushResult[] };
  if (!(await state.mountedType(abs))) throw new StrataError('NOT_FOUND', `${abs} is not mounted`, { dir: abs });
  const stale = await state.isStale(abs);
  try {
    await state.fusermountUnmount(abs, { lazy: stale });
  } catch (err) {
    throw new StrataError('FAILED_PRECONDITION', `cannot unmount ${abs}: ${err instanceof Error ? err.message : String(err)}`, { dir: abs }, { cause: err });
  }
  await state.removeRecord(paths);
  return { how: 'fusermount', results: [] };
}
