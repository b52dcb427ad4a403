// The ingest pipeline: chunk a stream and hash every chunk, using two cores.
//
// The main thread finds boundaries (chunkStream) and packs finished chunks
// into ~1 MiB batches; worker threads hash the batches (hash-pool.ts). The
// boundaries are exactly those of sequential chunking, because chunking
// itself stays sequential; only hashing, which has no order dependency,
// moves off the thread. Results come out in stream order.
//
// We measured the alternative of workers that each chunk and hash a segment
// of the stream, with a stitcher that resynchronises at segment starts
// (bench/chunking-segments.ts). It spread boundary finding over both cores
// too, but was not faster on two cores, where the stitcher and the copies
// compete with the workers, and it needs the chunker inside the workers
// (a TypeScript loader in every worker) plus the subtle stitching logic.
//
// Memory: at most maxInFlightBytes of chunks (hashed or not) are waiting to
// be yielded, plus one batch being filled, plus the chunker's own bound.
import { availableParallelism } from 'node:os';
import { StrataError } from '../errors/index.ts';
import { createChunker } from './chunker.ts';
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
   * boundaries at ~1.2 GB/s, which one or two hashing threads keep up with).
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
  const chunks = createChunker(opts.params ?? DEFAULT_PARAMS).chunkStream(source);
  if (concurrency === 1 && opts.pool === undefined) {
    for await (const data of chunks) yield { hash: hashChunk(data), data };
    return;
  }
  const getPool = () => opts.pool ?? sharedHashPool(concurrency - 1);
  yield* pipeline(chunks, getPool, { budget, batchBytes });
}

interface InFlight {
  bytes: number;
  done: boolean;
  result: Promise<HashedChunk[]>;
}

async function* pipeline(
  chunks: AsyncIterable<Uint8Array>,
  getPool: () => HashPool,
  { budget, batchBytes }: { budget: number; batchBytes: number },
): AsyncGenerator<HashedChunk, void, undefined> {
  const queue: InFlight[] = [];
  let inFlight = 0;
  let batch: Uint8Array[] = [];
  let filled = 0;
  for await (const data of chunks) {
    batch.push(data);
    filled += data.length;
    if (filled >= batchBytes) {
      queue.push(dispatch(getPool(), batch, filled));
      inFlight += filled;
      batch = [];
      filled = 0;
    }
    // Yield what is ready; wait only when over budget.
    while (queue.length > 0 && (queue[0]!.done || inFlight > budget)) {
      const head = queue.shift()!;
      inFlight -= head.bytes;
      yield* await head.result;
    }
  }
  // The last partial batch is hashed here, in parallel with the workers'
  // backlog; a small file (one partial batch) never touches a worker at all.
  const tail = batch.map((data) => ({ hash: hashChunk(data), data }));
  for (const head of queue) yield* await head.result;
  yield* tail;
}

/** Copies a batch of chunks into one transferable buffer and sends it to the pool. */
function dispatch(pool: HashPool, batch: Uint8Array[], bytes: number): InFlight {
  const buf = new ArrayBuffer(bytes);
  const view = new Uint8Array(buf);
  const lengths = new Uint32Array(batch.length);
  let off = 0;
  batch.forEach((data, i) => {
    view.set(data, off);
    lengths[i] = data.length;
    off += data.length;
  });
  const entry: InFlight = { bytes, done: false, result: Promise.resolve([]) };
  entry.result = pool.hashBatch(buf, lengths).then(({ buf: back, hashes }) => {
    const out: HashedChunk[] = [];
    let pos = 0;
    for (let i = 0; i < lengths.length; i++) {
      const hash = Buffer.from(hashes.buffer, hashes.byteOffset + i * 32, 32);
      out.push({ hash, data: new Uint8Array(back, pos, lengths[i]!) });
      pos += lengths[i]!;
    }
    return out;
  });
  // Marks the batch ready either way; this also handles a rejection early,
  // so it surfaces when the batch is awaited, not as an unhandled rejection.
  const settle = () => {
    entry.done = true;
  };
  entry.result.then(settle, settle);
  return entry;
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
