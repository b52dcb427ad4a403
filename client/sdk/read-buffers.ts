// Large files read into buffers that are used again, once every chunk cut
// from them has been sent. A fresh 1 MiB buffer per read (what
// fs.createReadStream allocates) costs more than the read on a VM, where
// every first touch of a page is a fault the hypervisor may have to back: 25,000
// reads of 1-8 KiB into fresh slabs cost 1.15 CPU-s against 0.45 into one
// reused buffer (load ~17). Fresh buffers are also external memory that
// V8 counts against the old generation, so a steady upload ran a
// mark-compact every ~7 MiB (--trace-incremental-marking).
//
// Chunks are views into these buffers (see src/chunking/chunker.ts), so a
// buffer may be reused only when no chunk still points into it. Chunks come
// out of the chunker in file order and cover the file without gaps, so the
// consumer tracks which of them it is done with (ReleasedPrefix), and the
// reader hands back every buffer that ends at or before the first byte of
// a chunk still held. A release that never comes (a failed put) only costs
// the reuse: the buffer is left to the garbage collector.
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { PIECE_BYTES, localFileError } from './sources.ts';

/** Idle read buffers, shared by the puts of a session. */
export class ReadBuffers {
  private readonly free: Buffer[] = [];

  constructor(private readonly keep: number) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(PIECE_BYTES);
  }

  give(buf: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buf);
  }
}

/** A regular file read in PIECE_BYTES pieces into buffers of `pool`. */
export class PooledFileReader {
  private readonly held: { buf: Buffer; end: number }[] = [];
  private releasedTo = 0;

  constructor(
    private readonly path: string,
    private readonly pool: ReadBuffers,
  ) {}

  /**
   * The file's bytes, piece by piece. Each read is started before the piece
   * before it is handed out, so the thread pool reads the next MiB while the
   * caller cuts and hashes this one (the put's own thread was idle for every
   * read before).
   */
  async *bytes(): AsyncGenerator<Uint8Array> {
    let file: FileHandle;
    try {
      file = await open(this.path, 'r');
    } catch (err) {
      throw localFileError(err, 'read', this.path);
    }
    let next: Promise<{ buf: Buffer; n: number }> | undefined;
    try {
      let at = 0;
      next = this.readAt(file, at);
      for (;;) {
        const { buf, n } = await next;
        next = undefined;
        if (n === 0) {
          this.pool.give(buf);
          return;
        }
        at += n;
        next = this.readAt(file, at);
        next.catch(() => undefined); // surfaced by the await above when the caller asks for more
        this.held.push({ buf, end: at });
        this.drop();
        yield buf.subarray(0, n);
      }
    } finally {
      // A read still running must end before the file closes; its buffer goes back.
      if (next) await next.then(({ buf }) => this.pool.give(buf), () => undefined);
      await file.close().catch(() => undefined);
    }
  }

  private async readAt(file: FileHandle, at: number): Promise<{ buf: Buffer; n: number }> {
    const buf = this.pool.take();
    try {
      return { buf, n: (await file.read(buf, 0, buf.length, at)).bytesRead };
    } catch (err) {
      this.pool.give(buf);
      throw localFileError(err, 'read', this.path);
    }
  }

  /** The consumer holds no byte before `offset` any more. */
  releasedThrough(offset: number): void {
    this.releasedTo = offset;
    this.drop();
  }

  private drop(): void {
    while (this.held.length > 0 && this.held[0]!.end <= this.releasedTo) this.pool.give(this.held.shift()!.buf);
  }
}

/**
 * Pieces of a stream, in order, each released once (in any order); reports
 * how far from the start every piece is released. Memory: the pieces from
 * the first one still held to the last one made.
 */
export class ReleasedPrefix {
  /** End offset and released flag of pieces base, base + 1, ... */
  private ends: number[] = [];
  private done: boolean[] = [];
  private base = 0;
  private head = 0;
  private total = 0;

  constructor(private readonly onPrefix: (offset: number) => void) {}

  /** The next piece, of `length` bytes; returns its release (idempotent). */
  next(length: number): () => void {
    this.total += length;
    const index = this.base + this.ends.length;
    this.ends.push(this.total);
    this.done.push(false);
    return () => {
      const i = index - this.base;
      if (i < 0 || this.done[i]) return;
      this.done[i] = true;
      this.advance();
    };
  }

  private advance(): void {
    let h = this.head - this.base;
    const start = h;
    while (h < this.done.length && this.done[h]) h++;
    if (h === start) return;
    this.head = this.base + h;
    const offset = this.ends[h - 1]!;
    if (h >= 1024) {
      this.ends = this.ends.slice(h);
      this.done = this.done.slice(h);
      this.base += h;
    }
    this.onPrefix(offset);
  }
}
