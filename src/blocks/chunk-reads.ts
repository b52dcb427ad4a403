// Reading chunks by hash, in the order asked, for clients that read files
// chunk by chunk (GetChunks): chunks lying back to back in one pack are read
// with one ranged read, a bounded window of reads runs ahead of the
// consumer, and every chunk is verified by the store before it is yielded
// (unless the caller says its reader checks them itself: `verify: false`).
// With `buffers`, runs are read into buffers the caller hands back once it
// is done with a run's chunks (readChunkRuns says which buffer each run is in).
// A hash the store does not hold is CHUNK_UNKNOWN (the caller asked for
// something that was never stored), unlike CHUNK_NOT_FOUND, which says a
// chunk the store knows is gone.
import { StrataError } from '../errors/index.ts';
import type { ChunkLocation } from './chunk-index.ts';
import type { ChunkStore } from './chunk-store.ts';
import type { ReadBuffers } from './file-io.ts';

export interface ChunkReadOptions {
  /** Bytes read ahead of the consumer (default 16 MiB). */
  readAheadBytes?: number;
  /** Largest single ranged read (default 4 MiB). */
  maxRunBytes?: number;
  /** Buffers to read runs into instead of fresh ones (see readChunkRuns). */
  buffers?: ReadBuffers;
  /**
   * false: the chunks are not hashed here, for a reader that checks every
   * chunk against its hash itself (GetChunks with client_verifies). Default true.
   */
  verify?: boolean;
}

/** The verified chunks of one ranged read, and the buffer taken from `buffers` they are views of (if one was). */
export interface ChunkRun {
  chunks: Buffer[];
  buffer?: Uint8Array;
}

type Item = { hash: Buffer; loc: ChunkLocation };

export function chunkUnknown(hex: string, index: number): StrataError {
  return new StrataError('CHUNK_UNKNOWN', `chunk ${hex} (hashes[${index}]) is not stored here`, { chunk: hex, index });
}

/** Groups the chunks into runs that are each one ranged read (same pack, adjacent). */
async function* planRuns(store: ChunkStore, hashes: readonly Buffer[], maxRun: number): AsyncGenerator<{ items: Item[]; bytes: number }> {
  let run: { items: Item[]; bytes: number } | undefined;
  for (const [i, hash] of hashes.entries()) {
    // Awaited: the chunk index may answer asynchronously (an on-disk index).
    const loc = await store.locate(hash);
    if (!loc) throw chunkUnknown(hash.toString('hex'), i);
    const tail = run?.items[run.items.length - 1]!.loc;
    if (run && tail && tail.pack === loc.pack && tail.offset + tail.length === loc.offset && run.bytes + loc.length <= maxRun) {
      run.items.push({ hash, loc });
      run.bytes += loc.length;
    } else {
      if (run) yield run;
      run = { items: [{ hash, loc }], bytes: loc.length };
    }
  }
  if (run) yield run;
}

/** The verified bytes of each chunk, in the order of `hashes`. */
export async function* readChunks(store: ChunkStore, hashes: readonly Buffer[], opts: ChunkReadOptions = {}): AsyncGenerator<Buffer> {
  for await (const run of readChunkRuns(store, hashes, opts)) yield* run.chunks;
}

/**
 * The verified chunks of `hashes`, in order, one ranged read at a time. A
 * run's `buffer` (taken from `opts.buffers`) may be handed back once the
 * consumer is done with every chunk of that run, not before: they are views
 * of it. A run whose read fails takes its buffer with it (left to the
 * collector).
 */
export async function* readChunkRuns(store: ChunkStore, hashes: readonly Buffer[], opts: ChunkReadOptions = {}): AsyncGenerator<ChunkRun> {
  const readAhead = opts.readAheadBytes ?? 16 << 20;
  const runs = planRuns(store, hashes, opts.maxRunBytes ?? 4 << 20);
  const queue: { bytes: number; data: Promise<ChunkRun> }[] = [];
  let queued = 0;
  let planned = false;
  const fill = async (): Promise<void> => {
    while (!planned && (queued < readAhead || queue.length === 0)) {
      const next = await runs.next();
      if (next.done) {
        planned = true;
        return;
      }
      const buffer = opts.buffers?.take(next.value.bytes);
      const data = store.readRun(next.value.items, { cache: false, verify: opts.verify, ...(buffer ? { into: buffer } : {}) }).then((chunks) => (buffer ? { chunks, buffer } : { chunks }));
      data.catch(() => undefined); // surfaced when awaited in order below
      queue.push({ bytes: next.value.bytes, data });
      queued += next.value.bytes;
    }
  };
  try {
    await fill();
    while (queue.length > 0) {
      const { bytes, data } = queue.shift()!;
      queued -= bytes;
      await fill();
      yield await data;
    }
  } finally {
    await runs.return(undefined);
  }
}
