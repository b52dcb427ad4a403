// File attributes in the index (range format version 2): they round-trip,
// pin one canonical encoding, leave ranges without any in version 1 (so old
// index hashes stay), count in diffs, and corrupt forms are refused.
import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../src/errors/index.ts';
import { decodeRange, encodeRange, type FileEntry } from '../../src/index/index.ts';
import { sameEntry } from '../../src/index/index-diff.ts';
import { sha256Hex } from './index-helpers.ts';

const plain: FileEntry = { path: '/a.csv', size: 3, hash: sha256Hex('abc'), chunks: [{ hash: sha256Hex('abc'), size: 3 }] };
const withAttrs: FileEntry = { ...plain, path: '/b.csv', attrs: { 'x-amz-meta-zeta': 'ünï', 'content-type': 'text/csv', 'last-modified': '1764600000000' } };

describe('index entry attributes', () => {
  it('round-trip in a version 2 range; a range without any stays version 1', () => {
    const v1 = encodeRange([plain]);
    expect(v1[4]).toBe(1);
    expect(decodeRange(v1, 'h')).toEqual([plain]);
    const v2 = encodeRange([plain, withAttrs]);
    expect(v2[4]).toBe(2);
    const back = decodeRange(v2, 'h');
    expect(back[0]).toEqual(plain);
    expect(back[0]!.attrs).toBeUndefined();
    expect(back[1]).toEqual(withAttrs);
    // One encoding whatever the order the attributes were given in; empty attributes are none.
    const reordered = { ...withAttrs, attrs: Object.fromEntries(Object.entries(withAttrs.attrs!).reverse()) };
    expect(Buffer.from(encodeRange([plain, reordered])).equals(Buffer.from(v2))).toBe(true);
    expect(Buffer.from(encodeRange([{ ...plain, attrs: {} }])).equals(Buffer.from(v1))).toBe(true);
  });

  it('pins the version 2 bytes', () => {
    const bytes = Buffer.from(encodeRange([withAttrs])).toString('hex');
    expect(bytes).toBe(
      '5349585202010006' + Buffer.from('/b.csv').toString('hex') + '0320' + sha256Hex('abc') + '00' +
        '03' + '0c' + Buffer.from('content-type').toString('hex') + '08' + Buffer.from('text/csv').toString('hex') +
        '0d' + Buffer.from('last-modified').toString('hex') + '0d' + Buffer.from('1764600000000').toString('hex') +
        '0f' + Buffer.from('x-amz-meta-zeta').toString('hex') + '05' + Buffer.from('ünï').toString('hex'),
    );
  });

  it('count in diffs: the same bytes with other attributes are a modification', () => {
    expect(sameEntry(plain, { ...plain })).toBe(true);
    expect(sameEntry(plain, { ...plain, attrs: {} })).toBe(true);
    expect(sameEntry(plain, { ...plain, attrs: { 'content-type': 'text/csv' } })).toBe(false);
    expect(sameEntry({ ...plain, attrs: { a: '1' } }, { ...plain, attrs: { a: '2' } })).toBe(false);
  });

  it('refuses unsorted, empty-named or absent attributes when decoding, and bad ones when encoding', () => {
    const good = Buffer.from(encodeRange([{ ...plain, attrs: { a: '1', b: '2' } }]));
    const swapped = Buffer.from(good.toString('hex').replace('0161013101620132', '0162013201610131'), 'hex');
    const none = Buffer.from(encodeRange([plain]));
    none[4] = 2;
    const noneV2 = Buffer.concat([none, Buffer.from([0])]);
    for (const bad of [swapped, noneV2]) {
      try {
        decodeRange(bad, 'bad');
        throw new Error('decoded');
      } catch (err) {
        expect(isStrataError(err, 'INDEX_CORRUPT')).toBe(true);
      }
    }
    expect(() => encodeRange([{ ...plain, attrs: { '': 'x' } }])).toThrow(/attribute/);
    expect(() => encodeRange([{ ...plain, attrs: { a: 3 as unknown as string } }])).toThrow(/attribute/);
  });
});
