// Reads of one open file of a commit. A read waits only for the chunks under
// it; when reads follow each other (sequential), the reader fetches ahead of
// them, doubling its window up to a bound, so the next reads find their
// chunks in memory. Random reads (seeks) fetch only the chunks they touch.
// Readahead past the first STREAM_CACHED_BYTES of a sequential stream is
// fetched for memory only (chunk-fetcher.ts says why).
import { copyChunk } from './chunk-cache.ts';
import { chunkIndexAt, type ChunkFetcher, type FileLayout } from './chunk-fetcher.ts';

export interface ReaderOptions {
  /** Most bytes fetched ahead of a sequential reader (default 32 MiB). */
  readaheadBytes?: number;
}

const FIRST_WINDOW = 1 << 20;
/**
 * A sequential stream's first bytes whose readahead still goes to the disk
 * cache: files up to this size are cached whole when read, and a big file's
 * head (where a reader that opens it again starts) is cached too.
 */
export const STREAM_CACHED_BYTES = 8 << 20;
/** Reads this close to where the last one ended count as sequential (the kernel may reorder a few). */
const SEQUENTIAL_SLACK = 1 << 20;

export class FileReader {
  private lastEnd = 0;
  /** Where the current sequential stream began. */
  private streamStart = 0;
  private window = 0;
  /** Highest chunk index already asked for by readahead. */
  private aheadTo = -1;
  private readonly maxWindow: number;

  constructor(
    private readonly fetcher: ChunkFetcher,
    private readonly ref: string,
    private readonly layout: FileLayout,
    opts: ReaderOptions = {},
  ) {
    this.maxWindow = opts.readaheadBytes ?? 32 << 20;
  }

  get size(): number {
    return this.layout.size;
  }

  /** Copies up to `length` bytes at `offset` into `buf`; resolves with the count (0 at the end). */
  async read(buf: Buffer, offset: number, length: number): Promise<number> {
    const { layout } = this;
    if (offset >= layout.size || length <= 0) return 0;
    const end = Math.min(layout.size, offset + length);
    const first = chunkIndexAt(layout, offset);
    const last = chunkIndexAt(layout, end - 1);
    this.plan(offset, end, last);
    const chunks = await Promise.all(this.fetcher.load(this.ref, layout, first, last));
    let written = 0;
    for (let i = first; i <= last; i++) {
      const span = layout.chunks[i]!;
      const data = chunks[i - first]!;
      const from = Math.max(offset, span.offset) - span.offset;
      const to = Math.min(end, span.offset + span.size) - span.offset;
      written += copyChunk(data, buf, written, from, to);
    }
    return written;
  }

  /** Grows or drops the readahead window, and asks for the chunks it newly covers. */
  private plan(offset: number, end: number, last: number): void {
    const sequential = Math.abs(offset - this.lastEnd) <= SEQUENTIAL_SLACK;
    this.lastEnd = Math.max(end, sequential ? this.lastEnd : 0);
    if (!sequential) {
      this.window = 0;
      this.aheadTo = -1;
      this.streamStart = offset;
      return;
    }
    this.window = Math.min(this.maxWindow, Math.max(FIRST_WINDOW, this.window * 2));
    // Top the window up only once half of it is used, so each fetch is a long range, not a read's worth.
    const ahead = this.aheadTo < 0 ? 0 : this.layout.chunks[this.aheadTo]!.offset + this.layout.chunks[this.aheadTo]!.size - end;
    if (ahead >= this.window / 2) return;
    const aheadEnd = Math.min(this.layout.size, end + this.window);
    const to = chunkIndexAt(this.layout, aheadEnd - 1);
    const from = Math.max(last + 1, this.aheadTo + 1);
    if (to >= from) this.fetcher.load(this.ref, this.layout, from, to, this.streamStart + STREAM_CACHED_BYTES);
    this.aheadTo = Math.max(this.aheadTo, to);
  }
}
