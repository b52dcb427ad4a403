// Shared test inputs: deterministic pseudo-random bytes (SHA-256 in counter
// mode, so any language can regenerate them), a naive reference chunker
// written straight from the cut rule, and stream helpers.
import { createHash } from 'node:crypto';
import { GEAR, type ChunkingParams } from '../../../src/chunking/index.ts';

/** n bytes: SHA-256(seed || uint32be(0)) || SHA-256(seed || uint32be(1)) || ... */
export function pseudoRandomBytes(seed: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const counter = Buffer.alloc(4);
  for (let k = 0, off = 0; off < n; k++, off += 32) {
    counter.writeUInt32BE(k);
    const block = createHash('sha256').update(seed, 'utf8').update(counter).digest();
    out.set(block.subarray(0, Math.min(32, n - off)), off);
  }
  return out;
}

/** n bytes of lower-case letters and spaces (b % 27 of pseudoRandomBytes): low-entropy, text-like. */
export function pseudoRandomText(seed: string, n: number): Uint8Array {
  const LETTERS = 'abcdefghijklmnopqrstuvwxyz ';
  return pseudoRandomBytes(seed, n).map((b) => LETTERS.charCodeAt(b % 27));
}

/**
 * The cut rule of find-boundary.ts, computed the slow and obvious way: the
 * window hash recomputed from scratch at every position.
 */
export function referenceChunkEnds(buf: Uint8Array, p: ChunkingParams): number[] {
  const ends: number[] = [];
  let start = 0;
  while (start < buf.length) {
    let end = Math.min(start + p.maxSize, buf.length);
    for (let i = start + p.minSize - 1; i < Math.min(start + p.maxSize, buf.length); i++) {
      let h = 0;
      for (let j = Math.max(start, i - 31); j <= i; j++) h = (h + (GEAR[buf[j]!]! << (i - j))) | 0;
      const len = i + 1 - start;
      const mask = len <= p.avgSize ? p.maskS : p.maskL;
      if ((h & mask) === 0) {
        end = i + 1;
        break;
      }
    }
    ends.push(end);
    start = end;
  }
  return ends;
}

/** Splits buf at the given (sorted or not) offsets into an async stream of views. */
export async function* splitStream(buf: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < buf.length))].sort((a, b) => a - b);
  let prev = 0;
  for (const c of [...points, buf.length]) {
    yield buf.subarray(prev, c);
    prev = c;
  }
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Chunk end offsets (cumulative lengths) of a list of chunks. */
export function endsOf(chunks: Uint8Array[]): number[] {
  let pos = 0;
  return chunks.map((c) => (pos += c.length));
}
