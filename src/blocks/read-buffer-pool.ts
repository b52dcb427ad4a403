// Buffers that chunk reads land in, used again once the bytes read into them
// have left (a socket took them). Reading every run into fresh memory costs
// a server streaming a file as much CPU as verifying it: page faults on every
// new page, and, as the freed buffers are reclaimed only by the garbage
// collector, a mark-compact every few tens of MiB (V8 counts them as
// external memory against the old generation). Measured on the S3 gateway's
// GET and on GetChunks (docs/benchmarks.md).
//
// Concurrent readers (aws cli reads one object over ten connections) have
// many buffers out at once; a pool that keeps only a few free when they come
// back allocates most of them afresh for the next reads, and the GET costs
// the server ~1.6x the CPU of the same bytes read one request at a time. So a
// pool may keep up to `maxFree` while reads keep coming, and drops back to
// `idleFree` once none has been taken for `idleMs`: memory held while busy is
// what the busy readers had out anyway, and an idle server gives it back.
import type { ReadBuffers } from './file-io.ts';

export interface ReadBufferPoolOptions {
  /** Size of every buffer: the largest run the reader plans. */
  bufferBytes: number;
  /** Free buffers kept for the next reads; the rest are left to the collector. */
  maxFree: number;
  /** Free buffers kept once no buffer has been taken for `idleMs` (default: maxFree, i.e. no trimming). */
  idleFree?: number;
  /** How long without a take counts as idle (default 5 s). */
  idleMs?: number;
}

export class ReadBufferPool implements ReadBuffers {
  private readonly free: Buffer[] = [];
  private readonly ours = new WeakSet<ArrayBufferLike>();
  readonly bufferBytes: number;
  private readonly maxFree: number;
  private readonly idleFree: number;
  private readonly idleMs: number;
  private lastTake = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: ReadBufferPoolOptions) {
    this.bufferBytes = opts.bufferBytes;
    this.maxFree = opts.maxFree;
    this.idleFree = Math.min(opts.idleFree ?? opts.maxFree, opts.maxFree);
    this.idleMs = opts.idleMs ?? 5_000;
  }

  take(bytes: number): Uint8Array | undefined {
    if (bytes > this.bufferBytes) return undefined;
    this.lastTake = Date.now();
    const reused = this.free.pop();
    if (reused) return reused;
    const fresh = Buffer.allocUnsafeSlow(this.bufferBytes);
    this.ours.add(fresh.buffer);
    return fresh;
  }

  /** The buffer under `piece` is free again (a piece of this pool's buffer, no longer used by anyone). */
  release(piece: Uint8Array): void {
    if (!this.ours.has(piece.buffer) || this.free.length >= this.maxFree) return;
    if (this.free.some((b) => b.buffer === piece.buffer)) return;
    this.free.push(Buffer.from(piece.buffer, 0, this.bufferBytes));
    if (this.free.length > this.idleFree) this.arm();
  }

  /** Drops free buffers beyond `idleFree` if none was taken for `idleMs`; true when the pool is down to that. */
  trim(now = Date.now()): boolean {
    if (now - this.lastTake < this.idleMs) return this.free.length <= this.idleFree;
    this.free.length = Math.min(this.free.length, this.idleFree);
    return true;
  }

  /** Free buffers held now (for tests and metrics). */
  get freeCount(): number {
    return this.free.length;
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.trim()) this.arm();
    }, this.idleMs);
    this.timer.unref(); // a pool never keeps a process alive
  }
}
