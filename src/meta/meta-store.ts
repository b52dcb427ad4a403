// The metadata backend: a small ordered key-value store with compare-and-set
// and conditional atomic batches, which is all pfs needs to move branch heads
// safely (as lakeFS's kv.Store with SetIf). Adapters: LevelDB (the embedded
// default) and memory; a replicated store (etcd) can implement it too.
// Every adapter runs test/contract/meta-store.contract.ts.
//
// Keys are strings ordered by their UTF-8 bytes (= Unicode code point order),
// never by JavaScript's UTF-16 `<`. The key layout lives in keys.ts only.
import { StrataError } from '../errors/index.ts';
import { compareCodePoints, quoteInput } from '../ids.ts';

export interface ScanOptions {
  /** Only keys that start with this prefix. */
  prefix?: string;
  /** Only keys >= gte. Combined with prefix, both must hold. */
  gte?: string;
  /** Only keys < lt. */
  lt?: string;
  /** At most this many entries (counted in scan direction). */
  limit?: number;
  /** Descending key order. */
  reverse?: boolean;
}

/** `lease`: the key is bound to a store-kept lease (MetaStore.grantLease) and vanishes when it expires. */
export type BatchOp = { type: 'put'; key: string; value: Uint8Array; lease?: StoreLease } | { type: 'del'; key: string };

/**
 * A lease kept by the store itself (etcd's): the store counts its TTL and
 * deletes the keys bound to it when no keep-alive arrived in time, whatever
 * the servers' clocks say. Its holder keeps it alive every third of the TTL
 * and judges it only by what the store answered and its own monotonic
 * clock (a keep-alive sent at t and answered with TTL s holds until t + s).
 */
export interface StoreLease {
  /** The store's id of the lease (decimal). */
  readonly id: string;
  /** False once the lease may have expired (or was revoked); it never comes back. */
  alive(): boolean;
  /** Aborted when the lease is known gone or ran out by the local monotonic clock. */
  readonly lost: AbortSignal;
  /** Stops the keep-alives and ends the lease (its keys go). Idempotent. */
  revoke(): Promise<void>;
}

/** Holds when the key's current value equals `expected` byte for byte; undefined = the key must not exist. */
export interface BatchCondition {
  key: string;
  expected: Uint8Array | undefined;
}

/** One change seen by a watch: `value` undefined = the key was deleted; `prev` is the value before. */
export interface WatchEvent {
  key: string;
  value: Uint8Array | undefined;
  prev: Uint8Array | undefined;
}

/** What one batch may hold; callers that may split their writes size them by this. */
export interface BatchLimits {
  /** Ops plus conditions in one batch. */
  maxOps: number;
  /** Bytes of keys and values in one batch. */
  maxBytes: number;
}

export const UNLIMITED_BATCH: BatchLimits = { maxOps: Infinity, maxBytes: Infinity };

export interface MetaStore {
  /** Names the store in messages, e.g. `leveldb at /data/meta`. */
  readonly description: string;
  /** A batch above these is refused with META_BATCH_TOO_LARGE (it could not be atomic). */
  readonly limits: BatchLimits;
  /** Other processes (servers) may use the store at the same time. */
  readonly shared?: boolean;
  /** The value, or undefined when absent. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * The values of several keys (undefined where absent), in the order asked,
   * read from one snapshot: on etcd one round trip instead of one per key.
   */
  getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  /** Resolves once the write is durable. */
  put(key: string, value: Uint8Array): Promise<void>;
  /** Removing an absent key is not an error. */
  del(key: string): Promise<void>;
  /**
   * Atomically: if the current value equals `expected` (undefined = absent),
   * store `next` (undefined = delete) and resolve true; else change nothing and
   * resolve false.
   */
  compareAndSet(key: string, expected: Uint8Array | undefined, next: Uint8Array | undefined): Promise<boolean>;
  /**
   * Entries in key order (descending with `reverse`). Iteration sees one
   * consistent snapshot, taken when iteration begins; stopping early (break)
   * releases it.
   */
  scan(options?: ScanOptions): AsyncIterable<[string, Uint8Array]>;
  /**
   * Applies all ops atomically, in order (a later op on the same key wins),
   * but only if every condition holds; resolves false and writes nothing
   * otherwise. This is how a commit finishes: the head moves and the commit
   * record is written in one step.
   */
  batch(ops: readonly BatchOp[], conditions?: readonly BatchCondition[]): Promise<boolean>;
  /**
   * Calls `listener` for every later change (by any process sharing the
   * store) of a key under `prefix`, in the order the changes were applied.
   * Resolves once the watch is in place: no change made after that is
   * missed. The returned function stops it. Listeners must not throw.
   */
  watch(prefix: string, listener: (event: WatchEvent) => void): Promise<() => Promise<void>>;
  /**
   * Only on stores several processes share (etcd): a lease of about `ttlMs`
   * (rounded up to the store's granularity) the store keeps, for batch puts
   * to bind keys to (see StoreLease). Stores without it refuse such puts.
   */
  grantLease?(ttlMs: number): Promise<StoreLease>;
  /** Idempotent. Any later call fails with META_CLOSED. */
  close(): Promise<void>;
}

// ---- helpers shared by the adapters (validation lives here, once) ----

const LONE_SURROGATE = /\p{Surrogate}/u;

/** Keys must be non-empty, valid Unicode strings: UTF-8 would silently change a lone surrogate. */
export function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || LONE_SURROGATE.test(key)) {
    throw new StrataError('INVALID_ARGUMENT', `invalid metadata key ${quoteInput(key)}: must be a non-empty, valid Unicode string`);
  }
  return key;
}

export function checkValue(value: unknown, key: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new StrataError('INVALID_ARGUMENT', `invalid value for metadata key ${quoteInput(key)}: must be a Uint8Array`);
  }
  return value;
}

/** `leases`: the store keeps leases (grantLease); others refuse a put bound to one. */
export function checkBatch(ops: readonly BatchOp[], conditions: readonly BatchCondition[], leases = false): void {
  for (const op of ops) {
    checkKey(op.key);
    if (op.type === 'put') {
      checkValue(op.value, op.key);
      if (op.lease !== undefined && !leases) throw new StrataError('INVALID_ARGUMENT', `metadata key ${quoteInput(op.key)}: this store keeps no leases`);
      if (op.lease !== undefined && !op.lease.alive()) throw new StrataError('CONCURRENT_UPDATE', `the lease for metadata key ${quoteInput(op.key)} ran out before the write; nothing was written`);
    }
    else if (op.type !== 'del') throw new StrataError('INVALID_ARGUMENT', `invalid batch op type ${quoteInput(String((op as { type: unknown }).type))}`);
  }
  for (const c of conditions) {
    checkKey(c.key);
    if (c.expected !== undefined) checkValue(c.expected, c.key);
  }
}

export const compareKeys = compareCodePoints;

const utf8 = new TextEncoder();

/** Bytes a batch op or condition puts on the wire (key and value). */
export function opBytes(op: BatchOp | BatchCondition): number {
  const value = 'type' in op ? (op.type === 'put' ? op.value : undefined) : op.expected;
  return utf8.encode(op.key).length + (value?.length ?? 0);
}

export function checkBatchLimits(store: { description: string; limits: BatchLimits }, ops: readonly BatchOp[], conditions: readonly BatchCondition[]): void {
  const count = ops.length + conditions.length;
  if (count <= store.limits.maxOps && store.limits.maxBytes === Infinity) return;
  let bytes = 0;
  for (const op of ops) bytes += opBytes(op);
  for (const c of conditions) bytes += opBytes(c);
  if (count > store.limits.maxOps || bytes > store.limits.maxBytes) {
    throw new StrataError(
      'META_BATCH_TOO_LARGE',
      `a batch of ${count} ops and ${bytes} bytes is over the limits of ${store.description} (${store.limits.maxOps} ops, ${store.limits.maxBytes} bytes); it cannot be applied atomically`,
      { ops: count, bytes, maxOps: store.limits.maxOps, maxBytes: store.limits.maxBytes },
    );
  }
}

/**
 * Splits ops into batches within `limits`, each keeping room for
 * `conditions` (which every part repeats). Only for writes whose parts may
 * land separately (each part is still atomic).
 */
export function splitBatch<T extends BatchOp>(ops: readonly T[], limits: BatchLimits, conditions: readonly BatchCondition[] = []): T[][] {
  const reservedOps = conditions.length;
  const reservedBytes = conditions.reduce((n, c) => n + opBytes(c), 0);
  const parts: T[][] = [];
  let part: T[] = [];
  let bytes = reservedBytes;
  for (const op of ops) {
    const size = opBytes(op);
    if (part.length > 0 && (part.length + 1 + reservedOps > limits.maxOps || bytes + size > limits.maxBytes)) {
      parts.push(part);
      part = [];
      bytes = reservedBytes;
    }
    part.push(op);
    bytes += size;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

export function bytesEqual(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The smallest key greater than every key that starts with `prefix`; undefined if none exists. */
export function prefixUpperBound(prefix: string): string | undefined {
  const cps = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (cps.length > 0) {
    const last = cps.pop()!;
    if (last < 0x10ffff) {
      const next = last === 0xd7ff ? 0xe000 : last + 1; // skip the surrogate range
      return String.fromCodePoint(...cps, next);
    }
  }
  return undefined;
}

export interface KeyRange {
  gte?: string;
  lt?: string;
  /** The range is empty: scan nothing. */
  empty: boolean;
}

/** Intersects prefix, gte and lt into one half-open range [gte, lt). */
export function scanRange(options: ScanOptions): KeyRange {
  let gte = options.gte === undefined ? undefined : checkKeyBound(options.gte);
  let lt = options.lt === undefined ? undefined : checkKeyBound(options.lt);
  if (options.prefix !== undefined && options.prefix.length > 0) {
    const prefix = checkKeyBound(options.prefix);
    if (gte === undefined || compareKeys(prefix, gte) > 0) gte = prefix;
    const upper = prefixUpperBound(prefix);
    if (upper !== undefined && (lt === undefined || compareKeys(upper, lt) < 0)) lt = upper;
  }
  const empty = gte !== undefined && lt !== undefined && compareKeys(gte, lt) >= 0;
  return { gte, lt, empty };
}

function checkKeyBound(bound: unknown): string {
  if (typeof bound !== 'string' || LONE_SURROGATE.test(bound)) {
    throw new StrataError('INVALID_ARGUMENT', `invalid scan bound ${quoteInput(bound)}: must be a valid Unicode string`);
  }
  return bound;
}

export function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return Infinity;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new StrataError('INVALID_ARGUMENT', `invalid scan limit ${limit}: must be a non-negative integer`);
  }
  return limit;
}
