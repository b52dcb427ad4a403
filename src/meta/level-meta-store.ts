// MetaStore on LevelDB (classic-level), on disk: the embedded default.
// LevelDB batches are atomic, and every acknowledged write is synced
// (`sync: true`) so it survives a crash. LevelDB has no compare-and-set, so
// writes take in-process key locks (keyed-lock.ts) around read-then-write;
// LevelDB's own directory lock keeps other processes out. LevelDB errors are
// wrapped here and never leave this file.
import { resolve } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { StrataError, isStrataError, type ErrorCode } from '../errors/index.ts';
import { KeyedLock } from './keyed-lock.ts';
import { LocalWatchers } from './local-watchers.ts';
import {
  bytesEqual,
  checkBatch,
  checkKey,
  checkLimit,
  checkValue,
  scanRange,
  type BatchCondition,
  type BatchOp,
  type MetaStore,
  type ScanOptions,
  type WatchEvent,
  UNLIMITED_BATCH,
} from './meta-store.ts';

export interface LevelMetaStoreOptions {
  /** Directory of the database; created if missing. */
  path: string;
  /** fsync every write before acknowledging it. Default true; only tests should turn it off. */
  sync?: boolean;
  /** LevelDB's block cache, bytes (LevelDB's default: 8 MiB). */
  cacheBytes?: number;
}

type Db = ClassicLevel<string, Uint8Array>;

const SCAN_BATCH = 256;

/** Opens (creating if needed) the database at `path`. META_LOCKED if another process has it open. */
export async function createLevelMetaStore(options: LevelMetaStoreOptions): Promise<MetaStore> {
  const path = resolve(options.path);
  let db: Db;
  try {
    db = new ClassicLevel<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view', ...(options.cacheBytes === undefined ? {} : { cacheSize: options.cacheBytes }) });
    await db.open();
  } catch (err) {
    throw levelError(err, path, 'open');
  }
  return new LevelMetaStore(db, path, options.sync ?? true);
}

class LevelMetaStore implements MetaStore {
  readonly description: string;
  readonly limits = UNLIMITED_BATCH;
  readonly #db: Db;
  readonly #watchers = new LocalWatchers();
  readonly #path: string;
  readonly #sync: boolean;
  readonly #lock = new KeyedLock();
  #closed = false;

  constructor(db: Db, path: string, sync: boolean) {
    this.#db = db;
    this.#path = path;
    this.#sync = sync;
    this.description = `leveldb at ${path}`;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkKey(key);
    return this.#call('get', async () => toView(await this.#db.get(key)));
  }

  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    for (const key of keys) checkKey(key);
    if (keys.length === 0) return [];
    return this.#call('get', async () => (await this.#db.getMany([...keys])).map(toView));
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    checkValue(value, checkKey(key));
    await this.#lock.run([key], () => this.#call('put', () => this.#write([{ type: 'put', key, value }])));
  }

  async del(key: string): Promise<void> {
    checkKey(key);
    await this.#lock.run([key], () => this.#call('del', () => this.#write([{ type: 'del', key }])));
  }

  async compareAndSet(key: string, expected: Uint8Array | undefined, next: Uint8Array | undefined): Promise<boolean> {
    const op: BatchOp[] = next === undefined ? [{ type: 'del', key }] : [{ type: 'put', key, value: next }];
    return this.batch(op, [{ key, expected }]);
  }

  async batch(ops: readonly BatchOp[], conditions: readonly BatchCondition[] = []): Promise<boolean> {
    checkBatch(ops, conditions);
    const keys = [...ops.map((op) => op.key), ...conditions.map((c) => c.key)];
    return this.#lock.run(keys, () =>
      this.#call('batch', async () => {
        if (!(await this.#conditionsHold(conditions))) return false;
        if (ops.length > 0) await this.#write(ops);
        return true;
      }),
    );
  }

  scan(options: ScanOptions = {}): AsyncIterable<[string, Uint8Array]> {
    return this.#scan(options);
  }

  async watch(prefix: string, listener: (event: WatchEvent) => void): Promise<() => Promise<void>> {
    this.#checkOpen();
    return this.#watchers.add(prefix, listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#watchers.clear();
    try {
      await this.#db.close();
    } catch (err) {
      throw levelError(err, this.#path, 'close');
    }
  }

  /**
   * Applies ops (callers hold their keys' locks) and tells watchers. The
   * previous values are read only while someone watches, under the same
   * locks, so they are exact.
   */
  async #write(ops: readonly BatchOp[]): Promise<void> {
    const watched = ops.filter((op) => this.#watchers.watches(op.key));
    const prev = watched.length > 0 ? await this.#db.getMany(watched.map((op) => op.key)) : [];
    if (ops.length === 1) {
      const op = ops[0]!;
      if (op.type === 'put') await this.#db.put(op.key, op.value, { sync: this.#sync });
      else await this.#db.del(op.key, { sync: this.#sync });
    } else {
      await this.#db.batch(ops.map(toLevelOp), { sync: this.#sync });
    }
    // A key written twice in one batch: the second event's `prev` is the first op's value.
    const seen = new Map<string, Uint8Array | undefined>();
    watched.forEach((op, i) => {
      const before = seen.has(op.key) ? seen.get(op.key) : toView(prev[i]);
      const after = op.type === 'put' ? op.value : undefined;
      seen.set(op.key, after);
      if (before !== undefined || after !== undefined) this.#watchers.emit(op.key, after, before);
    });
  }

  async #conditionsHold(conditions: readonly BatchCondition[]): Promise<boolean> {
    if (conditions.length === 0) return true;
    const current = await this.#db.getMany(conditions.map((c) => c.key));
    return conditions.every((c, i) => bytesEqual(toView(current[i]), c.expected));
  }

  // The LevelDB iterator (and its implicit snapshot) is created at the first next().
  async *#scan(options: ScanOptions): AsyncGenerator<[string, Uint8Array]> {
    const range = scanRange(options);
    const limit = checkLimit(options.limit);
    this.#checkOpen();
    if (range.empty || limit === 0) return;
    const iterator = await this.#call('scan', async () =>
      this.#db.iterator({
        ...(range.gte === undefined ? {} : { gte: range.gte }),
        ...(range.lt === undefined ? {} : { lt: range.lt }),
        reverse: options.reverse === true,
        limit: limit === Infinity ? -1 : limit,
      }),
    );
    try {
      for (;;) {
        const entries = await this.#call('scan', () => iterator.nextv(SCAN_BATCH));
        if (entries.length === 0) return;
        for (const [key, value] of entries) yield [key, toView(value)!];
      }
    } finally {
      await iterator.close().catch(() => undefined);
    }
  }

  /** Runs a LevelDB call, turning its errors into StrataErrors that name the path. */
  async #call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    this.#checkOpen();
    try {
      return await fn();
    } catch (err) {
      throw this.#closed ? closedError(this.#path, err) : levelError(err, this.#path, op);
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw closedError(this.#path);
  }
}

function toLevelOp(op: BatchOp): { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string } {
  return op.type === 'put' ? { type: 'put', key: op.key, value: op.value } : { type: 'del', key: op.key };
}

/** A plain Uint8Array over the same bytes (LevelDB hands out Buffers). */
function toView(value: Uint8Array | undefined): Uint8Array | undefined {
  if (value === undefined) return undefined;
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function closedError(path: string, cause?: unknown): StrataError {
  return new StrataError('META_CLOSED', `metadata store at ${path} is closed`, { path }, { cause });
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** LevelDB error -> StrataError. Open failures carry the real reason in `cause`. */
function levelError(err: unknown, path: string, op: string): StrataError {
  if (isStrataError(err)) return err;
  const codes = [errorCode(err), errorCode((err as { cause?: unknown } | null)?.cause)];
  const detail = err instanceof Error ? describe(err) : String(err);
  if (codes.includes('LEVEL_LOCKED')) {
    return new StrataError('META_LOCKED', `metadata at ${path} is locked by another strata process; stop it or use another data directory`, { path }, { cause: err });
  }
  const code: ErrorCode = codes.includes('LEVEL_CORRUPTION') ? 'META_CORRUPT' : 'META_IO';
  return new StrataError(code, `metadata at ${path}: ${op} failed: ${detail}`, { path, op }, { cause: err });
}

function describe(err: Error): string {
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
