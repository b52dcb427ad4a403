// Where every stored chunk lives: chunk hash -> (pack, offset, length).
// Held in memory; its persistent form is the index objects and pack trailers
// (see pack-format.ts). Keys are the 32 raw hash bytes as a latin1 string,
// half the memory of hex.

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
}

export interface ChunkLocation {
  pack: PackRef;
  offset: number;
  length: number;
}

export function hashKey(hash: Uint8Array): string {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('latin1');
}

export function hashFromKey(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}

export class ChunkIndex {
  private readonly byHash = new Map<string, ChunkLocation>();
  private readonly packs = new Set<PackRef>();

  get size(): number {
    return this.byHash.size;
  }

  get packCount(): number {
    return this.packs.size;
  }

  get(hash: Uint8Array): ChunkLocation | undefined {
    return this.byHash.get(hashKey(hash));
  }

  has(hash: Uint8Array): boolean {
    return this.byHash.has(hashKey(hash));
  }

  packRefs(): PackRef[] {
    return [...this.packs];
  }

  /** Adds a chunk; an existing location wins, so a chunk stored twice keeps one home. */
  add(hash: Uint8Array, loc: ChunkLocation): boolean {
    const key = hashKey(hash);
    if (this.byHash.has(key)) return false;
    this.byHash.set(key, loc);
    loc.pack.chunks++;
    loc.pack.bytes += loc.length;
    this.packs.add(loc.pack);
    return true;
  }

  /** Points an existing chunk at a new home (repacking); the old pack's counts shrink. */
  move(hash: Uint8Array, loc: ChunkLocation): void {
    this.delete(hash);
    this.add(hash, loc);
  }

  /** Forgets one chunk; a pack left with no chunks is forgotten too. */
  delete(hash: Uint8Array): void {
    const key = hashKey(hash);
    const loc = this.byHash.get(key);
    if (!loc) return;
    this.byHash.delete(key);
    loc.pack.chunks--;
    loc.pack.bytes -= loc.length;
    if (loc.pack.chunks === 0) this.packs.delete(loc.pack);
  }

  /** Forgets every chunk located in `pack` (its upload failed, or it was swept). */
  dropPack(pack: PackRef): void {
    if (!this.packs.delete(pack)) return;
    for (const [key, loc] of this.byHash) if (loc.pack === pack) this.byHash.delete(key);
  }

  *entries(): IterableIterator<[Buffer, ChunkLocation]> {
    for (const [key, loc] of this.byHash) yield [hashFromKey(key), loc];
  }
}
