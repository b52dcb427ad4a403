// Strata's FUSE mount: `mountStrata` serves repos (each at a commit, or a
// branch, writable with `write`) at a directory; `flushMount` and
// `unmountDir` reach a mount served by another process through its control
// socket, falling back to fusermount for a mount whose process is gone.
//
// The FUSE binding (fuse-native) is an optional dependency: it cannot build
// everywhere (macOS arm64, Windows, linux-arm64) and `npm ci --omit=optional`
// leaves it out. So mount.ts, the only module that needs it, is loaded on
// use; flush and unmount work without it, and a missing binding is one clear
// FUSE_UNAVAILABLE error naming what to install.
import { resolve } from 'node:path';
import { StrataError } from '../../src/errors/index.ts';
import { packageDir } from '../../src/package-dir.ts';
import { askControl } from './control.ts';
import type { FlushResult, Mount, MountOptions } from './mount.ts';
import * as state from './mount-state.ts';

export type { Mount, MountOptions, FlushResult } from './mount.ts';

/** Mounts repos at a directory (see mount.ts); FUSE_UNAVAILABLE when the FUSE binding cannot load. */
export async function mountStrata(opts: MountOptions): Promise<Mount> {
  let mount: typeof import('./mount.ts');
  try {
    mount = await import('./mount.ts');
  } catch (err) {
    throw fuseUnavailable(err);
  }
  return mount.mountStrata(opts);
}

/** The binding's absence (not installed, or its native part or libfuse will not load) as one clear error; anything else as it was. */
export function fuseUnavailable(err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  const text = String(e?.message ?? err);
  // ERR_MODULE_NOT_FOUND from import(), MODULE_NOT_FOUND from require() (the CLI's CommonJS build).
  const missing = (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && text.includes("'fuse-native'");
  const broken = !missing && /fuse/i.test(text) && /No native build|cannot open shared object|dlopen|Library not loaded|was compiled against/i.test(text);
  if (!missing && !broken) return err;
  const others = 'Every other command works without it; `strata get`, `put -r` and `strata run` need no mount.';
  // fuse-native installs everywhere (its build script is not run) but ships native builds for linux-x64 and darwin-x64 only.
  if (!missing && /No native build/i.test(text)) {
    return new StrataError(
      'FUSE_UNAVAILABLE',
      `strata mount needs FUSE, but the optional package fuse-native has no native build for ${process.platform}-${process.arch} (it ships builds for linux-x64 and darwin-x64 only), so mounts are not available on this platform. ${others}`,
      { missing: 'fuse-native build', platform: `${process.platform}-${process.arch}` },
      { cause: err },
    );
  }
  const why = missing
    ? 'the optional package fuse-native is not installed (npm ci --omit=optional leaves it out, and npm skips it where it cannot build)'
    : `the FUSE binding does not load (${text.split('\n')[0]})`;
  return new StrataError(
    'FUSE_UNAVAILABLE',
    `strata mount needs FUSE, but ${why}. On Linux x64 or macOS x64: install libfuse2 and fuse3 (Debian/Ubuntu: sudo apt-get install libfuse2 fuse3), then run \`npm install fuse-native\` in ${packageDir()}. ${others}`,
    { missing: missing ? 'fuse-native' : 'libfuse' },
    { cause: err },
  );
}
export type { ResolvedRepo } from './resolve-repos.ts';
export { createFetchHeap } from './fetch-heap.ts';

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
