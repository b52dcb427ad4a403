// The command's stdout and stderr: passed on to the terminal as they come
// (with backpressure, so a slow terminal slows the command rather than
// filling memory) and kept, the last `limit` bytes of each, for the record.
import type { Readable, Writable } from 'node:stream';

export class TailBuffer {
  private chunks: Buffer[] = [];
  private kept = 0;
  /** Every byte seen, including those dropped. */
  total = 0;

  constructor(readonly limit: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.kept - this.chunks[0]!.length >= this.limit) this.kept -= this.chunks.shift()!.length;
  }

  /** True when bytes were dropped from the front. */
  get truncated(): boolean {
    return this.total > this.limit;
  }

  /** The last `limit` bytes (or `max`, when smaller). */
  bytes(max = this.limit): Buffer {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - Math.min(max, this.limit)));
  }

  /** The tail as text, starting at a line or character boundary when cut. */
  text(max = this.limit): string {
    const b = this.bytes(max);
    let s = b.toString('utf8');
    if (b.length < this.total) {
      const nl = s.indexOf('\n');
      s = nl >= 0 && nl < s.length - 1 ? s.slice(nl + 1) : s.replace(/^\uFFFD+/, '');
    }
    return s;
  }
}

/** Copies `from` into `tail` and, unless `to` is undefined, on to `to`. Resolves when `from` ends. */
export function tee(from: Readable, tail: TailBuffer, to: Writable | undefined): Promise<void> {
  let out = to;
  // A closed terminal (EPIPE) must not stop the command: keep recording.
  out?.once('error', () => {
    out = undefined;
    from.resume();
  });
  return new Promise((resolve) => {
    from.on('data', (chunk: Buffer) => {
      tail.push(chunk);
      if (out && !out.destroyed && !out.write(chunk)) {
        from.pause();
        out.once('drain', () => from.resume());
      }
    });
    from.once('close', resolve);
    from.once('error', () => resolve());
  });
}
