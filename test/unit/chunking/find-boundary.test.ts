import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, createChunkingParams, findBoundary } from '../../../src/chunking/index.ts';
import { pseudoRandomBytes, referenceChunkEnds } from './helpers.ts';

// Small sizes so a few KiB of data make many chunks.
const SMALL = createChunkingParams({ minSize: 64, avgSize: 256, maxSize: 1024 });

function chunkEnds(buf: Uint8Array, p = SMALL): number[] {
  const ends: number[] = [];
  for (let pos = 0; pos < buf.length; ) ends.push((pos = findBoundary(buf, pos, buf.length, p, true)));
  return ends;
}

describe('findBoundary', () => {
  it('matches the naive reference implementation of the cut rule', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 8192 }), (bytes) => {
        expect(chunkEnds(bytes)).toEqual(referenceChunkEnds(bytes, SMALL));
      }),
      { numRuns: 200 },
    );
  });

  it('matches the reference with the default params on 2 MiB', () => {
    const buf = pseudoRandomBytes('find-boundary-ref', 2 * 1024 * 1024);
    expect(chunkEnds(buf, DEFAULT_PARAMS)).toEqual(referenceChunkEnds(buf, DEFAULT_PARAMS));
  });

  it('hashes a full 32-byte window at the first candidate position', () => {
    // Chunks cut at exactly minSize are rare in random property inputs, yet
    // they are where a wrong window warm-up would show.
    let found = 0;
    for (let seed = 0; found < 24; seed++) {
      const buf = pseudoRandomBytes(`first-candidate-${seed}`, 2 * SMALL.minSize);
      const [first] = referenceChunkEnds(buf, SMALL);
      if (first !== SMALL.minSize) continue;
      found++;
      expect(findBoundary(buf, 0, buf.length, SMALL, true)).toBe(SMALL.minSize);
      // and when resuming right at the candidate
      expect(findBoundary(buf, 0, buf.length, SMALL, true, SMALL.minSize - 1)).toBe(SMALL.minSize);
    }
  });

  it('asks for more data only when no cut is possible yet', () => {
    const buf = pseudoRandomBytes('more-data', 4096);
    const cut = findBoundary(buf, 0, buf.length, SMALL, true);
    expect(findBoundary(buf, 0, cut - 1, SMALL, false)).toBe(-1);
    expect(findBoundary(buf, 0, cut - 1, SMALL, true)).toBe(cut - 1);
    expect(findBoundary(buf, 0, cut, SMALL, false)).toBe(cut);
    expect(findBoundary(buf, 0, 10, SMALL, false)).toBe(-1);
    expect(findBoundary(buf, 0, 10, SMALL, true)).toBe(10);
  });

  it('cuts at maxSize without needing more data, and never before minSize', () => {
    const zeros = new Uint8Array(5000);
    expect(findBoundary(zeros, 0, zeros.length, SMALL, false)).toBe(SMALL.maxSize);
    expect(findBoundary(zeros, 100, 100 + SMALL.maxSize, SMALL, false)).toBe(100 + SMALL.maxSize);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2048, maxLength: 2048 }), (bytes) => {
        const cut = findBoundary(bytes, 0, bytes.length, SMALL, true);
        expect(cut).toBeGreaterThanOrEqual(SMALL.minSize);
        expect(cut).toBeLessThanOrEqual(SMALL.maxSize);
      }),
    );
  });

  it('gives the same cut when resumed after a partial scan', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 3000 }),
        fc.nat(),
        fc.nat(),
        (bytes, a, s) => {
          const start = s % bytes.length;
          const whole = findBoundary(bytes, start, bytes.length, SMALL, true);
          const mid = start + (a % (bytes.length - start + 1));
          const first = findBoundary(bytes, start, mid, SMALL, false);
          const resumed = first >= 0 ? first : findBoundary(bytes, start, bytes.length, SMALL, true, mid);
          expect(resumed).toBe(whole);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('depends only on content once past the first 32 bytes of a region (resynchronises)', () => {
    // Cut points found from two different chunk starts agree once they meet.
    const buf = pseudoRandomBytes('resync', 64 * 1024);
    const a = new Set(chunkEnds(buf));
    let pos = 777;
    let met = false;
    while (pos < buf.length && !met) {
      pos = findBoundary(buf, pos, buf.length, SMALL, true);
      met = a.has(pos);
    }
    expect(met).toBe(true);
    const after: number[] = [];
    while (pos < buf.length) after.push((pos = findBoundary(buf, pos, buf.length, SMALL, true)));
    expect(after.every((e) => a.has(e))).toBe(true);
  });
});
