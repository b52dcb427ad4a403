// The sweep half of garbage collection: given which chunks are live, delete
// packs that hold none, repack packs that are mostly dead, and rewrite the
// index so no index object names a deleted pack. Order matters for crash
// safety: new packs and the new index are durable before anything is deleted,
// so a crash at any point loses nothing live (an undeleted old pack is found
// again at load and swept next time).
import type { PackRef } from './chunk-index.ts';
import { INDEX_OBJECT_MAX_ENTRIES, IndexObjectWriter } from './chunk-index-io.ts';
import { packKey, type PackIndexRecord } from './pack-format.ts';
import type { ChunkStore } from './chunk-store.ts';

export interface SweepOptions {
  /** Chunks put within this window are kept even if unreferenced (uploads in flight). */
  graceMs: number;
  /** Repack a pack once this fraction of its bytes is dead (default 0.25). */
  repackThreshold?: number;
  /** Rejects when the sweep may no longer delete (its GC lost its lease); awaited before each batch of deletes. */
  mayDelete?: () => void | Promise<void>;
}

export interface SweepReport {
  liveChunks: number;
  deadChunks: number;
  deadBytes: number;
  packsDeleted: number;
  packsRepacked: number;
}

interface PackTally {
  live: number;
  dead: number;
  deadBytes: number;
  bytes: number;
}

/** Counts live and dead chunks per pack in one pass over the on-disk index: memory grows with packs, not chunks. */
function tally(store: ChunkStore, keep: (hash: Buffer) => boolean): Map<PackRef, PackTally> {
  const packs = new Map<PackRef, PackTally>();
  for (const [hash, loc] of store.locations()) {
    let t = packs.get(loc.pack);
    if (!t) packs.set(loc.pack, (t = { live: 0, dead: 0, deadBytes: 0, bytes: 0 }));
    t.bytes += loc.length;
    if (keep(hash)) {
      t.live++;
    } else {
      t.dead++;
      t.deadBytes += loc.length;
    }
  }
  return packs;
}

export async function sweepChunks(store: ChunkStore, isLive: (hash: Buffer) => boolean, opts: SweepOptions): Promise<SweepReport> {
  await store.flush();
  store.pruneRecent(opts.graceMs);
  const threshold = opts.repackThreshold ?? 0.25;
  const keep = (hash: Buffer): boolean => isLive(hash) || store.recentlyPut(hash, opts.graceMs);
  const report: SweepReport = { liveChunks: 0, deadChunks: 0, deadBytes: 0, packsDeleted: 0, packsRepacked: 0 };
  const doomed = new Set<PackRef>();
  for (const [ref, t] of tally(store, keep)) {
    report.liveChunks += t.live;
    if (t.dead === 0 || (t.live > 0 && t.deadBytes < t.bytes * threshold)) continue;
    report.deadChunks += t.dead;
    report.deadBytes += t.deadBytes;
    doomed.add(ref);
    if (t.live > 0) report.packsRepacked++;
    else report.packsDeleted++;
  }
  if (doomed.size === 0) return report;
  // A second pass moves the live chunks out of doomed packs; the index iterates a snapshot, so moves do not disturb it.
  for (const [hash, loc] of store.locations()) {
    if (doomed.has(loc.pack) && keep(hash)) await store.relocate(hash, await store.get(hash));
  }
  const names = [...doomed].map((ref) => ref.name);
  await opts.mayDelete?.();
  for (const ref of doomed) store.forgetPack(ref);
  await store.flush();
  // A pack or index object left undeleted (the lease was lost) is found again at load and swept next time.
  await rewriteIndex(store, opts.mayDelete);
  await deleteInBatches(store, names.map(packKey), opts.mayDelete);
  return report;
}

/** Deletes run this many at a time, each batch only once mayDelete allowed it. */
const DELETE_BATCH = 16;

export async function deleteInBatches(store: ChunkStore, keys: string[], mayDelete: SweepOptions['mayDelete']): Promise<void> {
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    await mayDelete?.();
    await Promise.all(keys.slice(i, i + DELETE_BATCH).map((key) => store.blocks.delete(key)));
  }
}

/**
 * Replaces every index object by new ones that list exactly the packs the
 * store now uses. Entries come in hash order, so they are grouped by pack
 * per object, and an object is written every INDEX_OBJECT_MAX_ENTRIES.
 */
async function rewriteIndex(store: ChunkStore, mayDelete: SweepOptions['mayDelete']): Promise<void> {
  const old: string[] = [];
  for await (const key of store.blocks.list('index/')) old.push(key);
  const writer = new IndexObjectWriter(store.blocks);
  let byPack = new Map<string, PackIndexRecord>();
  let held = 0;
  const drain = async (): Promise<void> => {
    const records = [...byPack.values()].sort((a, b) => a.pack.localeCompare(b.pack));
    byPack = new Map();
    held = 0;
    for (const r of records) await writer.addPack(r.pack, r.entries.sort((a, b) => a.offset - b.offset));
    await writer.flush();
  };
  for (const [hash, loc] of store.locations()) {
    if (loc.pack.pending) continue; // a concurrent writer's pack; its own flush indexes it
    let r = byPack.get(loc.pack.name);
    if (!r) byPack.set(loc.pack.name, (r = { pack: loc.pack.name, entries: [] }));
    r.entries.push({ hash, offset: loc.offset, length: loc.length });
    if (++held >= INDEX_OBJECT_MAX_ENTRIES) await drain();
  }
  await drain();
  store.markIndexed();
  const fresh = new Set(writer.written);
  await deleteInBatches(store, old.filter((key) => !fresh.has(key)), mayDelete);
}
