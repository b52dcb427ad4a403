// MetaStore in memory, for tests and throwaway servers. Keys are kept sorted
// in UTF-8 byte order like LevelDB's; values are copied in and out so callers
// cannot change stored bytes. Every write runs without an await between its
// read and its write, so compare-and-set is atomic without a lock.
import { StrataError } from '../errors/index.ts';
import { LocalWatchers } from './local-watchers.ts';
import {
  bytesEqual,
  checkBatch,
  checkKey,
  checkLimit,
  checkValue,
  compareKeys,
  scanRange,
  type BatchCondition,
  type BatchOp,
  type MetaStore,
  type ScanOptions,
  type WatchEvent,
  UNLIMITED_BATCH,
} from './meta-store.ts';

export function createMemoryMetaStore(): MetaStore {
  return new MemoryMetaStore();
}

class MemoryMetaStore implements MetaStore {
  readonly description = 'memory';
  readonly limits = UNLIMITED_BATCH;
  readonly #watchers = new LocalWatchers();
  readonly #values = new Map<string, Uint8Array>();
  #keys: string[] = [];
  #closed = false;

  async get(key: string): Promise<Uint8Array | undefined> {
    this.#checkOpen();
    const value = this.#values.get(checkKey(key));
    return value === undefined ? undefined : value.slice();
  }

  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    this.#checkOpen();
    return keys.map((key) => this.#values.get(checkKey(key))?.slice());
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.#checkOpen();
    this.#set(checkKey(key), checkValue(value, key).slice());
  }

  async del(key: string): Promise<void> {
    this.#checkOpen();
    this.#delete(checkKey(key));
  }

  async compareAndSet(key: string, expected: Uint8Array | undefined, next: Uint8Array | undefined): Promise<boolean> {
    const op: BatchOp[] = next === undefined ? [{ type: 'del', key }] : [{ type: 'put', key, value: next }];
    return this.batch(op, [{ key, expected }]);
  }

  async batch(ops: readonly BatchOp[], conditions: readonly BatchCondition[] = []): Promise<boolean> {
    this.#checkOpen();
    checkBatch(ops, conditions);
    if (!conditions.every((c) => bytesEqual(this.#values.get(c.key), c.expected))) return false;
    for (const op of ops) {
      if (op.type === 'put') this.#set(op.key, op.value.slice());
      else this.#delete(op.key);
    }
    return true;
  }

  scan(options: ScanOptions = {}): AsyncIterable<[string, Uint8Array]> {
    return this.#iterate(options);
  }

  async watch(prefix: string, listener: (event: WatchEvent) => void): Promise<() => Promise<void>> {
    this.#checkOpen();
    return this.#watchers.add(prefix, listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#watchers.clear();
    this.#values.clear();
    this.#keys = [];
  }

  // Snapshot at the first next(): stored arrays are never mutated (writes
  // replace them), so holding references to them is enough.
  async *#iterate(options: ScanOptions): AsyncGenerator<[string, Uint8Array]> {
    this.#checkOpen();
    const range = scanRange(options);
    const limit = checkLimit(options.limit);
    if (range.empty || limit === 0) return;
    const keys = this.#keys.slice(this.#lowerIndex(range.gte), this.#lowerIndex(range.lt, true));
    if (options.reverse === true) keys.reverse();
    const snapshot = keys.slice(0, Math.min(keys.length, limit)).map((k) => [k, this.#values.get(k)!] as const);
    for (const [key, value] of snapshot) yield [key, value.slice()];
  }

  /** Index of the first key >= bound (undefined bound: start, or end when `isUpper`). */
  #lowerIndex(bound: string | undefined, isUpper = false): number {
    if (bound === undefined) return isUpper ? this.#keys.length : 0;
    let lo = 0;
    let hi = this.#keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.#keys[mid]!, bound) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #set(key: string, value: Uint8Array): void {
    const prev = this.#values.get(key);
    if (prev === undefined) this.#keys.splice(this.#lowerIndex(key), 0, key);
    this.#values.set(key, value);
    this.#watchers.emit(key, value, prev);
  }

  #delete(key: string): void {
    const prev = this.#values.get(key);
    if (!this.#values.delete(key)) return;
    this.#keys.splice(this.#lowerIndex(key), 1);
    this.#watchers.emit(key, undefined, prev);
  }

  #checkOpen(): void {
    if (this.#closed) throw new StrataError('META_CLOSED', 'metadata store (memory) is closed');
  }
}
