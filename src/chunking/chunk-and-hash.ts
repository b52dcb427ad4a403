// The ingest pipeline: chunk a stream and hash every chunk, on several cores.
//
// The calling thread finds the boundaries, sequentially, so the chunks are
// exactly those of chunkStream by construction. Hashing, which has no order
// dependency, is shared: consecutive chunks form ~1 MiB batches, and a batch
// goes to a worker thread (hash-pool.ts) when the workers have room, else
// this thread hashes it at once. So an idle second core takes most of the
// hashing, and a starved one (a busy machine) leaves the work to this thread
// instead of stalling it. Results come out in stream order.
//
// Measured on an otherwise idle 2-core machine, 512 MiB in memory
// (bench/chunking.ts --all): sequential chunk+hash ~0.9 GB/s, this ~1.0-1.1
// GB/s (the calling thread, at ~1 ns/B, is the limit). Alternatives:
//   (a) crypto.subtle.digest per chunk, which hashes on libuv's pool:
//       ~0.77 GB/s. Each call costs the calling thread ~40 us per 64 KiB
//       chunk on Node 20, so that thread spent more (~1.27 ns/B) than
//       sequential chunk+hash does in total (~1.08 ns/B); see hash-pool.ts.
//   (b) workers that chunk and hash whole segments, stitched where chunking
//       resynchronises (bench/chunking-segments.ts): 0.8-1.0 GB/s with two
//       workers, for about the same CPU per byte, and it needs a TypeScript
//       loader in every worker and a subtle stitcher.
// On a busy machine (no free second core) any of these loses to sequential:
// the split costs 40-60% more CPU in total (copies, cross-core cache traffic);
// pass concurrency: 1 there.
//
// Memory: at most maxInFlightBytes of chunks wait to be yielded, plus the
// batch copies held by workers (two per thread), the batch being filled and
// the chunker's own bound. Yielded chunks are views into the input buffers,
// as with chunkStream.
import { availableParallelism } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { StrataError } from '../errors/index.ts';
import { ChunkSplitter, createChunker } from './chunker.ts';
import { createHashPool, type HashPool } from './hash-pool.ts';
import { hashChunk } from './hash.ts';
import { DEFAULT_PARAMS, type ChunkingParams } from './params.ts';

export interface HashedChunk {
  /** SHA-256 of data. */
  hash: Buffer;
  data: Uint8Array;
}

export interface ChunkAndHashOptions {
  /**
   * Cores to use: 1 hashes on the calling thread; n > 1 adds n-1 hash
   * workers. Default: the machine's parallelism, at most 3 (one thread finds
   * boundaries at ~1.8 GB/s; two threads hashing at ~1.2 GB/s keep up).
   */
  concurrency?: number;
  /** Bound on bytes chunked but not yet yielded. Default 32 MiB. */
  maxInFlightBytes?: number;
  /** Chunking parameters; the default is the storage format's. */
  params?: ChunkingParams;
  /** Hash workers to use instead of the shared pool (see sharedHashPool). */
  pool?: HashPool;
  /** Bytes per message to a worker (default 1 MiB); tests make it small. */
  batchBytes?: number;
}

const MiB = 1024 * 1024;
export const DEFAULT_MAX_IN_FLIGHT_BYTES = 32 * MiB;
/** Big enough that one message per batch costs little, small enough to keep both threads busy. */
const DEFAULT_BATCH_BYTES = 1 * MiB;

/** Chunks and hashes a stream, yielding {hash, data} in order. */
export async function* chunkAndHash(
  source: AsyncIterable<Uint8Array>,
  opts: ChunkAndHashOptions = {},
): AsyncGenerator<HashedChunk, void, undefined> {
  const concurrency = opts.concurrency ?? Math.min(availableParallelism(), 3);
  const budget = opts.maxInFlightBytes ?? DEFAULT_MAX_IN_FLIGHT_BYTES;
  const batchBytes = opts.batchBytes ?? DEFAULT_BATCH_BYTES;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new StrataError('INVALID_ARGUMENT', `concurrency must be a positive integer, got ${concurrency}`, {
      concurrency,
    });
  }
  if (!(budget > 0) || !(batchBytes > 0)) {
    const data = { maxInFlightBytes: budget, batchBytes };
    throw new StrataError('INVALID_ARGUMENT', 'maxInFlightBytes and batchBytes must be positive', data);
  }
  const params = opts.params ?? DEFAULT_PARAMS;
  const small = await readSmall(source, params.minSize);
  if (small.whole) {
    // Shorter than the minimum chunk: one chunk whatever the content. Most
    // files of many datasets are this small; they skip the pipeline (and its
    // batch buffers) and are hashed right here.
    if (small.bytes.length > 0) yield { hash: hashChunk(small.bytes), data: small.bytes };
    return;
  }
  const rest = small.rest;
  if (concurrency === 1 && opts.pool === undefined) {
    for await (const data of createChunker(params).chunkStream(rest)) yield { hash: hashChunk(data), data };
    return;
  }
  const getPool = () => opts.pool ?? sharedHashPool(concurrency - 1);
  yield* pipeline(rest, new ChunkSplitter(params), getPool, { budget, batchBytes, maxSize: params.maxSize });
}

type SmallOrRest = { whole: true; bytes: Uint8Array } | { whole: false; rest: AsyncIterable<Uint8Array> };

/**
 * Reads the source until it holds `minSize` bytes or ends. Either the whole
 * (small) input, or a source that replays what was read, then the rest.
 */
async function readSmall(source: AsyncIterable<Uint8Array>, minSize: number): Promise<SmallOrRest> {
  const it = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let bytes = 0;
  while (bytes < minSize) {
    const next = await it.next();
    if (next.done) return { whole: true, bytes: head.length === 1 ? head[0]! : Buffer.concat(head) };
    if (!(next.value instanceof Uint8Array)) {
      await it.return?.();
      throw new StrataError('INVALID_ARGUMENT', 'chunker input must be Uint8Array buffers', { type: typeof next.value });
    }
    head.push(next.value);
    bytes += next.value.length;
  }
  async function* rest(): AsyncGenerator<Uint8Array> {
    let finished = false;
    try {
      yield* head;
      for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
      finished = true;
    } finally {
      // A consumer that stops early must still close the source (a file handle).
      if (!finished) await it.return?.();
    }
  }
  return { whole: false, rest: rest() };
}

interface InFlight {
  bytes: number;
  done: boolean;
  result: Promise<HashedChunk[]>;
}

interface Limits {
  budget: number;
  batchBytes: number;
  maxSize: number;
}

async function* pipeline(
  source: AsyncIterable<Uint8Array>,
  splitter: ChunkSplitter,
  getPool: () => HashPool,
  { budget, batchBytes, maxSize }: Limits,
): AsyncGenerator<HashedChunk, void, undefined> {
  const queue: InFlight[] = [];
  const spare: ArrayBuffer[] = []; // batch buffers handed back by the workers
  let pool: HashPool | null = null; // started when the first batch is full
  let inFlight = 0;
  let batch: Batch | null = null;
  const add = async (data: Uint8Array) => {
    batch ??= await startBatch(pool, spare, batchBytes + maxSize);
    batch.add(data);
    if (batch.bytes >= batchBytes) {
      queue.push(batch.finish((pool ??= getPool()), spare));
      inFlight += batch.bytes;
      batch = null;
    }
  };
  for await (const buf of source) {
    // The splitter, not chunkStream: one async layer less per chunk.
    for (const data of splitter.push(buf)) await add(data);
    // Yield what is ready; wait only when over budget.
    while (queue.length > 0 && (queue[0]!.done || inFlight > budget)) {
      const head = queue.shift()!;
      inFlight -= head.bytes;
      yield* await head.result;
    }
  }
  for (const data of splitter.finish()) await add(data);
  // The last partial batch is hashed here: a small file never meets a worker.
  if (batch !== null) queue.push((batch as Batch).finish(null, spare));
  for (const head of queue) yield* await head.result;
}

/**
 * Work sharing: a batch goes to the workers only if they have room (two
 * batches per thread: one being hashed, one waiting). Otherwise this thread
 * hashes it, so it never waits on a starved worker (a busy machine), while
 * an idle worker takes all the hashing it can.
 */
async function startBatch(pool: HashPool | null, spare: ArrayBuffer[], capacity: number): Promise<Batch> {
  const full = () => pool !== null && pool.pending >= 2 * pool.threads;
  // Worker replies arrive as events, which a source that never waits (bytes
  // in memory) would hold back: let them in before judging the pool full.
  if (full()) await nextTurn();
  if (full()) return new Batch(null);
  return new Batch(new Uint8Array(spare.pop() ?? new ArrayBuffer(capacity)));
}

/**
 * A run of consecutive chunks, hashed here (copy === null) or by a worker.
 * For a worker, each chunk is copied into one transferable buffer as soon as
 * it is found, while its bytes are still in this core's cache (copying whole
 * batches at send time measured at DRAM speed). The chunks themselves are
 * what we yield, so the buffer is reused once the worker hands it back.
 */
class Batch {
  bytes = 0;
  private readonly chunks: Uint8Array[] = [];
  private readonly hashed: HashedChunk[] = [];
  private readonly copy: Uint8Array | null;

  constructor(copy: Uint8Array | null) {
    this.copy = copy;
  }

  add(data: Uint8Array): void {
    if (this.copy === null) this.hashed.push({ hash: hashChunk(data), data });
    else this.copy.set(data, this.bytes);
    this.chunks.push(data);
    this.bytes += data.length;
  }

  /** Sends the batch to the pool; without a pool, or if hashed here, returns the hashes. */
  finish(pool: HashPool | null, spare: ArrayBuffer[]): InFlight {
    const chunks = this.chunks;
    if (this.copy === null || pool === null) {
      const hashed = this.copy === null ? this.hashed : chunks.map((data) => ({ hash: hashChunk(data), data }));
      return { bytes: this.bytes, done: true, result: Promise.resolve(hashed) };
    }
    const lengths = Uint32Array.from(chunks, (c) => c.length);
    const entry: InFlight = { bytes: this.bytes, done: false, result: Promise.resolve([]) };
    entry.result = pool.hashBatch(this.copy.buffer as ArrayBuffer, lengths).then(({ buf, hashes }) => {
      spare.push(buf);
      return chunks.map((data, i) => ({ hash: Buffer.from(hashes.buffer, hashes.byteOffset + i * 32, 32), data }));
    });
    // Marks the batch ready either way; this also handles a rejection early,
    // so it surfaces when the batch is awaited, not as an unhandled rejection.
    const settle = () => {
      entry.done = true;
    };
    entry.result.then(settle, settle);
    return entry;
  }
}

const sharedPools = new Map<number, HashPool>();

/**
 * The process-wide hash pool of a given size, started on first use. Like
 * libuv's thread pool it is shared by every caller that does not pass its
 * own; its workers are unref'd when idle, so it never keeps a process alive.
 */
export function sharedHashPool(threads: number): HashPool {
  let pool = sharedPools.get(threads);
  if (pool === undefined) {
    pool = createHashPool(threads);
    sharedPools.set(threads, pool);
  }
  return pool;
}
