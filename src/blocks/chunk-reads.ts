// Reading chunks by hash, in the order asked, for clients that read files
// chunk by chunk (GetChunks): chunks lying back to back in one pack are read
// with one ranged read, a bounded window of reads runs ahead of the
// consumer, and every chunk is verified by the store before it is yielded.
// A hash the store does not hold is CHUNK_UNKNOWN (the caller asked for
// something that was never stored), unlike CHUNK_NOT_FOUND, which says a
// chunk the store knows is gone.
import { StrataError } from '../errors/index.ts';
import type { ChunkLocation } from './chunk-index.ts';
import type { ChunkStore } from './chunk-store.ts';

export interface ChunkReadOptions {
  /** Bytes read ahead of the consumer (default 16 MiB). */
  readAheadBytes?: number;
  /** Largest single ranged read (default 4 MiB). */
  maxRunBytes?: number;
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
  const readAhead = opts.readAheadBytes ?? 16 << 20;
  const runs = planRuns(store, hashes, opts.maxRunBytes ?? 4 << 20);
  const queue: { bytes: number; data: Promise<Buffer[]> }[] = [];
  let queued = 0;
  let planned = false;
  const fill = async (): Promise<void> => {
    while (!planned && (queued < readAhead || queue.length === 0)) {
      const next = await runs.next();
      if (next.done) {
        planned = true;
        return;
      }
      const data = store.readRun(next.value.items, { cache: false });
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
      for (const chunk of await data) yield chunk;
    }
  } finally {
    await runs.return(undefined);
  }
}
