// Where every stored chunk lives: chunk hash -> (pack, offset, length).
// The map itself is on local disk (hash-runs.ts: sorted runs with a Bloom
// filter, a bounded in-memory table), so its memory does not grow with the
// number of chunks; only the packs (a few thousand even at 100 GiB) are held
// as objects. Its persistent form is the index objects and pack trailers in
// the block store (see pack-format.ts); the local files are rebuilt from
// them at open, so they never need recovery.

import { HashRuns, type HashRunsMemory, type Resolution } from './hash-runs.ts';

/**
 * One pack, shared by the locations of all its chunks, so sealing a pack
 * (which fixes its name) or finishing its upload is O(1).
 */
export interface PackRef {
  /** Pack name (hex); empty while the pack is still being filled. */
  name: string;
  /** The pack's bytes while they are not yet durable in the store; reads are served from here. */
  pending: Buffer | undefined;
  chunks: number;
  bytes: number;
  /** When this process started the pack (epoch ms); 0 for packs found at start-up. GC spares young packs. */
  createdAt: number;
  /** The pack object's size in bytes, where this process knows it (it sealed the pack, or was told). */
  size?: number;
}

export interface ChunkLocation {
  pack: PackRef;
  offset: number;
  length: number;
}

export interface ChunkIndexOptions {
  /** A directory for this index alone; removed at close. */
  dir: string;
  /** Locations held in memory before they go to disk (about 150 bytes each). */
  memEntries?: number;
}

export const CHUNK_INDEX_DEFAULTS = { memEntries: 64 << 10 } as const;

export function hashKey(hash: Uint8Array): string {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('latin1');
}

export function hashFromKey(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}

/** A value's pack number that marks a forgotten chunk. */
const TOMBSTONE = 0xffffffff;
const VALUE_BYTES = 12; // pack number, offset, length: u32 each

/**
 * Packs that hold a copy of a chunk the index places in another pack, by
 * name. The index keeps one home per chunk, but a chunk can be stored
 * twice: another server's GC moves live chunks into a new pack and only
 * then deletes the old one, and a server that has not seen a pack stores
 * its chunks again. Indexed while both copies exist, the new pack gets only
 * the chunks it alone holds; once the home pack is gone, the copy here must
 * become the home, or the chunk is lost to this server while the store
 * still has it.
 */
export type Shadows = Map<string, PackRef>;

/**
 * Indexes one stored copy of a chunk: the first copy indexed is its home; a
 * pack holding a later copy is remembered in `shadows` (pack-sync.ts makes
 * it the home once the first is gone). True when the chunk was new.
 */
export function addCopy(index: ChunkIndex, shadows: Shadows | undefined, hash: Uint8Array, loc: ChunkLocation): boolean {
  if (index.add(hash, loc)) return true;
  if (index.get(hash)?.pack !== loc.pack) shadows?.set(loc.pack.name, loc.pack); // not one pack naming a chunk twice
  return false;
}

export class ChunkIndex {
  private readonly runs: HashRuns;
  /** Packs by number; a dropped pack's slot is undefined, which hides its chunks. */
  private readonly packs: (PackRef | undefined)[] = [];
  private readonly numbers = new Map<PackRef, number>();
  private live = 0;
  private readonly value = Buffer.allocUnsafe(VALUE_BYTES);

  constructor(opts: ChunkIndexOptions) {
    this.runs = new HashRuns({
      dir: opts.dir,
      valueBytes: VALUE_BYTES,
      memEntries: opts.memEntries ?? CHUNK_INDEX_DEFAULTS.memEntries,
      resolve: (v) => this.resolve(v),
    });
  }

  get size(): number {
    return this.live;
  }

  /** Bytes of the chunks the index holds (packs are summed: a few thousand, cheap enough for a metrics scrape). */
  get bytes(): number {
    let total = 0;
    for (const pack of this.numbers.keys()) total += pack.bytes;
    return total;
  }

  get packCount(): number {
    return this.numbers.size;
  }

  /** What the index holds in memory, for tests and metrics: bounded whatever the chunk count. */
  memory(): HashRunsMemory & { packs: number } {
    return { ...this.runs.memory(), packs: this.numbers.size };
  }

  get(hash: Uint8Array): ChunkLocation | undefined {
    const v = this.runs.get(hash);
    return v && this.decode(v);
  }

  has(hash: Uint8Array): boolean {
    return this.runs.get(hash) !== undefined;
  }

  packRefs(): PackRef[] {
    return [...this.numbers.keys()];
  }

  /** Whether a pack of this name has chunks in the index. */
  hasPack(name: string): boolean {
    for (const ref of this.numbers.keys()) if (ref.name === name) return true;
    return false;
  }

  /** Adds a chunk; an existing location wins, so a chunk stored twice keeps one home. */
  add(hash: Uint8Array, loc: ChunkLocation): boolean {
    if (this.has(hash)) return false;
    this.store(hash, loc);
    return true;
  }

  /** Points an existing chunk at a new home (repacking); the old pack's counts shrink. */
  move(hash: Uint8Array, loc: ChunkLocation): void {
    this.delete(hash);
    this.store(hash, loc);
  }

  /** Forgets one chunk; a pack left with no chunks is forgotten too. */
  delete(hash: Uint8Array): void {
    const old = this.get(hash);
    if (!old) return;
    this.value.writeUInt32BE(TOMBSTONE, 0);
    this.value.writeUInt32BE(0, 4);
    this.value.writeUInt32BE(0, 8);
    this.runs.set(hash, this.value);
    this.live--;
    old.pack.chunks--;
    old.pack.bytes -= old.length;
    if (old.pack.chunks === 0) this.forgetPack(old.pack);
  }

  /** Forgets every chunk located in `pack` (its upload failed, or it was swept). */
  dropPack(pack: PackRef): void {
    if (!this.numbers.has(pack)) return;
    this.live -= pack.chunks;
    this.forgetPack(pack);
  }

  /** Every chunk with its location, in hash order. */
  *entries(): IterableIterator<[Buffer, ChunkLocation]> {
    for (const [key, v] of this.runs.entries()) yield [key, this.decode(v)];
  }

  close(): void {
    this.runs.close();
  }

  private store(hash: Uint8Array, loc: ChunkLocation): void {
    this.value.writeUInt32BE(this.numberOf(loc.pack), 0);
    this.value.writeUInt32BE(loc.offset, 4);
    this.value.writeUInt32BE(loc.length, 8);
    this.runs.set(hash, this.value);
    this.live++;
    loc.pack.chunks++;
    loc.pack.bytes += loc.length;
  }

  private numberOf(pack: PackRef): number {
    let n = this.numbers.get(pack);
    if (n === undefined) {
      n = this.packs.push(pack) - 1;
      this.numbers.set(pack, n);
    }
    return n;
  }

  private forgetPack(pack: PackRef): void {
    const n = this.numbers.get(pack);
    if (n === undefined) return;
    this.numbers.delete(pack);
    this.packs[n] = undefined;
  }

  private resolve(v: Buffer): Resolution {
    const n = v.readUInt32BE(0);
    if (n === TOMBSTONE) return 'stop';
    return this.packs[n] ? 'use' : 'skip';
  }

  private decode(v: Buffer): ChunkLocation {
    return { pack: this.packs[v.readUInt32BE(0)]!, offset: v.readUInt32BE(4), length: v.readUInt32BE(8) };
  }
}
