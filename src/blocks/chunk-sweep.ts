// The sweep half of garbage collection: given which chunks are live, delete
// packs that hold none, repack packs that are mostly dead, and rewrite the
// index so no index object names a deleted pack. Order matters for crash
// safety: new packs and the new index are durable before anything is deleted,
// so a crash at any point loses nothing live (an undeleted old pack is found
// again at load and swept next time).
import type { ChunkLocation, PackRef } from './chunk-index.ts';
import { writeIndexObject } from './chunk-index-io.ts';
import { indexKey, packKey, type PackIndexRecord } from './pack-format.ts';
import type { ChunkStore } from './chunk-store.ts';

export interface SweepOptions {
  /** Chunks put within this window are kept even if unreferenced (uploads in flight). */
  graceMs: number;
  /** Repack a pack once this fraction of its bytes is dead (default 0.25). */
  repackThreshold?: number;
}

export interface SweepReport {
  liveChunks: number;
  deadChunks: number;
  deadBytes: number;
  packsDeleted: number;
  packsRepacked: number;
}

interface PackTally {
  live: [Buffer, ChunkLocation][];
  dead: Buffer[];
  deadBytes: number;
  bytes: number;
}

function tally(store: ChunkStore, isLive: (hash: Buffer) => boolean, graceMs: number): Map<PackRef, PackTally> {
  const packs = new Map<PackRef, PackTally>();
  for (const [hash, loc] of store.locations()) {
    let t = packs.get(loc.pack);
    if (!t) packs.set(loc.pack, (t = { live: [], dead: [], deadBytes: 0, bytes: 0 }));
    t.bytes += loc.length;
    if (isLive(hash) || store.recentlyPut(hash, graceMs)) {
      t.live.push([hash, loc]);
    } else {
      t.dead.push(hash);
      t.deadBytes += loc.length;
    }
  }
  return packs;
}

export async function sweepChunks(store: ChunkStore, isLive: (hash: Buffer) => boolean, opts: SweepOptions): Promise<SweepReport> {
  await store.flush();
  store.pruneRecent(opts.graceMs);
  const threshold = opts.repackThreshold ?? 0.25;
  const packs = tally(store, isLive, opts.graceMs);
  const report: SweepReport = { liveChunks: 0, deadChunks: 0, deadBytes: 0, packsDeleted: 0, packsRepacked: 0 };
  const doomed: string[] = [];
  for (const [ref, t] of packs) {
    report.liveChunks += t.live.length;
    if (t.dead.length === 0 || (t.live.length > 0 && t.deadBytes < t.bytes * threshold)) continue;
    for (const [hash] of t.live) await store.relocate(hash, await store.get(hash));
    report.deadChunks += t.dead.length;
    report.deadBytes += t.deadBytes;
    for (const hash of t.dead) store.forget(hash);
    doomed.push(ref.name);
    if (t.live.length > 0) report.packsRepacked++;
    else report.packsDeleted++;
  }
  if (doomed.length === 0) return report;
  await store.flush();
  await rewriteIndex(store);
  for (const name of doomed) await store.blocks.delete(packKey(name));
  return report;
}

/** Replaces every index object by one that lists exactly the packs the store now uses. */
async function rewriteIndex(store: ChunkStore): Promise<void> {
  const old: string[] = [];
  for await (const key of store.blocks.list('index/')) old.push(key);
  const byPack = new Map<string, PackIndexRecord>();
  for (const [hash, loc] of store.locations()) {
    if (loc.pack.pending) continue; // a concurrent writer's pack; its own flush indexes it
    let r = byPack.get(loc.pack.name);
    if (!r) byPack.set(loc.pack.name, (r = { pack: loc.pack.name, entries: [] }));
    r.entries.push({ hash, offset: loc.offset, length: loc.length });
  }
  const records = [...byPack.values()].sort((a, b) => a.pack.localeCompare(b.pack));
  for (const r of records) r.entries.sort((a, b) => a.offset - b.offset);
  const fresh = indexKey(await writeIndexObject(store.blocks, records));
  store.markIndexed();
  for (const key of old) if (key !== fresh) await store.blocks.delete(key);
}
