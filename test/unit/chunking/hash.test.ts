import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  FILE_HASH_PREFIX,
  HASH_BYTES,
  chunkBuffer,
  createFileHasher,
  fileHash,
  hashChunk,
  hashHex,
} from '../../../src/chunking/index.ts';
import { pseudoRandomBytes } from './helpers.ts';

describe('chunk and file hashes', () => {
  it('names a chunk by SHA-256 of its bytes', () => {
    const h = hashChunk(new TextEncoder().encode('abc'));
    expect(h).toHaveLength(HASH_BYTES);
    expect(hashHex(h)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hex-encodes views without their surroundings', () => {
    const buf = Uint8Array.from([1, 2, 0xab, 0xcd, 5]);
    expect(hashHex(buf.subarray(2, 4))).toBe('abcd');
  });

  it('defines the file hash over the prefix and the concatenated chunk hashes', () => {
    const buf = pseudoRandomBytes('file-hash', 300_000);
    const hashes = [...chunkBuffer(buf)].map(hashChunk);
    const expected = createHash('sha256')
      .update(Buffer.from('strata-file-v1\0', 'latin1'))
      .update(Buffer.concat(hashes))
      .digest();
    expect(FILE_HASH_PREFIX).toHaveLength(15);
    expect(fileHash(hashes)).toEqual(expected);
    // the empty file: no chunks, the hash of the prefix alone
    expect(hashHex(fileHash([]))).toBe(createHash('sha256').update('strata-file-v1\0').digest('hex'));
  });

  it('is not the hash of a chunk with the same bytes (domain separation)', () => {
    const h = hashChunk(Uint8Array.from([7]));
    expect(fileHash([h])).not.toEqual(hashChunk(h));
  });

  it('builds the same hash incrementally, and refuses misuse', () => {
    const hashes = [hashChunk(Uint8Array.from([1])), hashChunk(Uint8Array.from([2]))];
    const hasher = createFileHasher();
    for (const h of hashes) hasher.add(h);
    expect(hasher.digest()).toEqual(fileHash(hashes));
    expect(() => hasher.add(hashes[0]!)).toThrow(/after digest/);
    expect(() => fileHash([new Uint8Array(31)])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
