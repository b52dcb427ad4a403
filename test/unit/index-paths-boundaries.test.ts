// Path order and range cuts: the two things every index with the same files
// must agree on for root hashes to match.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FilePath } from '../../src/ids.ts';
import { DEFAULT_CUT_PARAMS, RangeCutter, entryWeight, pathHash } from '../../src/index/boundaries.ts';
import { comparePaths } from '../../src/index/index.ts';
import { dirPrefix, isPastPrefix, pastDir } from '../../src/index/paths.ts';
import { encodePathForKey } from '../../src/meta/keys.ts';
import { byPath, fileEntry, filePath, sortPaths, treeEntries } from './index-helpers.ts';

const sign = (n: number) => Math.sign(n);

// The order from its definition, on bytes: UTF-8 (= code point order) with
// '/' ranked below every other byte (0x2f occurs in UTF-8 only as '/').
function slashFirstBytes(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  const rank = (u: number) => (u === 0x2f ? -1 : u);
  for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return rank(x[i]!) - rank(y[i]!);
  return x.length - y.length;
}

describe('comparePaths', () => {
  it('agrees with the project order (src/ids.ts) and with UTF-8 bytes ranking "/" first', () => {
    fc.assert(
      fc.property(filePath, filePath, (a, b) => {
        const want = sign(byPath(a, b));
        expect(sign(comparePaths(a, b))).toBe(want);
        expect(sign(slashFirstBytes(a, b))).toBe(want);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with UTF-8 bytes ranking "/" first on any strings, not only paths', () => {
    const s = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.array(fc.constantFrom('/', 'a', ' ', '!', '.', '0', '\uE000', '\u{1F600}'), { maxLength: 6 }).map((cs) => cs.join('')),
    );
    fc.assert(
      fc.property(s, s, (a, b) => {
        expect(sign(comparePaths(a, b))).toBe(sign(slashFirstBytes(a, b)));
      }),
      { numRuns: 3000 },
    );
  });

  it('is the order of the staging keys (src/meta/keys.ts) that applyChanges is fed in', () => {
    fc.assert(
      fc.property(filePath, filePath, (a, b) => {
        const keys = Buffer.compare(Buffer.from(encodePathForKey(a as FilePath)), Buffer.from(encodePathForKey(b as FilePath)));
        expect(sign(comparePaths(a, b))).toBe(sign(keys));
      }),
      { numRuns: 2000 },
    );
  });

  it('puts a directory\'s subtree right after it, before names with characters below "/"', () => {
    const order = [
      '/',
      '/a',
      '/a/z',
      '/a/z/\u{1F600}',
      '/a/z!',
      '/a b',
      '/a!',
      '/a-b/c',
      '/a.txt',
      '/a0',
      '/b',
    ];
    for (const shuffled of [[...order].reverse(), [...order].sort(), [...order].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))]) {
      expect(shuffled.sort(comparePaths)).toEqual(order);
      expect(sortPaths(shuffled)).toEqual(order);
    }
    // Byte order and JS sort disagree: they put '/a b', '/a!', '/a-b/c' and '/a.txt' before '/a/z'.
    expect([...order].sort()).not.toEqual(order);
    expect(comparePaths('/a', '/a/z')).toBeLessThan(0);
    expect(comparePaths('/a/z', '/a!')).toBeLessThan(0);
    expect(comparePaths('/a!', '/a.txt')).toBeLessThan(0);
    expect(comparePaths('/a/\u{10FFFF}', '/a ')).toBeLessThan(0);
    expect(comparePaths('/a', '/a')).toBe(0);
  });

  it('puts U+E000..U+FFFF before astral characters (code point order), unlike JS <', () => {
    expect('\u{1F600}' < '\uE000').toBe(true);
    expect(comparePaths('/\u{1F600}', '/\uE000')).toBeGreaterThan(0);
    expect(comparePaths('/\uFFFF', '/\u{10000}')).toBeLessThan(0);
    expect(comparePaths('/x/\uE000', '/x/\u{1F600}a')).toBeLessThan(0);
    // ...and '/' still first after an astral character.
    expect(comparePaths('/\u{1F600}/x', '/\u{1F600}!')).toBeLessThan(0);
    const order = ['/é', '/\uE000', '/\uE000/x', '/\uE000!', '/\uFFFF', '/\u{10000}', '/\u{1F600}', '/\u{1F600}/x', '/\u{1F600}!'];
    expect([...order].reverse().sort(comparePaths)).toEqual(order);
    expect(sortPaths([...order].reverse())).toEqual(order);
  });
});

describe('pastDir and isPastPrefix', () => {
  it('pastDir(d) bounds exactly the subtree of d: d < p < pastDir(d) only for p under d/', () => {
    fc.assert(
      fc.property(filePath.filter((d) => d !== '/'), filePath, (d, p) => {
        const between = comparePaths(d, p) < 0 && comparePaths(p, pastDir(d)) < 0;
        expect(between).toBe(p.startsWith(`${d}/`));
      }),
      { numRuns: 3000 },
    );
    expect(comparePaths('/a/\u{10FFFF}', pastDir('/a'))).toBeLessThan(0);
    expect(comparePaths(pastDir('/a'), '/a b')).toBeLessThan(0);
    expect(comparePaths(pastDir('/a'), '/a!')).toBeLessThan(0);
  });

  it('knows when a key is past every key with a prefix', () => {
    for (const key of ['/b', '/a0', '/a!', '/a b', '/a-b/c', '/a.txt']) expect(isPastPrefix(key, '/a/'), key).toBe(true);
    for (const key of ['/', '/a', '/a/x', '/a/\u{1F600}']) expect(isPastPrefix(key, '/a/'), key).toBe(false);
    expect(isPastPrefix('/x', '/')).toBe(false);
  });

  it('in any sorted list, paths under a directory form one run, and isPastPrefix is true only beyond it', () => {
    fc.assert(
      fc.property(fc.uniqueArray(filePath, { maxLength: 40 }), filePath, (ps, d) => {
        const sorted = sortPaths(ps);
        const prefix = dirPrefix(d);
        const inside = sorted.flatMap((p, i) => (p.startsWith(prefix) ? [i] : []));
        if (inside.length > 0) expect(inside[inside.length - 1]! - inside[0]!).toBe(inside.length - 1);
        sorted.forEach((p, i) => {
          if (isPastPrefix(p, prefix)) expect(sorted.slice(i).some((q) => q.startsWith(prefix))).toBe(false);
          else if (!p.startsWith(prefix)) expect(sorted.slice(0, i).some((q) => q.startsWith(prefix))).toBe(false);
        });
      }),
      { numRuns: 1000 },
    );
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
    const expected = DEFAULT_CUT_PARAMS.minEntries + 2 ** DEFAULT_CUT_PARAMS.maskBits; // the minimum, then geometric
    expect(mean).toBeGreaterThan(expected * 0.7);
    expect(mean).toBeLessThan(expected * 1.4);
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
