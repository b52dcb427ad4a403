// Gets chunks of files into the chunk cache: a file's missing chunks are
// fetched by hash with GetChunks calls (consecutive chunks in one call, up
// to a bound; the chunks of many small files in one call when they are
// fetched ahead), checked against their hashes as they arrive, cached, and
// handed to whoever waits for them. A chunk already being fetched (for this
// file or another holding the same chunk) is never fetched twice.
//
// Chunks fetched ahead of a long sequential stream (FileReader's readahead
// past a stream's first STREAM_CACHED_BYTES) are kept in memory only, not
// written to the disk cache, unless `cacheSequential` is set: a big file read
// once from end to end would otherwise cost a page-cache write of every byte
// (a third of a cold read's CPU) to cache what is rarely read again, and
// would push out the chunks of small files and random reads, which are.
// ZFS keeps prefetched buffers out of its L2ARC for the same reason
// (l2arc_noprefetch). Chunks a read waits for are cached as before.
import { fileHash, hashChunk, MAX_SIZE } from '../../src/chunking/index.ts';
import { LruCache } from '../../src/index/lru-cache.ts';
import type { ChunkRef, Hash, StrataClient } from '../sdk/index.ts';
import { ownCopy } from '../sdk/chunk-reader.ts';
import type { ChunkBytes, ChunkCache } from './chunk-cache.ts';
import type { FetchHeap } from './fetch-heap.ts';

export interface ChunkSpan {
  hash: string;
  offset: number;
  size: number;
}

/** Where a file's bytes are: its chunks in order with their offsets. */
export interface FileLayout {
  size: number;
  chunks: ChunkSpan[];
}

/** The chunk holding byte `offset` (binary search; offset < size). */
export function chunkIndexAt(layout: FileLayout, offset: number): number {
  let lo = 0;
  let hi = layout.chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (layout.chunks[mid]!.offset <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function layoutOf(chunks: readonly ChunkRef[]): FileLayout {
  let offset = 0;
  const spans = chunks.map((c) => {
    const span = { hash: c.hash, offset, size: c.size };
    offset += c.size;
    return span;
  });
  return { size: offset, chunks: spans };
}

interface Deferred {
  promise: Promise<ChunkBytes>;
  resolve(b: ChunkBytes): void;
  reject(e: unknown): void;
}

function deferred(): Deferred {
  let resolve!: (b: ChunkBytes) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<ChunkBytes>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined); // a prefetch nobody waits for must not be an unhandled rejection
  return { promise, resolve, reject };
}

/** Small files fetched ahead of their opens at once (those not listed with their chunks: one GetFile each). */
const MAX_PREFETCHING = 16;
/** GetChunks calls fetching listed small files ahead at once (each up to maxRangeBytes). */
const MAX_PREFETCH_CALLS = 2;

/**
 * A chunk to fetch, and the file (`repo@commit:/path`) it is fetched for:
 * with auth on, the server reads only chunks of files named in the call.
 * `memoryOnly`: not written to the disk cache (readahead of a long stream).
 */
type Wanted = { hash: string; size: number; file: string; wait: Deferred; memoryOnly?: boolean };

/** Collects chunks to fetch into runs of at most `max` bytes, each handed to `send` as one call. */
class RunBuilder {
  private run: Wanted[] = [];
  private bytes = 0;

  constructor(
    private readonly max: number,
    private readonly send: (run: Wanted[]) => void,
  ) {}

  add(w: Wanted): void {
    if (this.bytes + w.size > this.max) this.flush();
    this.run.push(w);
    this.bytes += w.size;
  }

  flush(): void {
    if (this.run.length > 0) this.send(this.run);
    this.run = [];
    this.bytes = 0;
  }
}

export interface FetcherOptions {
  /** Bytes per GetChunks call (default 8 MiB). */
  maxRangeBytes?: number;
  /** Held while each GetChunks call runs (the mount process's heap setting, fetch-heap.ts). */
  heap?: FetchHeap;
  /** Write the readahead of long sequential streams to the disk cache too (default false: memory only). */
  cacheSequential?: boolean;
}

export class ChunkFetcher {
  private readonly inflight = new Map<string, Promise<ChunkBytes>>();
  /** File hash -> layout, so reopening a file needs no InspectFile. */
  private readonly layouts = new LruCache<FileLayout>(500_000);
  private readonly layoutsPending = new Map<string, Promise<FileLayout>>();
  private prefetching = 0;
  private prefetchCalls = 0;
  private readonly maxRange: number;
  private readonly heap: FetchHeap | undefined;
  private readonly cacheSequential: boolean;
  /** Bytes fetched from the server (for stats and tests). */
  fetchedBytes = 0;
  rangeCalls = 0;

  constructor(
    private readonly client: StrataClient,
    private readonly cache: ChunkCache,
    opts: FetcherOptions = {},
  ) {
    this.maxRange = opts.maxRangeBytes ?? 8 << 20;
    this.heap = opts.heap;
    this.cacheSequential = opts.cacheSequential ?? false;
  }

  /**
   * The layout of the file `ref` (repo@commit:/path) with this size and file
   * hash. With its chunk list (from a listing) it needs no call. Else a file
   * of at most one chunk's size is fetched whole and, when it is one chunk
   * (the file hash proves it), needs no InspectFile at all.
   */
  layout(ref: string, size: number, hash: string, chunks?: readonly ChunkRef[]): Promise<FileLayout> {
    const known = this.layouts.get(hash) ?? (chunks && this.listedLayout(size, hash, chunks));
    if (known) return Promise.resolve(known);
    let pending = this.layoutsPending.get(hash);
    if (!pending) {
      pending = this.fetchLayout(ref, size, hash).finally(() => this.layoutsPending.delete(hash));
      this.layoutsPending.set(hash, pending);
    }
    return pending;
  }

  /** The layout of a file listed with its chunk list (undefined if the list does not add up to its size). */
  listedLayout(size: number, hash: string, chunks: readonly ChunkRef[]): FileLayout | undefined {
    const known = this.layouts.get(hash);
    if (known) return known;
    const listed = layoutOf(chunks);
    if (listed.size !== size) return undefined;
    this.layouts.set(hash, listed, listed.chunks.length + 1);
    return listed;
  }

  private async fetchLayout(ref: string, size: number, hash: string): Promise<FileLayout> {
    let layout: FileLayout | undefined;
    if (size === 0) layout = { size: 0, chunks: [] };
    else if (size <= MAX_SIZE) layout = await this.wholeSmallFile(ref, size, hash);
    if (!layout) {
      const info = await this.client.inspectFile(ref, { includeChunks: true });
      layout = layoutOf(info.chunks ?? []);
    }
    this.layouts.set(hash, layout, layout.chunks.length + 1);
    return layout;
  }

  /**
   * Fetches small files before they are opened, a few at a time (the caller
   * saw the files of a directory being read one after another: cat of each,
   * cp -r, tar), so each open finds its bytes here instead of waiting for a
   * call. Failures are left for the open itself to meet.
   */
  prefetchSmall(files: { ref: string; size: number; hash: string }[]): void {
    for (const f of files) {
      if (this.prefetching >= MAX_PREFETCHING) return;
      if (f.size > MAX_SIZE || this.layoutsPending.has(f.hash) || this.layouts.get(f.hash)) continue;
      this.prefetching++;
      this.layout(f.ref, f.size, f.hash)
        .catch(() => undefined)
        .finally(() => this.prefetching--);
    }
  }

  /**
   * Fetches whole files ahead of their opens, the chunks of many in one
   * GetChunks call (files read one after another: cat of each, cp -r, tar).
   * Chunks cached or being fetched are skipped. Takes files in order until
   * maxRangeBytes are asked for, and returns how many it took: none while
   * MAX_PREFETCH_CALLS are running, so the caller asks again later and
   * memory stays bounded however fast files are opened.
   */
  prefetch(files: readonly { ref: string; layout: FileLayout }[]): number {
    if (this.prefetchCalls >= MAX_PREFETCH_CALLS) return 0;
    const run: Wanted[] = [];
    let bytes = 0;
    let taken = 0;
    for (const { ref, layout } of files) {
      if (taken > 0 && bytes + layout.size > this.maxRange) break;
      taken++;
      for (const c of layout.chunks) {
        if (this.inflight.has(c.hash) || this.cache.has(c.hash)) continue;
        const wait = deferred();
        this.track(c.hash, wait.promise);
        run.push({ hash: c.hash, size: c.size, file: ref, wait });
        bytes += c.size;
      }
    }
    if (run.length > 0) {
      this.prefetchCalls++;
      void this.fetchRun(run).finally(() => this.prefetchCalls--);
    }
    return taken;
  }

  private async wholeSmallFile(ref: string, size: number, hash: string): Promise<FileLayout | undefined> {
    const parts: Buffer[] = [];
    for await (const piece of this.client.get(ref)) parts.push(piece as Buffer);
    const data = Buffer.concat(parts);
    this.fetchedBytes += data.length;
    this.rangeCalls++;
    const chunkHash = hashChunk(data);
    if (data.length !== size || fileHash([chunkHash]).toString('hex') !== hash) return undefined; // several chunks: ask for the list
    const hex = chunkHash.toString('hex');
    this.cache.put(hex, data);
    return { size, chunks: [{ hash: hex, offset: 0, size }] };
  }

  /**
   * Promises of chunks `from`..`to` (inclusive) of the file, fetching the
   * missing ones. Chunks that start at or past `streamFrom` (a byte offset)
   * are readahead of a long sequential stream: fetched for memory only
   * (see the top of this file).
   */
  load(ref: string, layout: FileLayout, from: number, to: number, streamFrom = Infinity): Promise<ChunkBytes>[] {
    const out: Promise<ChunkBytes>[] = [];
    const batch = new RunBuilder(this.maxRange, (run) => void this.fetchRun(run));
    for (let i = from; i <= to; i++) {
      const c = layout.chunks[i]!;
      const mem = this.cache.peek(c.hash);
      const pending = mem ? undefined : this.inflight.get(c.hash);
      if (mem || pending) {
        batch.flush();
        out.push(mem ? Promise.resolve(mem) : pending!);
        continue;
      }
      if (this.cache.has(c.hash)) {
        batch.flush();
        out.push(this.track(c.hash, this.fromDisk(ref, c)));
        continue;
      }
      const wait = deferred();
      this.track(c.hash, wait.promise);
      batch.add({ hash: c.hash, size: c.size, file: ref, wait, memoryOnly: !this.cacheSequential && c.offset >= streamFrom });
      out.push(wait.promise);
    }
    batch.flush();
    return out;
  }

  private track(hash: string, p: Promise<ChunkBytes>): Promise<ChunkBytes> {
    this.inflight.set(hash, p);
    const done = (): void => {
      if (this.inflight.get(hash) === p) this.inflight.delete(hash);
    };
    p.then(done, done);
    return p;
  }

  private async fromDisk(ref: string, c: ChunkSpan): Promise<ChunkBytes> {
    const hit = await this.cache.get(c.hash);
    if (hit) return hit;
    const wait = deferred();
    await this.fetchRun([{ hash: c.hash, size: c.size, file: ref, wait }]);
    return wait.promise;
  }

  /**
   * One GetChunks call for the run's chunks (verified against their hashes
   * as they arrive, see chunk-reader.ts); each waiter gets its chunk as soon
   * as its bytes are in.
   */
  private async fetchRun(run: Wanted[]): Promise<void> {
    let next = 0;
    this.rangeCalls++;
    const leave = this.heap?.enter();
    try {
      const refs = run.map((r): ChunkRef => ({ hash: r.hash as Hash, size: r.size }));
      const files = [...new Set(run.map((r) => r.file))];
      for await (const pieces of this.client.getChunkPieces(refs, { file: files[0], files: files.slice(1) })) {
        const w = run[next]!;
        this.fetchedBytes += w.size;
        // A stream's readahead stays the pieces it arrived in (its reads copy them into FUSE's
        // buffers, no byte copied in between): such chunks leave the memory layer in the order
        // they came, with the received buffers they share. A chunk cached for longer gets a
        // buffer of its own, so that keeping it never keeps the neighbours' bytes alive.
        const data = w.memoryOnly ? pieces : ownCopy(pieces);
        this.cache.put(w.hash, data, { disk: !w.memoryOnly });
        w.wait.resolve(data);
        next++;
      }
    } catch (err) {
      for (let i = next; i < run.length; i++) run[i]!.wait.reject(err);
    } finally {
      leave?.();
    }
  }
}
