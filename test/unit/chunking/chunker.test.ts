import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PARAMS,
  chunkBuffer,
  chunkStream,
  createChunker,
  createChunkingParams,
  hashChunk,
  hashHex,
} from '../../../src/chunking/index.ts';
import { collect, endsOf, pseudoRandomBytes, referenceChunkEnds, splitStream } from './helpers.ts';

const SMALL = createChunkingParams({ minSize: 64, avgSize: 256, maxSize: 1024 });
const small = createChunker(SMALL);
const MiB = 1024 * 1024;

describe('chunkStream', () => {
  it('gives zero chunks for empty input, and for a stream of empty buffers', async () => {
    expect(await collect(chunkStream(splitStream(new Uint8Array(0), [])))).toEqual([]);
    async function* empties() {
      yield new Uint8Array(0);
      yield new Uint8Array(0);
    }
    expect(await collect(chunkStream(empties()))).toEqual([]);
  });

  it('gives one chunk for input smaller than min, as a view (no copy)', async () => {
    const buf = pseudoRandomBytes('small', 1000);
    const chunks = await collect(chunkStream(splitStream(buf, [])));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.buffer).toBe(buf.buffer);
    expect(hashHex(hashChunk(chunks[0]!))).toBe(hashHex(hashChunk(buf)));
  });

  it('gives one chunk for all-zero input of exactly max, and max-size chunks for more', async () => {
    const exact = await collect(chunkStream(splitStream(new Uint8Array(DEFAULT_PARAMS.maxSize), [])));
    expect(exact.map((c) => c.length)).toEqual([DEFAULT_PARAMS.maxSize]);
    const zeros = new Uint8Array(3 * MiB + 5);
    const chunks = await collect(chunkStream(splitStream(zeros, [100_000, 2 * MiB])));
    const max = DEFAULT_PARAMS.maxSize;
    expect(chunks.map((c) => c.length)).toEqual([...Array(12).fill(max), 5]);
  });

  it('cuts random data into chunks of about the average size', () => {
    const buf = pseudoRandomBytes('sizes', 8 * MiB);
    const lengths = [...chunkBuffer(buf)].map((c) => c.length);
    const mean = buf.length / lengths.length;
    expect(mean).toBeGreaterThan(56 * 1024);
    expect(mean).toBeLessThan(90 * 1024);
    expect(Math.min(...lengths.slice(0, -1))).toBeGreaterThanOrEqual(DEFAULT_PARAMS.minSize);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(DEFAULT_PARAMS.maxSize);
  });

  it('gives the same chunks whatever the input buffer sizes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 12_000 }),
        fc.array(fc.nat({ max: 12_000 }), { maxLength: 40 }),
        async (bytes, cuts) => {
          const chunks = await collect(small.chunkStream(splitStream(bytes, cuts)));
          expect(endsOf(chunks)).toEqual(referenceChunkEnds(bytes, SMALL));
          expect(Buffer.concat(chunks).equals(Buffer.from(bytes))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same chunks with low-entropy data split into many buffers (property)', async () => {
    const lowEntropy = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 300 })), { maxLength: 60 })
      .map((runs) => Uint8Array.from(runs.flatMap(([v, n]) => Array<number>(n).fill(v))));
    await fc.assert(
      fc.asyncProperty(lowEntropy, fc.array(fc.nat({ max: 18_000 }), { maxLength: 60 }), async (bytes, cuts) => {
        const chunks = await collect(small.chunkStream(splitStream(bytes, cuts)));
        expect(endsOf(chunks)).toEqual(referenceChunkEnds(bytes, SMALL));
      }),
      { numRuns: 200 },
    );
  });

  it('copies only chunks that straddle input buffers', async () => {
    const buf = pseudoRandomBytes('views', 40_000);
    const split = 20_000;
    const chunks = await collect(small.chunkStream(splitStream(buf, [split])));
    let pos = 0;
    for (const c of chunks) {
      const straddles = pos < split && pos + c.length > split;
      expect(c.buffer === buf.buffer).toBe(!straddles);
      pos += c.length;
    }
  });

  it('resists boundary shifts: inserting one byte changes only nearby chunks', async () => {
    const buf = pseudoRandomBytes('shift', 8 * MiB);
    const shifted = new Uint8Array(buf.length + 1);
    shifted.set(buf.subarray(0, 1000));
    shifted[1000] = 0x42;
    shifted.set(buf.subarray(1000), 1001);
    const names = (b: Uint8Array) => [...chunkBuffer(b)].map((c) => hashHex(hashChunk(c)));
    const before = names(buf);
    const after = new Set(names(shifted));
    const kept = before.filter((h) => after.has(h)).length;
    expect(kept).toBeGreaterThanOrEqual(before.length - 2);
  });

  it('rejects input that is not bytes', async () => {
    async function* bad() {
      yield 'text' as unknown as Uint8Array;
    }
    await expect(collect(chunkStream(bad()))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
