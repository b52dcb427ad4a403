// What every read operation shares: cached, counted loading of ranges and
// metaranges, and positioning by key without reading more than one range.
import { decodeMetarange, decodeRange, decodeRoot } from './encoding.ts';
import { LruCache } from './lru-cache.ts';
import { comparePaths } from './paths.ts';
import type { FileEntry, IndexObjectStore, RangeRecord } from './types.ts';

export interface ReaderStats {
  /** Objects fetched from the store (cache misses). */
  objectsRead: number;
  /** Loads answered by the cache or by a fetch already in flight. */
  cacheHits: number;
}

// Decoded objects take several times their encoded size on the JS heap
// (strings, objects, arrays); the cache budget is meant as heap bytes.
// Measured (heap snapshot of a server that had listed 199,809 small
// files, all cached): ~400 heap bytes an entry, from ~47 encoded. With 4
// here the cache held about twice its budget.
const HEAP_FACTOR = 8;
const OBJECT_OVERHEAD = 256;

export class ReaderCore {
  readonly stats: ReaderStats = { objectsRead: 0, cacheHits: 0 };
  private readonly cache: LruCache<unknown>;
  private readonly inflight = new Map<string, Promise<unknown>>();

  /** Estimated heap bytes the cache holds now (bounded by the reader's cacheBytes). */
  get cachedBytes(): number {
    return this.cache.weight;
  }

  constructor(private readonly store: IndexObjectStore, cacheBytes: number) {
    this.cache = new LruCache(cacheBytes);
  }

  /** Every range of the index, in order, whether its root is one metarange or a metatree of them. */
  async meta(root: string): Promise<readonly RangeRecord[]> {
    const top = await this.load(`m:${root}`, root, decodeRoot);
    if (!top.tree) return top.records;
    const groups = await Promise.all(top.records.map((g) => this.load(`g:${g.hash}`, g.hash, decodeMetarange)));
    return groups.flat();
  }

  /**
   * The ranges that can hold `path`: under a metatree only the one group
   * whose span covers it is read, so a lookup reads root, group and range.
   */
  async rangesNear(root: string, path: string): Promise<readonly RangeRecord[]> {
    const top = await this.load(`m:${root}`, root, decodeRoot);
    if (!top.tree) return top.records;
    const g = top.records[findRange(top.records, path)];
    return g === undefined ? [] : this.load(`g:${g.hash}`, g.hash, decodeMetarange);
  }

  /** A root's records: ranges (one level), or metarange groups (a metatree). */
  root(root: string): Promise<{ tree: boolean; records: RangeRecord[] }> {
    return this.load(`m:${root}`, root, decodeRoot);
  }

  /** The ranges of one metarange group. */
  group(g: RangeRecord): Promise<readonly RangeRecord[]> {
    return this.load(`g:${g.hash}`, g.hash, decodeMetarange);
  }

  /** The metarange groups under a metatree root (none for a one-level index). */
  async groups(root: string): Promise<string[]> {
    const top = await this.load(`m:${root}`, root, decodeRoot);
    return top.tree ? top.records.map((g) => g.hash) : [];
  }

  range(rec: RangeRecord): Promise<readonly FileEntry[]> {
    return this.load(`r:${rec.hash}`, rec.hash, decodeRange);
  }

  private load<T>(key: string, hash: string, decode: (bytes: Uint8Array, hash: string) => T): Promise<T> {
    const cached = this.cache.get(key) as T | undefined;
    const pending = cached === undefined ? (this.inflight.get(key) as Promise<T> | undefined) : undefined;
    if (cached !== undefined || pending !== undefined) {
      this.stats.cacheHits++;
      return cached !== undefined ? Promise.resolve(cached) : pending!;
    }
    // Concurrent readers of one object share one fetch.
    const fetch = (async () => {
      try {
        const bytes = await this.store.get(hash);
        this.stats.objectsRead++;
        const value = decode(bytes, hash);
        this.cache.set(key, value, bytes.length * HEAP_FACTOR + OBJECT_OVERHEAD);
        return value;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, fetch);
    return fetch;
  }
}

/** Index of the first range whose last path is at or after `key` (ranges.length if none), searching from `from`. */
export function findRange(ranges: readonly RangeRecord[], key: string, from = 0): number {
  let lo = from;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePaths(ranges[mid]!.lastPath, key) >= 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of the first entry whose path is at or after `key`. */
export function lowerBound(entries: readonly FileEntry[], key: string, from = 0): number {
  let lo = from;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePaths(entries[mid]!.path, key) >= 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
