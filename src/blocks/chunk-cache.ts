// A byte-bounded LRU of verified chunks, so re-reads (a mount's repeated
// stat-and-read, a diff) skip the store. Map keeps insertion order, which
// is all an LRU needs.
import { hashKey } from './chunk-index.ts';

export class ChunkCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(hash: Uint8Array): Buffer | undefined {
    const key = hashKey(hash);
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(hash: Uint8Array, chunk: Buffer): void {
    if (chunk.length > this.maxBytes / 4) return; // one huge chunk must not flush everything
    const key = hashKey(hash);
    if (this.entries.has(key)) return;
    this.entries.set(key, chunk);
    this.bytes += chunk.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }

  /** Bytes of chunks held now (at most the bound). */
  get size(): number {
    return this.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
