// The chunk and index-object hashes a commit refers to, which must be proved
// durable before the commit becomes visible. A bulk load refers to a million
// chunks: held as Buffers they took ~100 MiB of heap, and checking them in
// arrival order cost a random pread of the chunk index each. Here they go to
// a hash set on local disk (memory bounded), which hands them back sorted and
// without duplicates, so the checks walk the index's blocks in order.
import type { ChunkStore } from '../blocks/chunk-store.ts';

/** Hashes kept in memory before the set writes a sorted run (~150 bytes each). */
const MEM_ENTRIES = 64 << 10;

export interface DurableSet {
  /** Adds a hash (raw bytes); `push` so the index object store can record into it. */
  push(hash: Uint8Array): void;
  addHex(hash: string): void;
  /** Every hash added, ascending, once each. */
  hashes(): Iterable<Buffer>;
  close(): void;
}

export function createDurableSet(chunks: ChunkStore): DurableSet {
  const set = chunks.newHashSet(MEM_ENTRIES);
  return {
    push: (hash) => set.set(hash),
    addHex: (hash) => set.set(Buffer.from(hash, 'hex')),
    *hashes() {
      for (const [key] of set.entries()) yield key;
    },
    close: () => set.close(),
  };
}
