// The local content cache of `strata run`: one read-only file per content
// hash (`<dir>/blobs/ab/abcdef...`), so a second run over the same data
// hard-links instead of downloading, and identical files in different
// inputs or commits are fetched once. Entries appear by rename, complete or
// not at all; two runs filling the same entry at once both end with it.
// Only its owner may read it (directories 0700, entries 0400, as the
// mount's chunk cache): the entries are repo bytes the user's token was
// allowed to read, which other local users may not be (docs/security.md).
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StrataError } from '../../src/errors/index.ts';

export interface BlobCache {
  readonly dir: string;
  /** The entry's path (it may not exist). */
  pathOf(hash: string): string;
  /** True when a complete entry of this size is present. */
  has(hash: string, size: number): Promise<boolean>;
  /**
   * Makes sure the entry exists, calling `download(tmpPath)` to write it when
   * missing; concurrent calls for one hash share one download. Resolves with
   * whether this call downloaded.
   */
  ensure(hash: string, size: number, download: (tmpPath: string) => Promise<void>): Promise<boolean>;
}

const HASH = /^[0-9a-f]{16,128}$/;

/** Directories of the cache: its owner only. */
export const CACHE_DIR_MODE = 0o700;
/**
 * Entries: its owner, read only. Not 0600: entries are hard-linked into /pfs,
 * and a writable link would let a command change the cache for later runs.
 */
export const CACHE_FILE_MODE = 0o400;

/**
 * Makes the cache directory (and its work/ directory) if missing, and
 * closes an existing one to other users (one made by an older strata with
 * the default 0755). A directory owned by someone else is refused: its
 * owner could read what this run fetches.
 */
export async function openCacheDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: CACHE_DIR_MODE });
  const st = await stat(dir);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new StrataError('FAILED_PRECONDITION', `the run cache directory ${dir} belongs to uid ${st.uid}, not to this user (uid ${uid}); set --cache-dir or STRATA_CACHE_DIR to a directory of your own`, { dir });
  }
  if ((st.mode & 0o777) !== CACHE_DIR_MODE) await chmod(dir, CACHE_DIR_MODE);
  await mkdir(join(dir, 'work'), { mode: CACHE_DIR_MODE }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  await chmod(join(dir, 'work'), CACHE_DIR_MODE);
}

export function createBlobCache(dir: string): BlobCache {
  const blobs = join(dir, 'blobs');
  const inFlight = new Map<string, Promise<boolean>>();
  const pathOf = (hash: string): string => {
    if (!HASH.test(hash)) throw new Error(`not a content hash: "${hash}"`);
    return join(blobs, hash.slice(0, 2), hash);
  };
  const has = async (hash: string, size: number): Promise<boolean> => {
    const st = await stat(pathOf(hash)).catch(() => undefined);
    // A size that does not match is a damaged entry: fetch it again.
    return st !== undefined && st.isFile() && st.size === size;
  };
  const fill = async (hash: string, size: number, download: (tmp: string) => Promise<void>): Promise<boolean> => {
    if (await has(hash, size)) return false;
    const final = pathOf(hash);
    await mkdir(join(blobs, hash.slice(0, 2)), { recursive: true, mode: CACHE_DIR_MODE });
    const tmp = `${final}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await download(tmp);
      const st = await stat(tmp);
      if (st.size !== size) throw new Error(`downloaded ${st.size} bytes for a file of ${size} bytes (content ${hash})`);
      await chmod(tmp, CACHE_FILE_MODE);
      await rename(tmp, final);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return true;
  };
  return {
    dir,
    pathOf,
    has,
    ensure(hash, size, download) {
      let p = inFlight.get(hash);
      if (!p) {
        p = fill(hash, size, download).finally(() => inFlight.delete(hash));
        inFlight.set(hash, p);
        return p;
      }
      return p.then(() => false); // another call of this run fetched it
    },
  };
}
