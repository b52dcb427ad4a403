// Gets chunks of files into the chunk cache: a file's missing chunks are
// fetched by hash with GetChunks calls (consecutive chunks in one call, up
// to a bound), checked against their hashes as they arrive, cached, and
// handed to whoever waits for them. A chunk already being fetched (for this
// file or another holding the same chunk) is never fetched twice.
import { fileHash, hashChunk, MAX_SIZE } from '../../src/chunking/index.ts';
import { LruCache } from '../../src/index/lru-cache.ts';
import type { StrataClient } from '../sdk/index.ts';
import type { ChunkCache } from './chunk-cache.ts';

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

function layoutOf(chunks: { hash: string; sizeBytes: number }[]): FileLayout {
  let offset = 0;
  const spans = chunks.map((c) => {
    const span = { hash: c.hash, offset, size: c.sizeBytes };
    offset += c.sizeBytes;
    return span;
  });
  return { size: offset, chunks: spans };
}

interface Deferred {
  promise: Promise<Buffer>;
  resolve(b: Buffer): void;
  reject(e: unknown): void;
}

function deferred(): Deferred {
  let resolve!: (b: Buffer) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<Buffer>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined); // a prefetch nobody waits for must not be an unhandled rejection
  return { promise, resolve, reject };
}

/** Small files fetched ahead of their opens at once. */
const MAX_PREFETCHING = 16;

export interface FetcherOptions {
  /** Bytes per GetChunks call (default 8 MiB). */
  maxRangeBytes?: number;
}

export class ChunkFetcher {
  private readonly inflight = new Map<string, Promise<Buffer>>();
  /** File hash -> layout, so reopening a file needs no InspectFile. */
  private readonly layouts = new LruCache<FileLayout>(500_000);
  private readonly layoutsPending = new Map<string, Promise<FileLayout>>();
  private prefetching = 0;
  private readonly maxRange: number;
  /** Bytes fetched from the server (for stats and tests). */
  fetchedBytes = 0;
  rangeCalls = 0;

  constructor(
    private readonly client: StrataClient,
    private readonly cache: ChunkCache,
    opts: FetcherOptions = {},
  ) {
    this.maxRange = opts.maxRangeBytes ?? 8 << 20;
  }

  /**
   * The layout of the file `ref` (repo@commit:/path) with this size and file
   * hash. A file of at most one chunk's size is fetched whole and, when it is
   * one chunk (the file hash proves it), needs no InspectFile at all.
   */
  layout(ref: string, size: number, hash: string): Promise<FileLayout> {
    const known = this.layouts.get(hash);
    if (known) return Promise.resolve(known);
    let pending = this.layoutsPending.get(hash);
    if (!pending) {
      pending = this.fetchLayout(ref, size, hash).finally(() => this.layoutsPending.delete(hash));
      this.layoutsPending.set(hash, pending);
    }
    return pending;
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

  /** Promises of chunks `from`..`to` (inclusive) of the file, fetching the missing ones. */
  load(ref: string, layout: FileLayout, from: number, to: number): Promise<Buffer>[] {
    const out: Promise<Buffer>[] = [];
    let run: { index: number; wait: Deferred }[] = [];
    let runBytes = 0;
    const flush = (): void => {
      if (run.length > 0) void this.fetchRun(ref, layout, run);
      run = [];
      runBytes = 0;
    };
    for (let i = from; i <= to; i++) {
      const c = layout.chunks[i]!;
      const mem = this.cache.peek(c.hash);
      const pending = mem ? undefined : this.inflight.get(c.hash);
      if (mem || pending) {
        flush();
        out.push(mem ? Promise.resolve(mem) : pending!);
        continue;
      }
      if (this.cache.has(c.hash)) {
        flush();
        out.push(this.track(c.hash, this.fromDisk(ref, layout, i)));
        continue;
      }
      if (runBytes + c.size > this.maxRange) flush();
      const wait = deferred();
      this.track(c.hash, wait.promise);
      run.push({ index: i, wait });
      runBytes += c.size;
      out.push(wait.promise);
    }
    flush();
    return out;
  }

  private track(hash: string, p: Promise<Buffer>): Promise<Buffer> {
    this.inflight.set(hash, p);
    const done = (): void => {
      if (this.inflight.get(hash) === p) this.inflight.delete(hash);
    };
    p.then(done, done);
    return p;
  }

  private async fromDisk(ref: string, layout: FileLayout, index: number): Promise<Buffer> {
    const c = layout.chunks[index]!;
    const hit = await this.cache.get(c.hash);
    if (hit) return hit;
    const wait = deferred();
    await this.fetchRun(ref, layout, [{ index, wait }]);
    return wait.promise;
  }

  /**
   * One GetChunks call for the run's chunks (verified against their hashes
   * as they arrive, see chunk-reader.ts); each waiter gets its chunk as soon
   * as its bytes are in.
   */
  private async fetchRun(ref: string, layout: FileLayout, run: { index: number; wait: Deferred }[]): Promise<void> {
    let next = 0;
    this.rangeCalls++;
    try {
      const refs = run.map((r) => ({ hash: layout.chunks[r.index]!.hash, sizeBytes: layout.chunks[r.index]!.size }));
      for await (const data of this.client.getChunks(refs, { file: ref })) {
        this.fetchedBytes += data.length;
        // A copy, so the cache never pins the whole message the chunk came in.
        const own = Buffer.from(data);
        this.cache.put(refs[next]!.hash, own);
        run[next]!.wait.resolve(own);
        next++;
      }
    } catch (err) {
      for (let i = next; i < run.length; i++) run[i]!.wait.reject(err);
    }
  }
}
