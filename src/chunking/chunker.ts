// Streaming content-defined chunking over input buffers of any size.
//
// The boundaries depend only on the bytes, never on how the input was split
// into buffers (a property test checks this): a chunk that straddles input
// buffers is assembled in one reusable scratch buffer of maxSize bytes, and
// findBoundary resumes where it stopped instead of rescanning.
//
// Chunks that lie inside one input buffer are yielded as subarray views, with
// no copy; only straddling chunks are copied. So a producer must not reuse an
// input buffer after handing it over (fs streams and sockets do not), and a
// consumer that keeps a chunk keeps its input buffer alive.
//
// Memory: the scratch buffer (maxSize) or the tail of the previous input
// buffer, never both, plus the input buffer being split.
import { StrataError } from '../errors/index.ts';
import { findBoundary } from './find-boundary.ts';
import { DEFAULT_PARAMS, type ChunkingParams } from './params.ts';

export interface Chunker {
  readonly params: ChunkingParams;
  /** Splits a stream into chunks; each call has its own state. */
  chunkStream(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined>;
}

export function createChunker(params: ChunkingParams = DEFAULT_PARAMS): Chunker {
  return {
    params,
    async *chunkStream(source) {
      const splitter = new ChunkSplitter(params);
      for await (const buf of source) yield* splitter.push(buf);
      yield* splitter.finish();
    },
  };
}

/** Splits a stream with the default parameters. */
export function chunkStream(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  return createChunker().chunkStream(source);
}

/** Splits one in-memory buffer; the chunks are views into it. */
export function* chunkBuffer(buf: Uint8Array, params: ChunkingParams = DEFAULT_PARAMS): Generator<Uint8Array> {
  const splitter = new ChunkSplitter(params);
  yield* splitter.push(buf);
  yield* splitter.finish();
}

/**
 * The synchronous state machine behind chunkStream: push() buffers in order,
 * then finish() once. Each yields the chunks completed so far.
 */
export class ChunkSplitter {
  private readonly params: ChunkingParams;
  private scratch: Uint8Array | null = null;
  /** Bytes of the current chunk held in scratch; no cut ends before them. */
  private pending = 0;
  /**
   * The current chunk's bytes while they are still all in the last input
   * buffer: kept as a view and copied only if the next buffer arrives, so a
   * stream's last chunk (often a whole small file) is never copied.
   */
  private tail: Uint8Array | null = null;

  constructor(params: ChunkingParams) {
    this.params = params;
  }

  *push(buf: Uint8Array): Generator<Uint8Array> {
    if (!(buf instanceof Uint8Array)) {
      throw new StrataError('INVALID_ARGUMENT', 'chunker input must be Uint8Array buffers', { type: typeof buf });
    }
    if (buf.length === 0) return;
    if (this.tail !== null) this.moveTailToScratch();
    let pos = 0;
    if (this.pending > 0) {
      pos = this.extendPending(buf);
      if (pos < 0) return;
      yield this.scratch!.slice(0, this.pending);
      this.pending = 0;
    }
    while (pos < buf.length) {
      const cut = findBoundary(buf, pos, buf.length, this.params, false);
      if (cut < 0) {
        this.tail = buf.subarray(pos);
        return;
      }
      yield buf.subarray(pos, cut);
      pos = cut;
    }
  }

  *finish(): Generator<Uint8Array> {
    // No cut was found in what is left, so it is one last (short) chunk.
    if (this.tail !== null) yield this.tail;
    else if (this.pending > 0) yield this.scratch!.slice(0, this.pending);
    this.tail = null;
    this.pending = 0;
  }

  private moveTailToScratch(): void {
    this.scratch ??= new Uint8Array(this.params.maxSize);
    this.scratch.set(this.tail!, 0);
    this.pending = this.tail!.length;
    this.tail = null;
  }

  /**
   * Appends the head of buf to the pending chunk. If that completes the chunk,
   * sets pending to its length and returns how many bytes of buf it took;
   * else takes all of buf and returns -1.
   */
  private extendPending(buf: Uint8Array): number {
    const scratch = this.scratch!;
    const take = Math.min(scratch.length - this.pending, buf.length);
    scratch.set(buf.subarray(0, take), this.pending);
    const filled = this.pending + take;
    const cut = findBoundary(scratch, 0, filled, this.params, false, this.pending);
    if (cut < 0) {
      this.pending = filled;
      return -1;
    }
    const used = cut - this.pending;
    this.pending = cut;
    return used;
  }
}
