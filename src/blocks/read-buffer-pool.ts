// Buffers that chunk reads land in, used again once the bytes read into them
// have left (a socket took them). Reading every run into fresh memory costs
// a server streaming a file as much CPU as verifying it: page faults on every
// new page, and, as the freed buffers are reclaimed only by the garbage
// collector, a mark-compact every few tens of MiB (V8 counts them as
// external memory against the old generation). Measured on the S3 gateway's
// GET and on GetChunks (docs/benchmarks.md).
import type { ReadBuffers } from './file-io.ts';

export interface ReadBufferPoolOptions {
  /** Size of every buffer: the largest run the reader plans. */
  bufferBytes: number;
  /** Free buffers kept for the next reads; the rest are left to the collector. */
  maxFree: number;
}

export class ReadBufferPool implements ReadBuffers {
  private readonly free: Buffer[] = [];
  private readonly ours = new WeakSet<ArrayBufferLike>();
  readonly bufferBytes: number;
  private readonly maxFree: number;

  constructor(opts: ReadBufferPoolOptions) {
    this.bufferBytes = opts.bufferBytes;
    this.maxFree = opts.maxFree;
  }

  take(bytes: number): Uint8Array | undefined {
    if (bytes > this.bufferBytes) return undefined;
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
  }

  /** Free buffers held now (for tests and metrics). */
  get freeCount(): number {
    return this.free.length;
  }
}
