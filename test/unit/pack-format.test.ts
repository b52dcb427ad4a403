import { describe, expect, it } from 'vitest';
import { decodeFooter, decodeIndex, decodeTrailer, encodeIndex, FOOTER_BYTES, sealPack, visitIndex, type PackEntry } from '../../src/blocks/pack-format.ts';
import { sha256 } from '../helpers/bytes.ts';

const entries: PackEntry[] = [
  { hash: sha256(Buffer.from('alpha')), offset: 0, length: 5 },
  { hash: sha256(Buffer.from('beta')), offset: 5, length: 4 },
];

describe('pack format v1', () => {
  it('is pinned: the same entries always seal to the same bytes and name', () => {
    const { tail, name } = sealPack(entries);
    expect(tail.length).toBe(2 * 40 + FOOTER_BYTES);
    expect(sha256(tail).toString('hex')).toBe(GOLDEN_TAIL_SHA256);
    expect(name).toBe(GOLDEN_PACK_NAME);
  });

  it('decodes its own trailer and footer', () => {
    const { tail, name } = sealPack(entries);
    const footer = decodeFooter(tail.subarray(tail.length - FOOTER_BYTES), name);
    expect(footer.count).toBe(2);
    const decoded = decodeTrailer(tail.subarray(0, tail.length - FOOTER_BYTES), footer, name, 9);
    expect(decoded).toEqual(entries);
  });

  it('rejects a trailer whose bytes changed, naming the pack', () => {
    const { tail, name } = sealPack(entries);
    const footer = decodeFooter(tail.subarray(tail.length - FOOTER_BYTES), name);
    const trailer = Buffer.from(tail.subarray(0, tail.length - FOOTER_BYTES));
    trailer[3]! ^= 1;
    expect(() => decodeTrailer(trailer, footer, name, 9)).toThrow(expect.objectContaining({ code: 'PACK_CORRUPT', message: expect.stringContaining(name) }));
  });

  it('rejects entries that point past the data', () => {
    const { tail, name } = sealPack(entries);
    const footer = decodeFooter(tail.subarray(tail.length - FOOTER_BYTES), name);
    expect(() => decodeTrailer(tail.subarray(0, tail.length - FOOTER_BYTES), footer, name, 8)).toThrow(/points past the data/);
  });

  it('rejects a bad footer', () => {
    expect(() => decodeFooter(Buffer.alloc(FOOTER_BYTES), 'p1')).toThrow(expect.objectContaining({ code: 'PACK_CORRUPT' }));
  });
});

describe('index object format v1', () => {
  const records = [
    { pack: 'ab'.repeat(32), entries },
    { pack: 'cd'.repeat(32), entries: [] },
  ];

  it('round-trips and is pinned', () => {
    const encoded = encodeIndex(records);
    expect(decodeIndex(encoded, 'x')).toEqual(records);
    expect(sha256(encoded).toString('hex')).toBe(GOLDEN_INDEX_SHA256);
  });

  it('rejects any flipped byte and truncation', () => {
    const encoded = encodeIndex(records);
    for (const at of [0, 9, 20, encoded.length - 1]) {
      const bad = Buffer.from(encoded);
      bad[at]! ^= 0x40;
      expect(() => decodeIndex(bad, 'idx1')).toThrow(expect.objectContaining({ code: 'PACK_CORRUPT', message: expect.stringContaining('idx1') }));
    }
    expect(() => decodeIndex(encoded.subarray(0, 30), 'idx1')).toThrow(expect.objectContaining({ code: 'PACK_CORRUPT' }));
  });

  it('is visited entry by entry as decoded, and a corrupt object visits nothing', () => {
    const encoded = encodeIndex(records);
    const seen: { pack: string; hash: string; offset: number; length: number }[] = [];
    visitIndex(encoded, 'x', (pack, hash, offset, length) => seen.push({ pack, hash: hash.toString('hex'), offset, length }));
    expect(seen).toEqual(records.flatMap((r) => r.entries.map((e) => ({ pack: r.pack, hash: e.hash.toString('hex'), offset: e.offset, length: e.length }))));
    const bad = Buffer.from(encoded);
    bad.writeUInt32BE(1_000_000, 16 + 32); // the first pack claims more entries than the object holds
    const visited: string[] = [];
    expect(() => visitIndex(bad, 'idx1', (pack) => visited.push(pack))).toThrow(expect.objectContaining({ code: 'PACK_CORRUPT' }));
    expect(visited).toEqual([]);
  });
});

// Pinned formats: changing these means a new format version, never an edit.
const GOLDEN_TAIL_SHA256 = 'bf64cc1b2e84db3ca579cd3f57d6726132a00bbbf0b49e6d3f66d4602887e819';
const GOLDEN_PACK_NAME = 'd2d9cdddb8585e869d8c1c5367cdf3a3c690d4835902516a5f3cd29061c701db';
const GOLDEN_INDEX_SHA256 = 'aa5bdd73aaf8eab48b3d4a374fa6c0ed9a6a2acad761033fbcb62ceb1023a153';
