// The stored formats: round trips, the golden fixture that pins them, and
// corrupt or unstorable input turned into the right errors.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../src/errors/index.ts';
import type { Hash } from '../../src/ids.ts';
import { V1_CUT_PARAMS } from '../../src/index/boundaries.ts';
import { decodeRoot } from '../../src/index/encoding.ts';
import {
  applyChanges,
  buildIndex,
  createIndexReader,
  decodeMetarange,
  decodeRange,
  encodeMetarange,
  encodeRange,
  type FileEntry,
  type RangeRecord,
} from '../../src/index/index.ts';
import { createMemoryStore, fileEntry, filePath, sha256Hex, sortEntries, sortPaths, treeEntries } from './index-helpers.ts';

const golden = JSON.parse(readFileSync(new URL('../fixtures/index/golden.json', import.meta.url), 'utf8')) as Record<string, string | number>;
const goldenV2 = JSON.parse(readFileSync(new URL('../fixtures/index/golden-v2.json', import.meta.url), 'utf8')) as Record<string, string | number>;

const GOLDEN_ENTRIES: FileEntry[] = [
  { path: '/a.txt', size: 5, hash: sha256Hex('hello'), chunks: [{ hash: sha256Hex('hello'), size: 5 }] },
  {
    path: '/dir/big.bin',
    size: 5_000_000_000,
    hash: sha256Hex('big'),
    chunks: [
      { hash: sha256Hex('big0'), size: 4_000_000_000 },
      { hash: sha256Hex('big1'), size: 1_000_000_000 },
    ],
  },
  { path: '/dir/empty', size: 0, hash: sha256Hex(''), chunks: [] },
  { path: '/dir/é😀', size: 7, hash: 'deadbeef', chunks: [{ hash: sha256Hex('x'), size: 7 }] },
];

const GOLDEN_RECORDS: RangeRecord[] = [
  { firstPath: '/a.txt', lastPath: '/dir/é😀', count: 4, bytes: 5_000_000_012, hash: String(golden.rangeSha256) },
  { firstPath: '/z', lastPath: '/z', count: 1, bytes: 0, hash: sha256Hex('z') },
];

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

function expectCorrupt(fn: () => unknown, object: string): void {
  try {
    fn();
  } catch (err) {
    expect(isStrataError(err, 'INDEX_CORRUPT')).toBe(true);
    expect((err as { data: Record<string, unknown> }).data.object).toBe(object);
    expect(String((err as Error).message)).toContain(object);
    return;
  }
  throw new Error('expected INDEX_CORRUPT');
}

describe('golden formats', () => {
  // The fixture predates the move from byte order to path order ('/' first).
  // Its inputs are sorted in both, and prefix compression does not depend on
  // the order, so its bytes stand: only which sequences are valid changed.
  it('pins inputs that are in path order', () => {
    expect(sortEntries([...GOLDEN_ENTRIES].reverse())).toEqual(GOLDEN_ENTRIES);
    const recordPaths = GOLDEN_RECORDS.flatMap((r) => [r.firstPath, r.lastPath]);
    expect(sortEntries(recordPaths.map((p) => fileEntry(p))).map((e) => e.path)).toEqual(recordPaths);
  });

  it('encodes a range byte for byte as pinned', () => {
    const bytes = encodeRange(GOLDEN_ENTRIES);
    expect(hex(bytes)).toBe(golden.range);
    expect(sha256Hex(bytes)).toBe(golden.rangeSha256);
    expect(decodeRange(bytes, 'r')).toEqual(GOLDEN_ENTRIES);
  });

  it('encodes a metarange byte for byte as pinned', () => {
    const bytes = encodeMetarange(GOLDEN_RECORDS);
    expect(hex(bytes)).toBe(golden.metarange);
    expect(sha256Hex(bytes)).toBe(golden.metarangeSha256);
    expect(decodeMetarange(bytes, 'm')).toEqual(GOLDEN_RECORDS);
  });

  it('cuts a version-1-parameter index where it always has', async () => {
    const store = createMemoryStore();
    const root = await buildIndex(store, treeEntries(3, 1000), { cut: V1_CUT_PARAMS });
    expect(root).toBe(golden.tree3x1000Root);
    expect((await createIndexReader(store).objects(root)).length - 1).toBe(golden.tree3x1000Ranges);
  });
});

describe('golden formats since 2026-12 (two-level metarange, smaller ranges)', () => {
  it('cuts a default-parameter index into ranges under a metatree root, byte for byte as pinned', async () => {
    const store = createMemoryStore();
    const root = (await buildIndex(store, treeEntries(20, 1000)))!;
    expect(root).toBe(goldenV2.tree20x1000Root);
    expect(hex(await store.get(root))).toBe(goldenV2.tree20x1000RootBytes);
    const reader = createIndexReader(store);
    expect((await reader.groups(root)).length).toBe(goldenV2.tree20x1000Groups);
    expect((await reader.ranges(root)).length).toBe(goldenV2.tree20x1000Ranges);
    expect(decodeRoot(await store.get(root), root).tree).toBe(true);
    const small = await buildIndex(store, treeEntries(3, 1000));
    expect(small).toBe(goldenV2.tree3x1000Root);
    expect(decodeRoot(await store.get(small!), small!).tree).toBe(false); // one group: a plain metarange, as in version 1
    expect((await reader.ranges(small)).length).toBe(goldenV2.tree3x1000Ranges);
  });

  it('reads a version-1 index and applies changes to it: old ranges reused, new ones cut the new way', async () => {
    const store = createMemoryStore();
    const entries = [...treeEntries(20, 1000)];
    const v1 = (await buildIndex(store, entries, { cut: V1_CUT_PARAMS }))!;
    const reader = createIndexReader(store);
    expect(await reader.groups(v1)).toEqual([]);
    const oldRanges = await reader.ranges(v1);
    const changed = entries[12_345]!;
    const { root, stats } = await applyChanges(store, v1, [{ op: 'put', entry: { ...changed, size: changed.size + 1 } }]);
    expect(stats.rangesRead).toBe(1);
    const newRanges = await reader.ranges(root);
    expect(newRanges.filter((r) => !oldRanges.some((o) => o.hash === r.hash)).length).toBeGreaterThanOrEqual(1);
    expect(newRanges.filter((r) => oldRanges.some((o) => o.hash === r.hash)).length).toBe(oldRanges.length - 1);
    expect((await reader.get(root, changed.path))!.size).toBe(changed.size + 1);
    expect((await reader.stat(root)).files).toBe(entries.length);
    const diff = [];
    for await (const d of reader.diff(root, v1)) diff.push(d.path);
    expect(diff).toEqual([changed.path]);
  });
});

describe('round trips', () => {
  it('keeps long shared prefixes, astral characters and many chunks', () => {
    const entries = [
      fileEntry(`/x/${'y'.repeat(5000)}`, 3, 1000),
      // Code point order: U+E000 before the astral U+1F600, though JS `<` says otherwise.
      fileEntry('/x/\uE000', 4, 1),
      // '/' before every other character: a subtree before its name-prefixed siblings.
      fileEntry('/x/\uE000/a', 0, 1),
      fileEntry('/x/\uE000 b', 0, 1),
      fileEntry('/x/\u{1F600}a', 0, 3),
      fileEntry('/x/\u{1F600}b', 1, 0),
      fileEntry('/x/\u{1F601}', 2, 1),
    ];
    expect(decodeRange(encodeRange(entries), 'r')).toEqual(entries);
  });

  it('accepts exactly the path-ordered sequences, checked on bytes', () => {
    const paths = fc.uniqueArray(filePath.filter((p) => p !== '/'), { minLength: 2, maxLength: 12 });
    fc.assert(
      fc.property(paths, fc.nat(), (ps, k) => {
        const sorted = sortPaths(ps);
        const entries = sorted.map((p) => fileEntry(p));
        expect(decodeRange(encodeRange(entries), 'r')).toEqual(entries);
        const i = k % (sorted.length - 1);
        const swapped = [...entries];
        [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
        expect(() => encodeRange(swapped)).toThrow(expect.objectContaining({ code: 'INDEX_UNSORTED' }));
      }),
      { numRuns: 1000 },
    );
  });

  it('stores a typical small file in about 40 bytes', () => {
    const entries = [...treeEntries(1, 1000)];
    const perEntry = encodeRange(entries).length / entries.length;
    expect(perEntry).toBeLessThan(45);
  });
});

describe('corrupt objects', () => {
  const range = encodeRange(GOLDEN_ENTRIES);
  const meta = encodeMetarange(GOLDEN_RECORDS);

  it('rejects garbage, truncation, trailing bytes, wrong magic and version', () => {
    expectCorrupt(() => decodeRange(unhex('00112233445566'), 'h1'), 'h1');
    expectCorrupt(() => decodeRange(new Uint8Array(0), 'h2'), 'h2');
    for (const cut of [5, 20, range.length - 1]) expectCorrupt(() => decodeRange(range.subarray(0, cut), 'h3'), 'h3');
    expectCorrupt(() => decodeRange(new Uint8Array([...range, 0]), 'h4'), 'h4');
    expectCorrupt(() => decodeRange(meta, 'h5'), 'h5');
    expectCorrupt(() => decodeMetarange(range, 'h6'), 'h6');
    const v2 = range.slice();
    v2[4] = 2;
    expectCorrupt(() => decodeRange(v2, 'h7'), 'h7');
  });

  it('rejects paths out of order and non-canonical forms', () => {
    const swapped = encodeRange([fileEntry('/b'), fileEntry('/c')]);
    const i = Buffer.from(swapped).indexOf('/c') + 1;
    swapped[i] = 'a'.charCodeAt(0); // "/c" becomes "/a", before "/b"
    expectCorrupt(() => decodeRange(swapped, 'h8'), 'h8');
    // "/bb" after "/b" stored with 1 shared byte instead of the maximal 2.
    const good = hex(encodeRange([fileEntry('/b'), fileEntry('/bb')]));
    const at = good.lastIndexOf('020162');
    const lax = unhex(`${good.slice(0, at)}01026262${good.slice(at + 6)}`);
    expectCorrupt(() => decodeRange(lax, 'h10'), 'h10');
    expectCorrupt(() => decodeRange(unhex('5349585201' + '81' + '00'), 'h9'), 'h9'); // overlong varint count
  });

  it('checks path order with "/" first, not byte order', () => {
    // Encodes [first, '/a.b'] (suffix '.b' after 2 shared bytes), then makes the second path `second`.
    const pair = (first: string, second: '/a/b' | '/a!b') => {
      const bytes = encodeRange([fileEntry(first), fileEntry('/a.b')]);
      const at = Buffer.from(bytes).indexOf(Buffer.from([2, 2, ...Buffer.from('.b')])) + 2;
      bytes[at] = second.charCodeAt(2);
      return bytes;
    };
    // ['/a!b', '/a/b'] is byte order, not path order; ['/a/b', '/a!b'] is path order, not byte order.
    expectCorrupt(() => decodeRange(pair('/a!b', '/a/b'), 'h11'), 'h11');
    expect(decodeRange(pair('/a/b', '/a!b'), 'h12').map((e) => e.path)).toEqual(['/a/b', '/a!b']);
    const meta = encodeMetarange([
      { ...GOLDEN_RECORDS[0]!, firstPath: '/a', lastPath: '/a/z' },
      { ...GOLDEN_RECORDS[0]!, firstPath: '/a!', lastPath: '/a.txt' },
    ]);
    expect(decodeMetarange(meta, 'h13').map((r) => [r.firstPath, r.lastPath])).toEqual([['/a', '/a/z'], ['/a!', '/a.txt']]);
    expect(() => encodeMetarange([{ ...GOLDEN_RECORDS[0]!, firstPath: '/a!', lastPath: '/a/z' }])).toThrow(
      expect.objectContaining({ code: 'INDEX_UNSORTED' }),
    );
  });

  it('bit flips decode or raise INDEX_CORRUPT, never another error', () => {
    for (let seed = 0; seed < 500; seed++) {
      const bytes = range.slice();
      const at = 5 + ((seed * 7919) % (bytes.length - 5));
      bytes[at] = bytes[at]! ^ (1 << (seed % 8));
      try {
        const out = decodeRange(bytes, 'f');
        // A flipped bit inside a hash or size still decodes: the store's hash check catches it, not the decoder.
        expect(out.length).toBe(GOLDEN_ENTRIES.length);
      } catch (err) {
        expect(isStrataError(err, 'INDEX_CORRUPT')).toBe(true);
      }
    }
  });

  it('a corrupt object read through the reader is INDEX_CORRUPT naming it', async () => {
    const store = createMemoryStore();
    const root = (await buildIndex(store, treeEntries(1, 10)))!;
    const rangeHash = (await createIndexReader(store).objects(root))[1]!;
    store.objects.set(rangeHash, unhex('deadbeef'));
    await expect(createIndexReader(store).get(root, '/d0000/f0001')).rejects.toMatchObject({ code: 'INDEX_CORRUPT', data: { object: rangeHash } });
    store.objects.set(root, unhex('deadbeef'));
    await expect(createIndexReader(store).stat(root)).rejects.toMatchObject({ code: 'INDEX_CORRUPT', data: { object: root } });
  });
});

describe('unstorable entries', () => {
  it('rejects unsorted or duplicate paths with INDEX_UNSORTED', () => {
    for (const paths of [['/b', '/a'], ['/a', '/a'], ['/ab', '/a'], ['/\u{1F600}', '/\uE000'], ['/a!', '/a/b'], ['/a.txt', '/a/b'], ['/a b/c', '/a/c']]) {
      expect(() => encodeRange(paths.map((p) => fileEntry(p)))).toThrow(expect.objectContaining({ code: 'INDEX_UNSORTED' }));
    }
  });

  const bad: [string, FileEntry][] = [
    ['relative path', { ...fileEntry('/a'), path: 'a' }],
    ['trailing slash', { ...fileEntry('/a'), path: '/a/' }],
    ['root', { ...fileEntry('/a'), path: '/' }],
    ['lone surrogate', { ...fileEntry('/a'), path: '/a\uD800' }],
    ['uppercase hash', { ...fileEntry('/a'), hash: 'AB' }],
    ['odd hex', { ...fileEntry('/a'), hash: 'abc' }],
    ['short chunk hash', { ...fileEntry('/a', 0, 2), chunks: [{ hash: 'ab' as Hash, size: 1 }] }],
    ['negative size', { ...fileEntry('/a'), size: -1 }],
    ['fractional size', { ...fileEntry('/a'), size: 1.5 }],
  ];
  it.each(bad)('rejects %s with INDEX_INVALID_ENTRY', (_, entry) => {
    expect(() => encodeRange([entry])).toThrow(expect.objectContaining({ code: 'INDEX_INVALID_ENTRY' }));
  });
});
