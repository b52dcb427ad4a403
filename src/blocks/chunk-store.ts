// Content-addressed chunk storage over any BlockStore. Chunks are appended
// into packs of a few MiB (small files share packs; S3 sees few, large
// objects), every pack is self-describing, and an index maps each chunk hash
// to its pack, offset and length. Every read is hash-checked.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashChunk, hashHex } from '../chunking/index.ts';
import { isStrataError } from '../errors/index.ts';
import type { BlockStore, BlockWriter } from './block-store.ts';
import { addCopy, ChunkIndex, hashKey, type ChunkLocation, type PackRef, type Shadows } from './chunk-index.ts';
import { HashRuns } from './hash-runs.ts';
import { loadChunkIndex, readPack, readPackEntries, writeIndexObject } from './chunk-index-io.ts';
import { syncPacks } from './pack-sync.ts';
import { packKey, sealPack, type PackEntry, type PackIndexRecord } from './pack-format.ts';
import { ChunkCache } from './chunk-cache.ts';
import { chunkCorrupt, chunkNotFound, failedUpload } from './chunk-errors.ts';

/** A pack another server wrote: its name and object size (see ChunkStore.learnPacks). */
export interface PackHint {
  name: string;
  size: number;
}

export interface ChunkStoreOptions {
  blocks: BlockStore;
  /** Clock for the GC grace period (injectable for tests). */
  now?: () => number;
  /** A pack is sealed and uploaded once it holds this many bytes. */
  packTargetBytes?: number;
  /** Packs uploaded at once; bounds write memory to about (maxUploads + 1 + maxLanes) x packTargetBytes. */
  maxUploads?: number;
  /**
   * Lanes (ChunkStore.lane) with a pack of their own at once; each holds up
   * to a pack's buffer. Writers asking for one beyond this share the store's
   * pack, as before lanes (default 16: the aws cli sends 10 parts at once).
   */
  maxLanes?: number;
  /** Bytes of verified chunks kept for re-reads. */
  cacheBytes?: number;
  /**
   * How long an unreferenced chunk written or deduplicated by this process is
   * kept from GC (uploads whose commit is not written yet). Default one hour.
   */
  graceMs?: number;
  /**
   * Packs are self-describing, so index objects only save reading trailers
   * at start-up: one is written per this many new packs (and at close), not
   * per flush, which keeps a small commit to one object write.
   */
  indexEveryPacks?: number;
  /**
   * A local directory for the on-disk chunk index and GC's mark set; emptied
   * at open (they are rebuilt from the store) and removed at close. Default:
   * a fresh directory under the OS temp dir.
   */
  indexDir?: string;
  /** Chunk locations the index keeps in memory before writing them to its files. */
  indexMemEntries?: number;
}

export const CHUNK_STORE_DEFAULTS = { packTargetBytes: 8 << 20, maxUploads: 4, maxLanes: 16, cacheBytes: 64 << 20, indexEveryPacks: 32, graceMs: 60 * 60 * 1000 } as const;

/** Trailer room in a pack buffer: 1,600 entries, a full pack of chunks down to about 5 KiB. */
const TRAILER_ROOM = 64 << 10;

/**
 * Pack buffers kept for reuse once their upload is done. A fresh multi-MiB
 * buffer per pack cost more than the copy into it: the kernel faults in and
 * zeroes every page, and V8 counts each one as external memory, so a steady
 * upload ran a full garbage collection every few packs (measured in
 * bench/api.ts --profile). Bounded: at most this many idle buffers.
 */
const SPARE_PACK_BUFFERS = 2;

/**
 * A new pack's first buffer, unless a spare one is at hand; it doubles as
 * chunks arrive, up to the full pack. A one-off commit of a small file seals
 * a pack of a few KiB: a full-size buffer for each cost V8 a mark-compact
 * every few commits (external memory, the same effect as above), which was
 * the largest share of a server's CPU per small commit (bench/scale.ts
 * --cpu-prof).
 */
const FIRST_PACK_BYTES = 64 << 10;

/** Trailer room in a buffer of `capacity` chunk bytes: a small pack holds few chunks (seal copies if it is short). */
function trailerRoom(capacity: number): number {
  return Math.min(TRAILER_ROOM, Math.max(4096, capacity >> 4));
}

/** Names of packs learnPacks remembers having read. */
const LEARNED_PACKS = 4096;

/** Dedup marks are pruned of expired entries once per this many puts, which bounds their memory by the dedup rate. */
const PRUNE_EVERY_PUTS = 4096;

/**
 * Where a writer's chunks go: the store's shared open pack (the default lane)
 * or a lane of its own (ChunkStore.lane). A lane's flush seals and waits for
 * that lane's packs only.
 */
interface Lane {
  open: OpenPack | undefined;
  /** Uploads of packs this lane sealed, still in flight. */
  readonly uploads: Set<Promise<void>>;
  /** Bytes the lane expects (sizes its first pack buffer); 0 when unknown. */
  expectBytes: number;
}

/**
 * One writer's own pack (see ChunkStore.lane): its chunks are not interleaved
 * with other writers', so its flush neither cuts their packs short nor waits
 * for their uploads. The S3 gateway gives each multipart part one: with ten
 * parts streaming at once, one shared pack made every part's flush wait for
 * every pack in flight (the ten parts finished together, in waves) and cut
 * packs at every part's end (5.5 MiB on average for an 8 MiB target).
 */
export class ChunkLane {
  /** @internal */
  constructor(
    private readonly store: ChunkStore,
    /** @internal */
    readonly state: Lane,
  ) {}

  /** As ChunkStore.put, into this lane's pack. */
  put(hash: Buffer, data: Uint8Array): Promise<boolean> {
    return this.store.putIn(this.state, hash, data);
  }

  /**
   * Makes this lane's chunks durable and proves each of `hashes` is stored
   * durably (as ChunkStore.flush does for all): seals the lane's pack and
   * waits for its uploads only. A chunk deduplicated against a pack another
   * writer has not stored yet falls back to a whole flush.
   */
  flush(hashes: Iterable<Uint8Array>): Promise<void> {
    return this.store.flushLane(this.state, hashes);
  }

  /** Done with the lane (also after a failure): its open pack is sealed and uploaded like any other; nothing waits for it. */
  close(): void {
    this.store.closeLane(this.state);
  }
}

/** Something chunks are put into: the store itself or one of its lanes. */
export interface ChunkSink {
  put(hash: Buffer, data: Uint8Array): Promise<boolean>;
}

interface OpenPack {
  ref: PackRef;
  buf: Buffer;
  /** Bytes of chunks the buffer takes now; the rest is room for the trailer. */
  capacity: number;
  /** What `capacity` may grow to before the pack is sealed. */
  fullCapacity: number;
  used: number;
  entries: PackEntry[];
  /** A lane's pack is written while it fills (BlockStore.begin), where the store can. */
  writer?: BlockWriter;
  /** Bytes handed to the writer so far. */
  aheadAt: number;
}

/** A lane's pack is handed to its writer each time this many more bytes are in it. */
const AHEAD_BYTES = 1 << 20;

export class ChunkStore {
  readonly blocks: BlockStore;
  private index: ChunkIndex;
  private readonly target: number;
  private readonly maxUploads: number;
  private readonly maxLanes: number;
  private readonly cache: ChunkCache;
  /** The shared lane: every put not made through a lane of its own (and GC's relocations). */
  private readonly shared: Lane = { open: undefined, uploads: new Set(), expectBytes: 0 };
  /** Lanes open now (ChunkStore.lane): a flush without hashes (GC, close) seals their packs too. */
  private readonly lanes = new Set<Lane>();
  private readonly uploads = new Set<Promise<void>>();
  /** Buffers of packs whose upload finished, for the next packs (see SPARE_PACK_BUFFERS). */
  private readonly spareBuffers: Buffer[] = [];
  /**
   * Packs are filling back to back (the last one was sealed because it was
   * full: a large upload). Then a new pack starts at its full size, not at
   * FIRST_PACK_BYTES, and up to maxUploads + 1 spare buffers are kept (one
   * per upload in flight and the one filling), so a steady upload allocates
   * no pack buffer at all. Before, 4-6 of a 256 MiB put's 32 packs found no
   * spare and grew from 64 KiB by doubling: ~80-110 MiB of fresh buffers and
   * ~50 MiB of copies per put, on a VM where a fresh page costs more than the
   * copy. Write memory stays within (maxUploads + 1) pack buffers: one is
   * allocated only when no spare is left. flush() ends the run and trims the
   * spares back to SPARE_PACK_BUFFERS (an upload cut without a flush leaves
   * them to the next one).
   */
  private bulk = false;
  private unindexed: PackIndexRecord[] = [];
  private lastFailure: unknown;
  /**
   * When a chunk that was already stored was put again (deduplicated): it may
   * be garbage about to be swept, and the writer's commit will refer to it.
   * New chunks need no mark: their pack's age protects them.
   */
  private readonly recent = new Map<string, number>();
  private readonly graceMs: number;
  private putsSincePrune = 0;
  private readonly now: () => number;
  private readonly indexEvery: number;
  private scratchSeq = 0;
  /** Catch-up with packs other processes wrote or deleted: one running, at most one queued. */
  private refreshQueued: Promise<void> | undefined;
  private refreshRunning: Promise<void> = Promise.resolve();
  private dropNext = false;
  /** Packs learnPacks has read lately (bounded by LEARNED_PACKS). */
  private readonly learned = new Set<string>();
  /** Packs hintPacks named and nothing has read yet: name -> size, the newest hint last (bounded by LEARNED_PACKS). */
  private readonly hinted = new Map<string, number>();
  /** The index update from the store now running (exclusive). */
  private syncing: Promise<void> = Promise.resolve();
  /** Packs holding second copies of chunks homed elsewhere (pack-sync.ts): they take over when the home pack goes. */
  private readonly shadows: Shadows;

  constructor(
    opts: ChunkStoreOptions,
    index: ChunkIndex,
    private readonly scratchDir: string,
    shadows: Shadows = new Map(),
  ) {
    this.shadows = shadows;
    this.blocks = opts.blocks;
    this.index = index;
    this.target = opts.packTargetBytes ?? CHUNK_STORE_DEFAULTS.packTargetBytes;
    this.maxUploads = opts.maxUploads ?? CHUNK_STORE_DEFAULTS.maxUploads;
    this.maxLanes = opts.maxLanes ?? CHUNK_STORE_DEFAULTS.maxLanes;
    this.cache = new ChunkCache(opts.cacheBytes ?? CHUNK_STORE_DEFAULTS.cacheBytes);
    this.now = opts.now ?? Date.now;
    this.indexEvery = opts.indexEveryPacks ?? CHUNK_STORE_DEFAULTS.indexEveryPacks;
    this.graceMs = opts.graceMs ?? CHUNK_STORE_DEFAULTS.graceMs;
  }

  has(hash: Uint8Array): boolean {
    return this.index.has(hash);
  }

  locate(hash: Uint8Array): ChunkLocation | undefined {
    return this.index.get(hash);
  }

  /**
   * Like locate, but a chunk this process does not know is looked for in
   * the packs commit records named (hintPacks), then in packs that other
   * servers sharing the block store wrote since (refresh).
   */
  async find(hash: Uint8Array): Promise<ChunkLocation | undefined> {
    const loc = this.index.get(hash);
    if (loc) return loc;
    if (!(await this.fromHints([hash]))) await this.refresh();
    return this.index.get(hash);
  }

  /**
   * Brings the index in step with the block store, for several servers on
   * one store: packs another process uploaded are indexed (from their
   * trailers); chunks another process's GC moved are found in their new
   * packs; with dropMissing (after a GC ran, see src/pfs/gc-fence.ts),
   * packs no longer in the store are forgotten, so nothing deduplicates
   * against a swept chunk. (Without it a missing pack stays indexed, and
   * verify reports it as lost.) A caller
   * that saw a commit before calling finds every chunk it names: packs are
   * durable before their commit is visible, and a refresh that was already
   * listing when the caller asked is followed by a fresh one, never joined.
   */
  refresh(opts: { dropMissing?: boolean } = {}): Promise<void> {
    if (opts.dropMissing) this.dropNext = true;
    if (this.refreshQueued) return this.refreshQueued;
    const next: Promise<void> = this.refreshRunning.then(async () => {
      this.refreshRunning = next.catch(() => undefined);
      this.refreshQueued = undefined;
      const dropMissing = this.dropNext;
      this.dropNext = false;
      await this.exclusive(() => syncPacks(this.blocks, this.index, this.now(), dropMissing, this.shadows));
    });
    this.refreshQueued = next;
    return next;
  }

  /** Indexes the chunks named that this process does not know: from hinted packs, else by listing the store (refresh). */
  async know(hashes: readonly Uint8Array[]): Promise<void> {
    if (!(await this.fromHints(hashes))) await this.refresh();
  }

  /** Runs index updates from the store (refresh, learnPacks) one at a time, so a pack is never indexed twice. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.syncing.then(fn);
    this.syncing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Indexes the packs named (by a commit record another server wrote, see
   * packHints) that this process does not know yet, without listing the
   * store: a few requests per pack, not a listing that grows with the
   * bucket. A small pack is read whole and its chunks kept in the read
   * cache (a server building on another's commit reads its index objects
   * next). A pack that is gone (swept) is skipped: find() still refreshes.
   */
  async learnPacks(hints: readonly PackHint[]): Promise<void> {
    if (hints.every((h) => this.knowsPack(h.name))) return;
    await this.exclusive(async () => {
      for (const hint of hints) await this.readHinted(hint);
    });
  }

  /**
   * Remembers packs a commit record names without reading them: a chunk
   * find() or flush() does not know is looked for in them first (newest
   * hint first, one pack at a time) before the store is listed. A server
   * building on a head another server made needs only the head's index
   * root and the ranges its change touches, nearly always in the head's own
   * pack; reading every pack the record names (up to 8) at each handoff of
   * a branch's turn was ~1 whole-pack GET per commit in bench/scale.ts.
   */
  hintPacks(hints: readonly PackHint[]): void {
    for (let i = hints.length - 1; i >= 0; i--) {
      const h = hints[i]!;
      if (this.knowsPack(h.name)) continue;
      this.hinted.delete(h.name); // re-inserted last: the newest hint is tried first
      this.hinted.set(h.name, h.size);
    }
    while (this.hinted.size > LEARNED_PACKS) this.hinted.delete(this.hinted.keys().next().value!);
  }

  /** Reads hinted packs, newest first, until every hash named is indexed; false when the hints ran out first. */
  private async fromHints(hashes: readonly Uint8Array[]): Promise<boolean> {
    const missing = (): boolean => hashes.some((h) => !this.index.has(h));
    if (this.hinted.size === 0) return !missing();
    return this.exclusive(async () => {
      while (missing()) {
        const name = [...this.hinted.keys()].pop();
        if (name === undefined) return false;
        const size = this.hinted.get(name)!;
        this.hinted.delete(name);
        await this.readHinted({ name, size });
      }
      return true;
    });
  }

  private knowsPack(name: string): boolean {
    return this.learned.has(name) || this.index.hasPack(name);
  }

  /** Reads one hinted pack whole and indexes its chunks (under exclusive); a known pack costs nothing. */
  private async readHinted(hint: PackHint): Promise<void> {
    this.hinted.delete(hint.name);
    if (this.knowsPack(hint.name)) return;
    let pack: Awaited<ReturnType<typeof readPack>> | undefined;
    try {
      pack = await readPack(this.blocks, hint.name, hint.size);
    } catch (err) {
      if (!isStrataError(err, 'OBJECT_NOT_FOUND') && !isStrataError(err, 'PACK_CORRUPT')) throw err;
    }
    // A pack all of whose chunks were known already adds none to the index: remember it was read.
    if (this.learned.size >= LEARNED_PACKS) this.learned.clear();
    this.learned.add(hint.name);
    if (!pack) return;
    const ref: PackRef = { name: hint.name, pending: undefined, chunks: 0, bytes: 0, createdAt: this.now(), size: hint.size };
    for (const e of pack.entries) {
      addCopy(this.index, this.shadows, e.hash, { pack: ref, offset: e.offset, length: e.length });
      if (!pack.bytes) continue;
      const chunk = Buffer.from(pack.bytes.buffer, pack.bytes.byteOffset + e.offset, e.length);
      if (hashChunk(chunk).equals(e.hash)) this.cache.set(e.hash, Buffer.from(chunk));
    }
  }

  /**
   * Where the chunks named are stored, as hints for learnPacks: the packs
   * (with their sizes) holding them, or undefined when they are spread over
   * more than `maxPacks` packs. Packs whose size this process does not know
   * (found at start-up) are left out: other servers find those by listing.
   */
  packHints(hashes: Iterable<Uint8Array>, maxPacks: number): PackHint[] | undefined {
    const packs = new Map<string, number>();
    for (const hash of hashes) {
      const ref = this.index.get(hash)?.pack;
      if (!ref || ref.pending || !ref.name || ref.size === undefined) continue;
      packs.set(ref.name, ref.size);
      if (packs.size > maxPacks) return undefined;
    }
    return [...packs].map(([name, size]) => ({ name, size }));
  }

  stats(): { chunks: number; bytes: number; packs: number; uploadsInFlight: number } {
    return { chunks: this.index.size, bytes: this.index.bytes, packs: this.index.packCount, uploadsInFlight: this.uploads.size };
  }

  /**
   * Stores a chunk whose SHA-256 is `hash` unless it is already stored.
   * Resolves when the chunk is accepted (readable), not when it is durable:
   * call flush() before anything that refers to it becomes visible. With
   * `cache`, the bytes also go into the read cache.
   */
  put(hash: Buffer, data: Uint8Array, opts: { cache?: boolean } = {}): Promise<boolean> {
    // Index objects a commit writes are read by the next commit on the branch: keep them, or each is fetched back.
    if (opts.cache) this.cache.set(hash, Buffer.from(data));
    return this.putIn(this.shared, hash, data);
  }

  /**
   * A lane of this writer's own (see ChunkLane); `expectBytes`, when known,
   * sizes its first pack buffer. Close it when done.
   */
  lane(opts: { expectBytes?: number } = {}): ChunkLane {
    if (this.lanes.size >= this.maxLanes) return new ChunkLane(this, this.shared); // memory stays bounded: share the store's pack
    const state: Lane = { open: undefined, uploads: new Set(), expectBytes: opts.expectBytes ?? 0 };
    this.lanes.add(state);
    return new ChunkLane(this, state);
  }

  /** @internal: put into a lane (ChunkLane.put). */
  async putIn(lane: Lane, hash: Buffer, data: Uint8Array): Promise<boolean> {
    if (++this.putsSincePrune >= PRUNE_EVERY_PUTS) this.pruneRecent(this.graceMs);
    if (this.index.has(hash)) {
      this.recent.set(hashKey(hash), this.now());
      return false;
    }
    while (this.uploads.size >= this.maxUploads) await Promise.race(this.uploads);
    if (this.index.has(hash)) return false; // another writer stored it while we waited
    this.append(lane, hash, data, false);
    return true;
  }

  /** @internal: ChunkLane.flush. */
  async flushLane(lane: Lane, hashes: Iterable<Uint8Array>): Promise<void> {
    this.seal(lane);
    while (lane.uploads.size > 0) await Promise.allSettled([...lane.uploads]);
    const list = [...hashes];
    // Deduplicated against a pack another writer has not stored yet (or whose upload failed): the whole flush decides.
    if (list.some((h) => this.index.get(h)?.pack.pending !== undefined)) return this.flush(list);
    await this.writeIndexIfDue(false);
    return this.proveStored(list, undefined);
  }

  /** @internal: ChunkLane.close. */
  closeLane(lane: Lane): void {
    if (lane === this.shared) return; // an overflow lane: the store's pack goes on filling
    this.seal(lane);
    this.lanes.delete(lane);
    // The last lane gone: keep spare pack buffers as a writer without lanes would.
    if (this.lanes.size === 0) this.spareBuffers.length = Math.min(this.spareBuffers.length, this.bulk ? this.maxUploads + 1 : SPARE_PACK_BUFFERS);
  }

  /** Rewrites a stored chunk into the open pack (GC repacking); reads keep working throughout. */
  async relocate(hash: Buffer, data: Uint8Array): Promise<void> {
    while (this.uploads.size >= this.maxUploads) await Promise.race(this.uploads);
    this.append(this.shared, hash, data, true);
  }

  private append(lane: Lane, hash: Buffer, data: Uint8Array, move: boolean): void {
    let pack = lane.open;
    if (pack && pack.used + data.length > pack.capacity) {
      if (pack.used + data.length <= pack.fullCapacity) {
        this.grow(pack, pack.used + data.length);
      } else {
        this.seal(lane);
        this.bulk = true;
        pack = undefined;
      }
    }
    pack ??= lane.open = this.newPack(data.length, lane.expectBytes);
    pack.buf.set(data, pack.used);
    const entry = { hash, offset: pack.used, length: data.length };
    pack.entries.push(entry);
    const loc = { pack: pack.ref, offset: entry.offset, length: entry.length };
    if (move) this.index.move(hash, loc);
    else this.index.add(hash, loc);
    pack.used += data.length;
    if (pack.used >= this.target) {
      this.seal(lane);
      lane.expectBytes = Math.max(0, lane.expectBytes - pack.used);
      this.bulk = true;
    } else if (lane !== this.shared && pack.used - pack.aheadAt >= AHEAD_BYTES && this.blocks.begin) {
      // Written as it fills: at the lane's flush only the last piece, the trailer and the fsync are left.
      pack.writer ??= this.blocks.begin();
      pack.aheadAt = pack.used;
      pack.writer.ahead(pack.buf.subarray(0, pack.used)).catch(() => undefined); // a failure surfaces at finish
    }
  }

  /** True when the chunk was written or deduplicated by this process within the last `graceMs`. */
  recentlyPut(hash: Uint8Array, graceMs: number): boolean {
    const cutoff = this.now() - graceMs;
    const loc = this.index.get(hash);
    if (loc && loc.pack.createdAt > cutoff) return true;
    const at = this.recent.get(hashKey(hash));
    return at !== undefined && at > cutoff;
  }

  /** Drops dedup marks older than `graceMs`. */
  pruneRecent(graceMs: number): void {
    this.putsSincePrune = 0;
    const cutoff = this.now() - graceMs;
    for (const [key, at] of this.recent) if (at <= cutoff) this.recent.delete(key);
  }

  /** Internal, for GC: forget chunks whose packs are about to be deleted. */
  forget(hash: Uint8Array): void {
    this.index.delete(hash);
  }

  /** Internal, for GC: forget every chunk of a pack about to be deleted (its live chunks were relocated). */
  forgetPack(pack: PackRef): void {
    this.index.dropPack(pack);
  }

  /** Internal, for GC: every indexed chunk with its location, in hash order. */
  locations(): IterableIterator<[Buffer, ChunkLocation]> {
    return this.index.entries();
  }

  /** A new open pack for a chunk of `minBytes`; `expectBytes` (what its writer means to put) sizes its first buffer. */
  private newPack(minBytes: number, expectBytes = 0): OpenPack {
    // Room for one maximum-size chunk past the target, so packs end near it,
    // and for the trailer of a pack of typical chunks, so sealing need not copy.
    const fullCapacity = Math.max(this.target + (256 << 10), minBytes);
    const ref: PackRef = { name: '', pending: undefined, chunks: 0, bytes: 0, createdAt: this.now() };
    const spare = this.spareBuffers.pop();
    const reuse = spare !== undefined && spare.length >= fullCapacity + TRAILER_ROOM;
    // A lane that will fill the pack takes a full-size buffer, as a bulk upload does: one that the next pack can reuse.
    const capacity = reuse || this.bulk || expectBytes >= this.target ? fullCapacity : Math.min(fullCapacity, Math.max(FIRST_PACK_BYTES, minBytes, expectBytes));
    const buf = reuse ? spare : Buffer.allocUnsafe(capacity + trailerRoom(capacity));
    const pack: OpenPack = { ref, buf, capacity, fullCapacity, used: 0, entries: [], aheadAt: 0 };
    ref.pending = pack.buf;
    return pack;
  }

  /** Moves an open pack to a buffer of at least `need` bytes of chunks (doubling, at most its full size). */
  private grow(pack: OpenPack, need: number): void {
    const capacity = Math.min(pack.fullCapacity, Math.max(pack.capacity * 2, need));
    const buf = Buffer.allocUnsafe(capacity + trailerRoom(capacity));
    pack.buf.copy(buf, 0, 0, pack.used);
    pack.buf = buf;
    pack.ref.pending = buf; // reads copy out of pending synchronously, so none sees the old buffer half-way
    pack.capacity = capacity;
  }

  /** Closes the lane's open pack and starts its upload. */
  private seal(lane: Lane): void {
    const pack = lane.open;
    lane.open = undefined;
    if (!pack) return;
    if (pack.entries.length === 0) {
      void pack.writer?.abort();
      return;
    }
    const { tail, name } = sealPack(pack.entries);
    let bytes: Buffer;
    if (tail.length <= pack.buf.length - pack.used) {
      tail.copy(pack.buf, pack.used);
      bytes = pack.buf.subarray(0, pack.used + tail.length);
    } else {
      bytes = Buffer.concat([pack.buf.subarray(0, pack.used), tail]); // many tiny chunks: a long trailer
      if (!pack.writer) this.recycle(pack.buf); // (the writer may still be reading it)
    }
    pack.buf = bytes; // the upload holds one copy of the pack, not two
    pack.ref.name = name;
    pack.ref.size = bytes.length;
    pack.ref.pending = bytes;
    const upload = (pack.writer ? pack.writer.finish(packKey(name), bytes) : this.blocks.put(packKey(name), bytes)).then(
      () => {
        pack.ref.pending = undefined;
        this.unindexed.push({ pack: name, entries: pack.entries });
        // The store is done with the bytes (BlockStore.put keeps no reference) and reads copy out of pending packs.
        this.recycle(bytes);
      },
      (err) => {
        this.index.dropPack(pack.ref);
        this.lastFailure = err;
      },
    );
    const tracked = upload.finally(() => {
      this.uploads.delete(tracked);
      lane.uploads.delete(tracked);
    });
    this.uploads.add(tracked);
    lane.uploads.add(tracked);
  }

  /** Keeps a pack buffer (whole, not a view of part of it) for the next pack. */
  private recycle(bytes: Buffer): void {
    // Small buffers may be slices of Node's shared allocation pool: never reuse those.
    const keep = (this.bulk ? this.maxUploads + 1 : SPARE_PACK_BUFFERS) + this.lanes.size;
    if (this.spareBuffers.length >= keep || bytes.buffer.byteLength < this.target) return;
    this.spareBuffers.push(Buffer.from(bytes.buffer, 0, bytes.buffer.byteLength));
  }

  /**
   * Makes every chunk accepted so far durable (and, every indexEveryPacks
   * packs, records them in an index object); with `hashes`, the chunks of
   * open lanes only if they hold one of those. With `hashes`, also proves each
   * of those chunks is stored durably (a pack upload that failed is reported
   * here, naming the chunk), which is what a commit checks before it
   * becomes visible.
   */
  async flush(hashes?: Iterable<Uint8Array>, opts: { index?: boolean } = {}): Promise<void> {
    const list = hashes === undefined ? undefined : [...hashes];
    this.seal(this.shared);
    // Lanes' packs are sealed only when they hold a chunk named (deduplicated into them), so a commit does not cut them short.
    for (const lane of this.lanes) if (list === undefined || (lane.open && list.some((h) => this.index.get(h)?.pack === lane.open!.ref))) this.seal(lane);
    while (this.uploads.size > 0) await Promise.allSettled([...this.uploads]);
    if (this.lanes.size === 0) {
      this.bulk = false;
      this.spareBuffers.length = Math.min(this.spareBuffers.length, SPARE_PACK_BUFFERS);
    }
    const failure = this.lastFailure;
    this.lastFailure = undefined;
    await this.writeIndexIfDue(opts.index === true);
    if (list === undefined) {
      if (failure !== undefined) throw failedUpload(this.blocks, failure);
      return;
    }
    return this.proveStored(list, failure);
  }

  /** Every indexEveryPacks packs (or now, with `force`), records the packs stored since in an index object. */
  private async writeIndexIfDue(force: boolean): Promise<void> {
    if (!(this.unindexed.length >= this.indexEvery || (force && this.unindexed.length > 0))) return;
    const records = this.unindexed;
    this.unindexed = [];
    try {
      await writeIndexObject(this.blocks, records);
    } catch (err) {
      this.unindexed.push(...records); // the packs are durable; their index is retried next flush
      throw err;
    }
  }

  /** Throws unless every chunk named is in a stored pack (a failed upload reported by `failure`, naming the chunk). */
  private async proveStored(hashes: Iterable<Uint8Array>, failure: unknown): Promise<void> {
    const unknown: Uint8Array[] = [];
    for (const hash of hashes) {
      const loc = this.index.get(hash);
      if (!loc) unknown.push(hash);
      else if (loc.pack.pending) throw failedUpload(this.blocks, failure, hashHex(hash));
    }
    // Staged through another server sharing the store: durable in a pack this process has not seen yet.
    if (unknown.length > 0 && !(await this.fromHints(unknown))) await this.refresh();
    for (const hash of unknown) if (!this.index.get(hash)) throw failedUpload(this.blocks, failure, hashHex(hash));
  }

  /** The chunk's bytes, verified against its hash. */
  async get(hash: Uint8Array): Promise<Buffer> {
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const loc = await this.find(hash);
    if (!loc) throw chunkNotFound(hashHex(hash), undefined);
    const [bytes] = await this.readRun([{ hash, loc }]);
    return bytes!;
  }

  /**
   * Reads chunks that lie back to back in one pack with a single ranged read,
   * and verifies each. Callers plan runs with locate(). `cache: false` for
   * streams of file bytes: they never re-read a chunk through get(), and
   * keeping them would hold their read buffers (and evict index objects).
   * `into`: a buffer the block store may read the run into (see BlockStore.getRange);
   * the chunks returned are then views of it (never with `cache`).
   * `verify: false` skips the hash check, for a caller whose reader checks
   * every chunk itself (never with `cache`: a cached chunk is served to anyone).
   */
  async readRun(run: ReadonlyArray<{ hash: Uint8Array; loc: ChunkLocation }>, opts: { cache?: boolean; into?: Uint8Array; verify?: boolean } = {}): Promise<Buffer[]> {
    const first = run[0]!.loc;
    const last = run[run.length - 1]!.loc;
    const span = last.offset + last.length - first.offset;
    let bytes: Uint8Array;
    const pending = first.pack.pending;
    if (pending) {
      // A copy: the pack's buffer is reused for a later pack once it is uploaded.
      bytes = Buffer.from(pending.subarray(first.offset, first.offset + span));
    } else {
      try {
        bytes = await this.fetch(first.pack.name, first.offset, span, run[0]!.hash, opts.into);
      } catch (err) {
        // Another server's GC repacked these chunks: read them from where they live now.
        if (!isStrataError(err, 'CHUNK_NOT_FOUND')) throw err;
        await this.refresh();
        const moved = run.every(({ hash }) => {
          const now = this.index.get(hash);
          return now !== undefined && now.pack !== first.pack;
        });
        if (!moved) throw err;
        return Promise.all(run.map(({ hash }) => this.get(hash)));
      }
    }
    return run.map(({ hash, loc }) => {
      const start = loc.offset - first.offset;
      const chunk = Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(loc.length, Math.max(0, bytes.byteLength - start)));
      if (opts.verify !== false || opts.cache !== false) this.check(hash, chunk, loc.pack.name);
      if (opts.cache !== false) this.cache.set(hash, chunk);
      return chunk;
    });
  }

  private async fetch(pack: string, offset: number, length: number, firstHash: Uint8Array, into?: Uint8Array): Promise<Uint8Array> {
    try {
      return await this.blocks.getRange(packKey(pack), offset, length, into ? { into } : undefined);
    } catch (err) {
      if (isStrataError(err, 'OBJECT_NOT_FOUND')) throw chunkNotFound(hashHex(firstHash), pack, err);
      throw err;
    }
  }

  private check(hash: Uint8Array, chunk: Uint8Array, pack: string): void {
    if (!hashChunk(chunk).equals(hash)) throw chunkCorrupt(hashHex(hash), pack, this.blocks);
  }

  async close(): Promise<void> {
    await this.flush(undefined, { index: true });
    this.index.close();
    rmSync(this.scratchDir, { recursive: true, force: true });
  }

  /** What the chunk index holds in memory (bounded by indexMemEntries, not by the chunk count). */
  /** Bytes held now by the read cache (bounded by `cacheBytes`). */
  cacheBytes(): number {
    return this.cache.size;
  }

  indexMemory(): ReturnType<ChunkIndex['memory']> {
    return this.index.memory();
  }

  /** Internal, for rebuild: an empty index in this store's directory. */
  newIndex(memEntries?: number): ChunkIndex {
    return new ChunkIndex({ dir: this.newScratch('chunks'), memEntries });
  }

  /**
   * A set of hashes on local disk with `memEntries` in memory (GC's mark
   * set): membership is `get(hash) !== undefined`. Close it when done.
   */
  newHashSet(memEntries: number): HashRuns {
    return new HashRuns({ dir: this.newScratch('set'), valueBytes: 0, memEntries });
  }

  /**
   * A fresh path in this store's local scratch directory (emptied at open,
   * removed at close), for spill files that need no recovery after a crash.
   */
  scratchPath(label: string): string {
    return this.newScratch(label);
  }

  private newScratch(label: string): string {
    return join(this.scratchDir, `${label}-${++this.scratchSeq}`);
  }

  /** Internal, for GC: an index object now lists every pack; nothing is waiting to be indexed. */
  markIndexed(): void {
    this.unindexed = [];
  }

  /** Internal, for verify and rebuild: the packs this store knows. */
  knownPacks(): PackRef[] {
    return this.index.packRefs();
  }

  /** Internal, for rebuild: swap in a freshly built index, with the packs holding second copies its build found. */
  replaceIndex(next: ChunkIndex, shadows: Shadows): void {
    this.index.close();
    this.index = next;
    this.shadows.clear(); // their refs belong to the old index
    for (const [name, ref] of shadows) this.shadows.set(name, ref);
    this.cache.clear();
  }
}

/** Opens a chunk store: loads the index objects, and recovers packs no index lists. */
export async function openChunkStore(opts: ChunkStoreOptions): Promise<ChunkStore> {
  let dir: string;
  if (opts.indexDir) {
    rmSync(opts.indexDir, { recursive: true, force: true });
    mkdirSync(opts.indexDir, { recursive: true });
    dir = opts.indexDir;
  } else {
    dir = mkdtempSync(join(tmpdir(), 'strata-chunk-index-'));
  }
  const index = new ChunkIndex({ dir: join(dir, 'chunks-0'), memEntries: opts.indexMemEntries });
  const shadows: Shadows = new Map();
  try {
    await loadChunkIndex(opts.blocks, index, undefined, shadows);
  } catch (err) {
    index.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return new ChunkStore(opts, index, dir, shadows);
}

export { readPackEntries, chunkNotFound };
