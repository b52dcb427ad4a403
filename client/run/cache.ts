// The local content cache of `strata run`: one read-only file per content
// hash (`<dir>/blobs/ab/abcdef...`), so a second run over the same data
// hard-links instead of downloading, and identical files in different
// inputs or commits are fetched once. Entries appear by rename, complete or
// not at all; two runs filling the same entry at once both end with it.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

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
    await mkdir(join(blobs, hash.slice(0, 2)), { recursive: true });
    const tmp = `${final}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await download(tmp);
      const st = await stat(tmp);
      if (st.size !== size) throw new Error(`downloaded ${st.size} bytes for a file of ${size} bytes (content ${hash})`);
      await chmod(tmp, 0o444);
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
