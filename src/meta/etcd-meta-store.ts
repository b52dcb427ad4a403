// MetaStore on etcd v3: the metadata of several Strata servers sharing one
// chunk store. etcd is linearizable, so compare-and-set and conditional
// batches become etcd transactions (compare on value, or version 0 for
// "absent") and every server sees every acknowledged write at once. Scans
// are paged (bounded memory) and read one revision, which is the snapshot
// the contract asks for. Watches come from etcd's watch stream.
//
// etcd refuses a transaction over --max-txn-ops (default 128) or a request
// over --max-request-bytes (default 1.5 MiB). Such a batch could not be
// atomic, so it is refused with META_BATCH_TOO_LARGE before it is sent;
// callers whose writes may land in parts size them by `limits`.
//
// Client: the npm `etcd3` package (multi-endpoint failover, watch resume
// after reconnects, leases and elections). etcd errors are wrapped here.
import { Etcd3, EtcdLeaseInvalidError, type IKeyValue, type IRequestOp, type ICompare, type Lease } from 'etcd3';
import { StrataError, isStrataError } from '../errors/index.ts';
import {
  checkBatch,
  checkBatchLimits,
  checkKey,
  checkLimit,
  checkValue,
  scanRange,
  type BatchCondition,
  type BatchLimits,
  type BatchOp,
  type MetaStore,
  type ScanOptions,
  type StoreLease,
  type WatchEvent,
} from './meta-store.ts';
import { createEtcdElector, type LeaderElector } from './leader-election.ts';

export interface EtcdMetaStoreOptions {
  /** host:port of each member (clients fail over between them). */
  endpoints: string[];
  /** Every key is stored under this prefix, so several deployments can share one etcd. */
  prefix: string;
  /** The cluster's --max-txn-ops (default 128). */
  maxTxnOps?: number;
  /** The cluster's --max-request-bytes (default 1.5 MiB). */
  maxRequestBytes?: number;
  /** How long to wait for etcd at open (default 10 s). */
  dialTimeoutMs?: number;
}

export const ETCD_DEFAULT_LIMITS = { maxTxnOps: 128, maxRequestBytes: 1.5 * 1024 * 1024 } as const;

/** Keys per scan page: bounds a scan's memory whatever the range. */
const SCAN_PAGE = 128;
/** Room left in a request for protobuf framing of ops and compares. */
const REQUEST_OVERHEAD = 64 << 10;

export interface EtcdMetaStore extends MetaStore {
  /** Leader election on the same etcd client (e.g. for the pipeline controller). */
  readonly elector: LeaderElector;
}

/** Connects and checks that etcd answers; META_IO naming the endpoints if it does not. */
export async function createEtcdMetaStore(options: EtcdMetaStoreOptions): Promise<EtcdMetaStore> {
  const client = new Etcd3({
    hosts: options.endpoints.map((e) => `http://${e}`),
    dialTimeout: options.dialTimeoutMs ?? 10_000,
    // A scan page of large staging records may pass grpc's 4 MiB default.
    grpcOptions: { 'grpc.max_receive_message_length': 256 << 20 },
  });
  const store = new EtcdStore(client, options);
  try {
    await store.get('\u0001probe');
  } catch (err) {
    client.close();
    throw err;
  }
  return store;
}

class EtcdStore implements EtcdMetaStore {
  readonly description: string;
  readonly limits: BatchLimits;
  readonly shared = true;
  readonly elector: LeaderElector;
  readonly #client: Etcd3;
  readonly #prefix: Buffer;
  readonly #watchers = new Set<() => Promise<void>>();
  readonly #leases = new Set<EtcdStoreLease>();
  #closed = false;

  constructor(client: Etcd3, options: EtcdMetaStoreOptions) {
    this.#client = client;
    this.#prefix = Buffer.from(options.prefix, 'utf8');
    this.description = `etcd at ${options.endpoints.join(',')}${options.prefix ? ` (prefix ${options.prefix})` : ''}`;
    const maxOps = options.maxTxnOps ?? ETCD_DEFAULT_LIMITS.maxTxnOps;
    const maxRequest = options.maxRequestBytes ?? ETCD_DEFAULT_LIMITS.maxRequestBytes;
    this.limits = { maxOps, maxBytes: Math.max(1024, maxRequest - REQUEST_OVERHEAD) };
    this.elector = createEtcdElector(client.namespace(`${options.prefix}election/`));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkKey(key);
    const res = await this.#call('get', () => this.#client.kv.range({ key: this.#key(key) }));
    const kv = res.kvs[0];
    return kv === undefined ? undefined : copy(kv.value);
  }

  /** One read-only transaction: one round trip, one revision for every key. */
  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    for (const key of keys) checkKey(key);
    if (keys.length === 0) return [];
    if (keys.length === 1) return [await this.get(keys[0]!)];
    if (keys.length > this.limits.maxOps) {
      throw new StrataError('META_BATCH_TOO_LARGE', `a read of ${keys.length} keys is over the ${this.limits.maxOps} ops of one transaction of ${this.description}`, { ops: keys.length, maxOps: this.limits.maxOps });
    }
    const success: IRequestOp[] = keys.map((key) => ({ request_range: { key: this.#key(key) } }));
    const res = await this.#call('get', () => this.#client.kv.txn({ compare: [], success, failure: [] }));
    return res.responses.map((r) => {
      const kv = r.response_range?.kvs[0];
      return kv === undefined ? undefined : copy(kv.value);
    });
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    checkValue(value, checkKey(key));
    await this.#call('put', () => this.#client.kv.put({ key: this.#key(key), value: Buffer.from(value) }));
  }

  async del(key: string): Promise<void> {
    checkKey(key);
    await this.#call('del', () => this.#client.kv.deleteRange({ key: this.#key(key) }));
  }

  async compareAndSet(key: string, expected: Uint8Array | undefined, next: Uint8Array | undefined): Promise<boolean> {
    const op: BatchOp[] = next === undefined ? [{ type: 'del', key }] : [{ type: 'put', key, value: next }];
    return this.batch(op, [{ key, expected }]);
  }

  async batch(ops: readonly BatchOp[], conditions: readonly BatchCondition[] = []): Promise<boolean> {
    this.#checkOpen();
    checkBatch(ops, conditions, true);
    checkBatchLimits(this, ops, conditions);
    if (ops.length === 0 && conditions.length === 0) return true;
    // etcd refuses a key twice in one transaction: the last op on a key wins anyway.
    const last = new Map<string, BatchOp>();
    for (const op of ops) last.set(op.key, op);
    const success: IRequestOp[] = [...last.values()].map((op) =>
      op.type === 'put'
        ? { request_put: { key: this.#key(op.key), value: Buffer.from(op.value), ...(op.lease ? { lease: op.lease.id } : {}) } }
        : { request_delete_range: { key: this.#key(op.key) } },
    );
    const compare: ICompare[] = conditions.map((c) =>
      c.expected === undefined
        ? { key: this.#key(c.key), target: 'Version', result: 'Equal', version: 0 }
        : { key: this.#key(c.key), target: 'Value', result: 'Equal', value: Buffer.from(c.expected) },
    );
    const res = await this.#call('batch', () => this.#client.kv.txn({ compare, success, failure: [] }));
    return res.succeeded;
  }

  scan(options: ScanOptions = {}): AsyncIterable<[string, Uint8Array]> {
    return this.#scan(options);
  }

  async watch(prefix: string, listener: (event: WatchEvent) => void): Promise<() => Promise<void>> {
    this.#checkOpen();
    const watcher = await this.#call('watch', () => this.#client.watch().prefix(this.#key(prefix, true)).withPreviousKV().create());
    watcher.on('data', (res) => {
      for (const ev of res.events) {
        const deleted = String(ev.type) === 'Delete' || (ev.type as unknown) === 1;
        listener({ key: this.#unkey(ev.kv.key), value: deleted ? undefined : copy(ev.kv.value), prev: ev.prev_kv ? copy(ev.prev_kv.value) : undefined });
      }
    });
    // Reconnects are the client's business (it resumes from the last revision); errors are not the listener's.
    watcher.on('error', () => undefined);
    const stop = async (): Promise<void> => {
      this.#watchers.delete(stop);
      await watcher.cancel().catch(() => undefined);
    };
    this.#watchers.add(stop);
    return stop;
  }

  async grantLease(ttlMs: number): Promise<StoreLease> {
    this.#checkOpen();
    const ttl = Math.max(1, Math.ceil(ttlMs / 1000)); // etcd counts whole seconds
    const lease = this.#client.lease(ttl, { autoKeepAlive: false });
    lease.on('lost', () => undefined); // reported through alive() and `lost`
    const sent = performance.now();
    const id = await this.#call('lease grant', () => lease.grant());
    const held = new EtcdStoreLease(lease, id, sent + ttl * 1000, ttl * 1000, this.#leases);
    this.#leases.add(held);
    return held;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#leases].map((l) => l.revoke()));
    await Promise.all([...this.#watchers].map((stop) => stop()));
    this.#client.close();
  }

  async *#scan(options: ScanOptions): AsyncGenerator<[string, Uint8Array]> {
    const range = scanRange(options);
    let remaining = checkLimit(options.limit);
    this.#checkOpen();
    if (range.empty || remaining === 0) return;
    const reverse = options.reverse === true;
    let start = range.gte === undefined || range.gte === '' ? this.#lowest() : this.#key(range.gte);
    let end = range.lt === undefined ? this.#end() : this.#key(range.lt);
    let revision: string | undefined;
    for (;;) {
      const res = await this.#call('scan', () =>
        this.#client.kv.range({
          key: start,
          range_end: end,
          limit: Math.min(SCAN_PAGE, remaining),
          ...(revision === undefined ? {} : { revision }),
          ...(reverse ? { sort_order: 'Descend', sort_target: 'Key' } : {}),
        }),
      );
      revision ??= res.header.revision; // later pages read the same snapshot
      for (const kv of res.kvs) yield [this.#unkey(kv.key), copy(kv.value)];
      remaining -= res.kvs.length;
      const lastKv: IKeyValue | undefined = res.kvs[res.kvs.length - 1];
      if (!res.more || remaining <= 0 || lastKv === undefined) return;
      if (reverse) end = lastKv.key;
      else start = Buffer.concat([lastKv.key, Buffer.from([0])]);
    }
  }

  #key(key: string, allowEmpty = false): Buffer {
    if (!allowEmpty && key.length === 0) return this.#lowest();
    return Buffer.concat([this.#prefix, Buffer.from(key, 'utf8')]);
  }

  #unkey(key: Buffer): string {
    return key.subarray(this.#prefix.length).toString('utf8');
  }

  /** The first key of this store's keyspace (keys are never empty). */
  #lowest(): Buffer {
    return this.#prefix.length === 0 ? Buffer.from([0]) : this.#prefix;
  }

  /** The end of this store's keyspace: the prefix plus one, or "every key" without a prefix. */
  #end(): Buffer {
    const end = Buffer.from(this.#prefix);
    for (let i = end.length - 1; i >= 0; i--) {
      if (end[i]! < 0xff) {
        end[i]!++;
        return end.subarray(0, i + 1);
      }
    }
    return Buffer.from([0]);
  }

  async #call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    this.#checkOpen();
    try {
      return await fn();
    } catch (err) {
      if (isStrataError(err)) throw err;
      if (this.#closed) throw new StrataError('META_CLOSED', `metadata store (${this.description}) is closed`, {}, { cause: err });
      const detail = err instanceof Error ? err.message : String(err);
      throw new StrataError('META_IO', `metadata (${this.description}): ${op} failed: ${detail}`, { op }, { cause: err });
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new StrataError('META_CLOSED', `metadata store (${this.description}) is closed`);
  }
}

/**
 * An etcd lease kept alive every third of its TTL. Whether it holds is
 * judged without comparing clocks with anyone: a keep-alive sent at local
 * monotonic time t that etcd answers with TTL s means etcd keeps the lease
 * at least until t + s (etcd counts from when it got the request, later
 * than t). A process paused past that (SIGSTOP, a long GC pause) finds it
 * gone when it resumes, before any write it makes under it.
 */
class EtcdStoreLease implements StoreLease {
  readonly id: string;
  readonly #lease: Lease;
  readonly #lost = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #registry: Set<EtcdStoreLease>;
  #deadline: number;

  constructor(lease: Lease, id: string, deadline: number, ttlMs: number, registry: Set<EtcdStoreLease>) {
    this.id = id;
    this.#lease = lease;
    this.#deadline = deadline;
    this.#registry = registry;
    this.#timer = setInterval(() => void this.#renew(), Math.max(100, Math.floor(ttlMs / 3)));
    this.#timer.unref();
  }

  get lost(): AbortSignal {
    return this.#lost.signal;
  }

  alive(): boolean {
    if (!this.#lost.signal.aborted && performance.now() >= this.#deadline) this.#lose('its TTL ran out before a keep-alive was answered');
    return !this.#lost.signal.aborted;
  }

  async #renew(): Promise<void> {
    if (!this.alive()) return;
    const sent = performance.now();
    try {
      const res = await this.#lease.keepaliveOnce();
      const ttl = Number(res.TTL);
      if (ttl > 0) this.#deadline = Math.max(this.#deadline, sent + ttl * 1000);
      else this.#lose('etcd says it expired');
    } catch (err) {
      // Not answered: alive() turns false once the deadline passes; an expired lease is gone for good.
      if (err instanceof EtcdLeaseInvalidError) this.#lose('etcd says it expired');
    }
  }

  #lose(why: string): void {
    clearInterval(this.#timer);
    this.#registry.delete(this);
    if (!this.#lost.signal.aborted) this.#lost.abort(new StrataError('CONCURRENT_UPDATE', `etcd lease ${this.id} is gone (${why})`, { lease: this.id }));
  }

  async revoke(): Promise<void> {
    this.#lose('revoked');
    // Also when it ran out here: etcd may still hold it (our deadline is the cautious one).
    await this.#lease.revoke().catch(() => undefined);
  }
}

/** A plain Uint8Array copy (grpc hands out Buffers over its own memory). */
function copy(value: Buffer): Uint8Array {
  return new Uint8Array(value);
}
