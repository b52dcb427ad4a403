// Chunking parameters: sizes, masks and the gear table, all in this one file.
//
// These values are part of the storage format. Changing any of them moves
// every chunk boundary, so stored data would stop deduplicating against new
// writes; they change only together with FORMAT_VERSION. The golden test
// (test/unit/chunking/golden.test.ts) pins them.
//
// Sizes: min 16 KiB, average 64 KiB, max 256 KiB. An overwrite of 512 KiB in
// a large file then rewrites the chunks it touches plus about one chunk on
// each side (~640 KiB of new chunks), while the chunk count of a 1 GiB file
// (~16k) keeps the chunk index small.
//
// Masks follow FastCDC's normalized chunking, level 2: a chunk shorter than
// the average must match a mask with 2 more bits than log2(avg) (a cut is 4x
// less likely), a longer one a mask with 2 fewer bits (4x more likely). This
// squeezes chunk sizes towards the average, which dedups better than the
// wide spread of plain CDC. FastCDC spreads mask bits instead of taking the
// low bits, because bit k of a gear hash depends on the last k+1 bytes only:
// low bits see few bytes and mix poorly on low-entropy data. We spread the
// bits evenly over the top 24 bits (8..31) of the 32-bit hash, top bit always
// set: the cut then depends on the full 32-byte window, and for our masks
// (18 and 14 bits) the lowest bit used is 9, so every bit mixes >= 10 bytes.
//
// The gear table is derived by code from SHA-256 of a fixed seed, so anyone
// can rebuild it (another language, a future rewrite) without copying a table.
import { createHash } from 'node:crypto';
import { StrataError } from '../errors/index.ts';

/** Bump with any change to sizes, masks, gear seed or the cut rule. */
export const FORMAT_VERSION = 1;

export const MIN_SIZE = 16 * 1024;
export const AVG_SIZE = 64 * 1024;
export const MAX_SIZE = 256 * 1024;
/** FastCDC normalization level: mask bits added below avg, removed above. */
export const NORMALIZATION_LEVEL = 2;
export const GEAR_SEED = 'strata-gear-v1';

// Mask bits are spread over [MASK_LOW_BIT, 31]; see the header.
const MASK_LOW_BIT = 8;

export interface ChunkingParams {
  /** No cut makes a chunk shorter than this (only the last chunk of a stream may be). */
  readonly minSize: number;
  /** Chunks up to this length use maskS, longer ones maskL. */
  readonly avgSize: number;
  /** A chunk is cut here if no content-defined cut came first. */
  readonly maxSize: number;
  /** Mask for lengths in [minSize, avgSize]: more bits, cuts rarer. */
  readonly maskS: number;
  /** Mask for lengths in (avgSize, maxSize): fewer bits, cuts likelier. */
  readonly maskL: number;
}

export interface ChunkingSizes {
  minSize: number;
  avgSize: number;
  maxSize: number;
}

/**
 * The 256-entry gear table: entry 8k+j is the j-th big-endian 32-bit word of
 * SHA-256(seed || uint32be(k)), for k = 0..31.
 */
export function deriveGearTable(seed: string = GEAR_SEED): Int32Array {
  const table = new Int32Array(256);
  for (let k = 0; k < 32; k++) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(k);
    const digest = createHash('sha256').update(seed, 'utf8').update(counter).digest();
    for (let j = 0; j < 8; j++) table[k * 8 + j] = digest.readInt32BE(j * 4);
  }
  return table;
}

/** A mask of `bits` one-bits spread evenly over bits MASK_LOW_BIT..31, top bit always set. */
export function spreadMask(bits: number): number {
  const span = 32 - MASK_LOW_BIT;
  if (!Number.isInteger(bits) || bits < 1 || bits > span) {
    throw new StrataError('INVALID_ARGUMENT', `mask needs 1..${span} bits, got ${bits}`, { bits });
  }
  let mask = 0;
  for (let k = 0; k < bits; k++) mask |= 1 << (31 - Math.floor((k * span) / bits));
  return mask;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/**
 * Builds checked, frozen parameters. Only the defaults are a storage format;
 * other sizes exist so tests can make many small chunks from little data.
 * The gear table is shared by all (see GEAR).
 */
export function createChunkingParams(sizes: ChunkingSizes): ChunkingParams {
  const { minSize, avgSize, maxSize } = sizes;
  const data = { minSize, avgSize, maxSize };
  if (!isPowerOfTwo(avgSize) || avgSize < 256 || avgSize > 2 ** 22) {
    throw new StrataError('INVALID_ARGUMENT', `avgSize must be a power of two in [256, 4 MiB], got ${avgSize}`, data);
  }
  // minSize >= 64 keeps the 32-byte hash window inside the chunk's skipped prefix.
  if (!Number.isInteger(minSize) || minSize < 64 || minSize >= avgSize) {
    throw new StrataError('INVALID_ARGUMENT', `minSize must be an integer in [64, avgSize), got ${minSize}`, data);
  }
  if (!Number.isInteger(maxSize) || maxSize <= avgSize || maxSize > 2 ** 30) {
    throw new StrataError('INVALID_ARGUMENT', `maxSize must be an integer in (avgSize, 1 GiB], got ${maxSize}`, data);
  }
  const bits = Math.log2(avgSize);
  return Object.freeze({
    minSize,
    avgSize,
    maxSize,
    maskS: spreadMask(bits + NORMALIZATION_LEVEL),
    maskL: spreadMask(bits - NORMALIZATION_LEVEL),
  });
}

/**
 * The one gear table, as int32 so the hot loop stays in 32-bit integer math.
 * It is a module constant rather than a field of ChunkingParams because V8
 * then folds its address and length into findBoundary's loop (measured ~12%
 * faster than reading it from the params object). Never mutate it.
 */
export const GEAR: Int32Array = deriveGearTable();

/** The parameters of format version 1. */
export const DEFAULT_PARAMS: ChunkingParams = createChunkingParams({
  minSize: MIN_SIZE,
  avgSize: AVG_SIZE,
  maxSize: MAX_SIZE,
});
