import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../../src/errors/index.ts';
import {
  DEFAULT_PARAMS,
  GEAR,
  createChunkingParams,
  deriveGearTable,
  spreadMask,
} from '../../../src/chunking/index.ts';

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v >>>= 1) n += v & 1;
  return n;
}

describe('chunking params', () => {
  it('has the sizes of format version 1', () => {
    expect(DEFAULT_PARAMS.minSize).toBe(16 * 1024);
    expect(DEFAULT_PARAMS.avgSize).toBe(64 * 1024);
    expect(DEFAULT_PARAMS.maxSize).toBe(256 * 1024);
  });

  it('derives FastCDC level-2 masks with spread bits', () => {
    expect(popcount(DEFAULT_PARAMS.maskS)).toBe(18);
    expect(popcount(DEFAULT_PARAMS.maskL)).toBe(14);
    // Pinned: any change moves every boundary.
    expect((DEFAULT_PARAMS.maskS >>> 0).toString(16)).toBe('eeeeee00');
    expect((DEFAULT_PARAMS.maskL >>> 0).toString(16)).toBe('d6ad6a00');
    for (const m of [DEFAULT_PARAMS.maskS, DEFAULT_PARAMS.maskL]) {
      expect(m & 0x80000000).not.toBe(0); // the top bit: a full 32-byte window
      expect(m & 0x1ff).toBe(0); // no bit sees fewer than 10 bytes
    }
  });

  it('derives the gear table from its seed, and the table is pinned', () => {
    expect(deriveGearTable()).toEqual(GEAR);
    const bytes = Buffer.alloc(256 * 4);
    GEAR.forEach((v, i) => bytes.writeInt32BE(v, i * 4));
    // If this fails, the gear table changed: every stored chunk boundary moves.
    expect(createHash('sha256').update(bytes).digest('hex')).toBe('ba58104cf6be7d26721da83a7ce21ca9294731fccfedd924edf3c1a955966357');
    expect(new Set(GEAR).size).toBe(256);
    // The derivation as documented: entry 8k+j = word j of SHA-256(seed || uint32be(k)).
    const block5 = createHash('sha256').update('strata-gear-v1').update(Buffer.from([0, 0, 0, 5])).digest();
    expect(GEAR[40]).toBe(block5.readInt32BE(0));
    expect(GEAR[47]).toBe(block5.readInt32BE(28));
  });

  it('rejects impossible sizes with InvalidArgument', () => {
    const bad = [
      { minSize: 16, avgSize: 256, maxSize: 1024 },
      { minSize: 300, avgSize: 256, maxSize: 1024 },
      { minSize: 64, avgSize: 300, maxSize: 1024 },
      { minSize: 64, avgSize: 256, maxSize: 256 },
      { minSize: 64.5, avgSize: 256, maxSize: 1024 },
    ];
    for (const sizes of bad) {
      let caught: unknown;
      try {
        createChunkingParams(sizes);
      } catch (err) {
        caught = err;
      }
      expect(isStrataError(caught, 'INVALID_ARGUMENT')).toBe(true);
    }
    expect(() => spreadMask(0)).toThrow(/mask needs/);
  });

  it('freezes params', () => {
    expect(Object.isFrozen(createChunkingParams({ minSize: 64, avgSize: 256, maxSize: 1024 }))).toBe(true);
  });
});
