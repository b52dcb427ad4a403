// Streaming file I/O over the chunk store: a file is its ordered list of
// chunk refs. Memory stays bounded by configuration, never by file size:
// writes hold at most the chunker's window and the packs in flight, reads at
// most the read-ahead window.
import { Readable } from 'node:stream';
import { StrataError } from '../errors/index.ts';
import { chunkAndHash, fileHash, hashHex } from '../chunking/index.ts';
import type { ChunkLocation } from './chunk-index.ts';
import { chunkNotFound } from './chunk-errors.ts';
import type { ChunkSink, ChunkStore } from './chunk-store.ts';

import type { ChunkRef } from '../ids.ts';

export type { ChunkRef } from '../ids.ts';

export interface WrittenFile {
  size: number;
  /** The file's hash: SHA-256 over its chunk hashes (see chunking/). */
  hash: string;
  chunks: ChunkRef[];
  /** Bytes that were new to the store (the rest deduplicated). */
  newBytes: number;
}

export interface WriteOptions {
  signal?: AbortSignal;
  /** Called with the bytes consumed so far, for progress. */
  onProgress?: (bytes: number) => void;
  /**
   * Threads that hash chunks (chunkAndHash's concurrency; default: its own).
   * 1 hashes on the calling thread: less CPU in all when no core is free
   * (the hand-off to a worker copies every byte once more).
   */
  concurrency?: number;
}

/**
 * Chunks, hashes and stores a stream (into the store, or one of its lanes).
 * Already-stored chunks are not written again. The chunks are accepted, not
 * yet durable: flush the store (or the lane) before the file becomes visible
 * in a commit.
 */
export async function writeFile(store: ChunkSink, source: AsyncIterable<Uint8Array>, opts: WriteOptions = {}): Promise<WrittenFile> {
  const chunks: ChunkRef[] = [];
  const hashes: Buffer[] = [];
  let size = 0;
  let newBytes = 0;
  for await (const { hash, data } of chunkAndHash(source, opts.concurrency === undefined ? {} : { concurrency: opts.concurrency })) {
    if (opts.signal?.aborted) throw aborted(opts.signal);
    if (await store.put(hash, data)) newBytes += data.length;
    hashes.push(hash);
    chunks.push({ hash: hashHex(hash), size: data.length });
    size += data.length;
    opts.onProgress?.(size);
  }
  return { size, hash: hashHex(fileHash(hashes)), chunks, newBytes };
}

function aborted(signal: AbortSignal): StrataError {
  return new StrataError('STREAM_ABORTED', `write aborted: ${String(signal.reason ?? 'cancelled')}`);
}

export interface ReadOptions {
  offset?: number;
  length?: number;
  /** Bytes fetched ahead of the reader (default 16 MiB). */
  readAheadBytes?: number;
  /** Largest single ranged read (default 8 MiB). */
  maxRunBytes?: number;
  /**
   * Buffers to read runs into instead of fresh ones: a reader that knows
   * when it is done with the bytes it was given (e.g. once a socket has taken
   * them) hands the buffers back for the next reads, which saves the page
   * faults of fresh memory and the garbage collections its release causes.
   * A taken buffer backs at most one yielded piece (a run's bytes; none when
   * the store answered with bytes of its own), so once that piece is done
   * with, so is the buffer.
   */
  buffers?: ReadBuffers;
}

export interface ReadBuffers {
  /** A buffer of at least `bytes` bytes, or undefined to let the store allocate. */
  take(bytes: number): Uint8Array | undefined;
}

interface Run {
  items: { hash: Buffer; loc: ChunkLocation }[];
  bytes: number;
  /** Byte range of the file this run covers. */
  start: number;
}

/** Groups consecutive chunks that lie back to back in one pack, so each group is one ranged read. */
function* planRuns(store: ChunkStore, refs: readonly ChunkRef[], from: number, to: number, maxRun: number): Generator<Run> {
  let pos = 0;
  let run: Run | undefined;
  for (const ref of refs) {
    const start = pos;
    pos += ref.size;
    if (pos <= from) continue;
    if (start >= to) break;
    const hash = Buffer.from(ref.hash, 'hex');
    const loc = store.locate(hash);
    if (!loc) throw chunkNotFound(ref.hash, undefined);
    const tail = run?.items[run.items.length - 1]?.loc;
    const adjacent = tail && tail.pack === loc.pack && tail.offset + tail.length === loc.offset;
    if (run && adjacent && run.bytes + loc.length <= maxRun) {
      run.items.push({ hash, loc });
      run.bytes += loc.length;
    } else {
      if (run) yield run;
      run = { items: [{ hash, loc }], bytes: loc.length, start };
    }
  }
  if (run) yield run;
}

/** A file written through another server may name packs this one has not seen yet: catch up once before planning. */
async function knowChunks(store: ChunkStore, refs: readonly ChunkRef[], from: number, to: number): Promise<void> {
  let pos = 0;
  const unknown: Buffer[] = [];
  for (const ref of refs) {
    const start = pos;
    pos += ref.size;
    if (pos <= from) continue;
    if (start >= to) break;
    const hash = Buffer.from(ref.hash, 'hex');
    if (!store.locate(hash)) unknown.push(hash);
  }
  if (unknown.length > 0) await store.know(unknown);
}

async function* readRange(store: ChunkStore, refs: readonly ChunkRef[], from: number, to: number, opts: ReadOptions): AsyncGenerator<Buffer> {
  await knowChunks(store, refs, from, to);
  const readAhead = opts.readAheadBytes ?? 16 << 20;
  // 8 MiB: a whole pack at the default pack size, in one read.
  const runs = planRuns(store, refs, from, to, opts.maxRunBytes ?? 8 << 20);
  const queue: { run: Run; data: Promise<Buffer[]> }[] = [];
  let queued = 0;
  const fill = (): void => {
    while (queued < readAhead || queue.length === 0) {
      const next = runs.next();
      if (next.done) return;
      const into = opts.buffers?.take(next.value.bytes);
      const data = store.readRun(next.value.items, into ? { cache: false, into } : { cache: false });
      data.catch(() => undefined); // surfaced when awaited in order below
      queue.push({ run: next.value, data });
      queued += next.value.bytes;
    }
  };
  fill();
  while (queue.length > 0) {
    const { run, data } = queue.shift()!;
    queued -= run.bytes;
    fill();
    let pos = run.start;
    // Verified chunks of one run are views of one read buffer, back to back:
    // yield them as one piece (a socket write and a stream tick per run, not per chunk).
    let piece: Buffer | undefined;
    for (const chunk of await data) {
      const lo = Math.max(from - pos, 0);
      const hi = Math.min(to - pos, chunk.length);
      pos += chunk.length;
      if (hi <= lo) continue;
      const part = lo === 0 && hi === chunk.length ? chunk : chunk.subarray(lo, hi);
      if (piece && piece.buffer === part.buffer && piece.byteOffset + piece.length === part.byteOffset) {
        piece = Buffer.from(piece.buffer, piece.byteOffset, piece.length + part.length);
      } else {
        if (piece) yield piece;
        piece = part;
      }
    }
    if (piece) yield piece;
  }
}

function fileSize(refs: readonly ChunkRef[]): number {
  let size = 0;
  for (const r of refs) size += r.size;
  return size;
}

/** A byte stream of the file (or of `length` bytes from `offset`), with read-ahead and backpressure. */
export function readFile(store: ChunkStore, refs: readonly ChunkRef[], opts: ReadOptions = {}): Readable {
  return Readable.from(fileBytes(store, refs, opts), { objectMode: false, highWaterMark: 1 << 20 });
}

/** The bytes of the file (or of `length` bytes from `offset`) as verified pieces, read ahead of the consumer: readFile without the stream. */
export function fileBytes(store: ChunkStore, refs: readonly ChunkRef[], opts: ReadOptions = {}): AsyncGenerator<Buffer> {
  const size = fileSize(refs);
  const offset = opts.offset ?? 0;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new StrataError('INVALID_ARGUMENT', `invalid read offset ${offset}: must be a non-negative integer`, { offset });
  }
  if (opts.length !== undefined && (!Number.isSafeInteger(opts.length) || opts.length < 0)) {
    throw new StrataError('INVALID_ARGUMENT', `invalid read length ${opts.length}: must be a non-negative integer`, { length: opts.length });
  }
  const to = Math.min(size, opts.length === undefined ? size : offset + opts.length);
  return readRange(store, refs, Math.min(offset, size), to, opts);
}
