// Keeps a chunk index in step with a block store that other processes
// write too (several servers on one bucket): packs they uploaded are read
// from their trailers and indexed; packs their GC deleted are forgotten.
// Only the pack listing and the trailers of new packs are read, and, once
// a known pack is gone, those of packs holding second copies (Shadows).
import pLimit from 'p-limit';
import { isStrataError } from '../errors/index.ts';
import type { BlockStore } from './block-store.ts';
import { addCopy, type ChunkIndex, type PackRef, type Shadows } from './chunk-index.ts';
import { readPackEntries } from './chunk-index-io.ts';
import { packNameFromKey } from './pack-format.ts';

const CONCURRENCY = 16;

/**
 * Returns how many packs were added and dropped. New packs count as made
 * `now` for GC's grace period: this process cannot tell how old they are,
 * and another server's upload may be waiting for its commit.
 */
export async function syncPacks(blocks: BlockStore, index: ChunkIndex, now: number, dropMissing: boolean, shadows: Shadows): Promise<{ added: number; dropped: number }> {
  const known = new Map<string, PackRef>();
  for (const ref of index.packRefs()) if (ref.name && !ref.pending) known.set(ref.name, ref);
  const listed = new Set<string>();
  for await (const key of blocks.list('packs/')) {
    const name = packNameFromKey(key);
    if (name) listed.add(name);
  }
  // Only packs known before listing count: this process's later uploads are not in the listing.
  const missing = new Set([...known].filter(([name]) => !listed.has(name)).map(([, ref]) => ref));
  const gone = new Set(missing);
  let dropped = 0;
  if (dropMissing) {
    for (const ref of missing) index.dropPack(ref);
    dropped = missing.size;
    missing.clear();
  }
  const fresh = [...listed].filter((name) => !known.has(name));
  const limit = pLimit(CONCURRENCY);
  await Promise.all(
    fresh.map((name) =>
      limit(async () => {
        let entries;
        try {
          entries = await readPackEntries(blocks, name);
        } catch (err) {
          // Deleted between listing and reading (a sweep), or not yet whole: skip it.
          if (isStrataError(err, 'PACK_CORRUPT') || isStrataError(err, 'OBJECT_NOT_FOUND') || (err instanceof Error && /vanished/.test(err.message))) return;
          throw err;
        }
        const ref: PackRef = { name, pending: undefined, chunks: 0, bytes: 0, createdAt: now };
        for (const e of entries) {
          const loc = { pack: ref, offset: e.offset, length: e.length };
          const old = index.get(e.hash);
          if (old && missing.has(old.pack)) index.move(e.hash, loc); // repacked by another server's GC
          else addCopy(index, shadows, e.hash, loc);
        }
      }),
    ),
  );
  if (gone.size > 0) await rehome(blocks, index, shadows, listed, gone, new Set(fresh));
  return { added: fresh.length, dropped };
}

/** Makes the copies in shadowing packs the home of every chunk whose home pack is gone. */
async function rehome(blocks: BlockStore, index: ChunkIndex, shadows: Shadows, listed: Set<string>, gone: Set<PackRef>, fresh: Set<string>): Promise<void> {
  const limit = pLimit(CONCURRENCY);
  await Promise.all(
    [...shadows].map(([name, ref]) =>
      limit(async () => {
        if (fresh.has(name)) return; // read just now, after the gone packs were dropped or with them known missing
        let entries;
        try {
          entries = listed.has(name) ? await readPackEntries(blocks, name) : undefined;
        } catch (err) {
          if (!isStrataError(err, 'PACK_CORRUPT') && !isStrataError(err, 'OBJECT_NOT_FOUND')) throw err;
        }
        if (!entries) {
          shadows.delete(name);
          return;
        }
        let shadowing = false;
        for (const e of entries) {
          const old = index.get(e.hash);
          const loc = { pack: ref, offset: e.offset, length: e.length };
          if (!old) index.add(e.hash, loc);
          else if (gone.has(old.pack)) index.move(e.hash, loc);
          else if (old.pack !== ref) shadowing = true;
        }
        if (!shadowing) shadows.delete(name);
      }),
    ),
  );
}
