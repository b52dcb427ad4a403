// Path order and range cuts: the two things every index with the same files
// must agree on for root hashes to match.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CUT_PARAMS, RangeCutter, entryWeight, pathHash } from '../../src/index/boundaries.ts';
import { comparePaths } from '../../src/index/index.ts';
import { isPastPrefix } from '../../src/index/paths.ts';
import { fileEntry, treeEntries } from './index-helpers.ts';

const sign = (n: number) => Math.sign(n);

describe('comparePaths', () => {
  it('agrees with UTF-8 byte order on any strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(sign(comparePaths(a, b))).toBe(sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 2000 },
    );
  });

  it('puts U+E000..U+FFFF before astral characters, unlike JS <', () => {
    expect('\u{1F600}' < '\uE000').toBe(true);
    expect(comparePaths('/\u{1F600}', '/\uE000')).toBeGreaterThan(0);
    expect(comparePaths('/\uFFFF', '/\u{10000}')).toBeLessThan(0);
    expect(comparePaths('/a', '/a/b')).toBeLessThan(0);
    expect(comparePaths('/a!', '/a/b')).toBeLessThan(0);
    expect(comparePaths('/a', '/a')).toBe(0);
  });

  it('knows when a key is past every key with a prefix', () => {
    expect(isPastPrefix('/b', '/a/')).toBe(true);
    expect(isPastPrefix('/a0', '/a/')).toBe(true);
    expect(isPastPrefix('/a/x', '/a/')).toBe(false);
    expect(isPastPrefix('/a!', '/a/')).toBe(false);
  });
});

describe('pathHash', () => {
  it('is pinned: FNV-1a over UTF-8 with a murmur3 finaliser', () => {
    // Values computed independently (Python) from the definition.
    expect([pathHash('/'), pathHash('/a/b.txt'), pathHash('/é/\u{1F600}')]).toEqual([616345028, 1061154399, 995736687]);
    expect(pathHash('/é')).toBe(pathHash(Buffer.from('/é').toString()));
  });

  it('spreads its low bits over patterned keys', () => {
    const buckets = new Array<number>(16).fill(0);
    for (const e of treeEntries(100, 160)) buckets[pathHash(e.path) & 15]!++;
    for (const n of buckets) expect(n).toBeGreaterThan(800); // 1000 expected each
  });
});

describe('RangeCutter', () => {
  function cuts(entries: Iterable<ReturnType<typeof fileEntry>>, params = DEFAULT_CUT_PARAMS): number[] {
    const cutter = new RangeCutter(params);
    const sizes: number[] = [];
    let n = 0;
    for (const e of entries) {
      n++;
      if (cutter.push(e)) {
        sizes.push(n);
        n = 0;
      }
    }
    return sizes;
  }

  it('makes ranges of about 2^maskBits entries, never below the minimum', () => {
    const sizes = cuts(treeEntries(100, 1000));
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(mean).toBeGreaterThan(700);
    expect(mean).toBeLessThan(1500);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(DEFAULT_CUT_PARAMS.minEntries);
  });

  it('ends a range at maxBytes, and follows the keys again past softBytes', () => {
    const chunks = fileEntry('/big', 0, 10_000).chunks;
    const huge = Array.from({ length: 400 }, (_, i) => ({ ...fileEntry(`/big/${i}`), chunks })); // ~370 KB each
    expect(entryWeight(huge[0]!)).toBeGreaterThan(DEFAULT_CUT_PARAMS.softBytes);
    const sizes = cuts(huge);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3); // 3 x 370 KB passes 1 MiB
    // Past softBytes a quarter of keys cut, so 7/16 of ranges end on a key before the size limit.
    expect(sizes.filter((s) => s < 3).length).toBeGreaterThan(sizes.length * 0.3);
  });

  it('decides each cut from the entries up to it, so the same keys cut the same way', () => {
    const all = [...treeEntries(10, 1000)];
    const whole = cuts(all);
    const ends = whole.map(((sum) => (n: number) => (sum += n))(0));
    // Start again at any old cut: the later cuts are the same.
    const from = ends[3]!;
    const again = cuts(all.slice(from)).map(((sum) => (n: number) => (sum += n))(from));
    expect(again).toEqual(ends.slice(4));
  });
});
