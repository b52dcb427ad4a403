// The chunking format, pinned forever: if this fails, stored data would stop
// deduplicating against new writes. Fix the code, or bump FORMAT_VERSION and
// regenerate (see test/fixtures/chunking/golden-inputs.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chunkAndHash, chunkStream, hashChunk, hashHex } from '../../../src/chunking/index.ts';
import { GOLDEN_INPUTS, computeGolden, type Golden } from '../../fixtures/chunking/golden-inputs.ts';
import { collect, splitStream } from './helpers.ts';

const golden = JSON.parse(
  readFileSync(new URL('../../fixtures/chunking/golden.json', import.meta.url), 'utf8'),
) as Golden;

describe('golden chunking vectors', () => {
  it('are self-consistent', () => {
    for (const input of golden.inputs) {
      let offset = 0;
      for (const [off, len] of input.chunks) {
        expect(off).toBe(offset);
        offset += len;
      }
      expect(offset).toBe(input.length);
    }
  });

  it('match the params, gear table, boundaries, chunk hashes and file hashes', () => {
    expect(computeGolden()).toEqual(golden);
  });

  it('match through chunkStream with odd input splits and through chunkAndHash', async () => {
    for (const { name, seed, length, make } of GOLDEN_INPUTS) {
      const bytes = make(seed, length);
      const expected = golden.inputs.find((i) => i.name === name)!.chunks.map(([, len, hash]) => `${len}:${hash}`);
      const cuts = Array.from({ length: 40 }, (_, k) => (k * 163_841) % length);
      const streamed = await collect(chunkStream(splitStream(bytes, cuts)));
      expect(streamed.map((c) => `${c.length}:${hashHex(hashChunk(c))}`)).toEqual(expected);
      const piped = await collect(chunkAndHash(splitStream(bytes, cuts), { concurrency: 2 }));
      expect(piped.map((c) => `${c.data.length}:${hashHex(c.hash)}`)).toEqual(expected);
    }
  });
});
