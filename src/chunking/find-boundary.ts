// The FastCDC cut-point search: the hot loop of every upload.
//
// The cut rule (part of the storage format, see params.ts). For a chunk that
// starts at `start`, let h(i) be the gear hash of the bytes
// max(start, i-31)..i:  h = (h << 1) + gear[byte]  in 32-bit arithmetic, so
// bytes older than 32 positions have been shifted out. The chunk ends after
// byte i (returns i+1) at the first i whose chunk length L = i+1-start is
//   - >= minSize and <= avgSize, with (h(i) & maskS) === 0, or
//   - >  avgSize and <  maxSize, with (h(i) & maskL) === 0, or
//   - === maxSize (forced cut).
// Because the window is the last 32 bytes only, a cut depends on content, not
// on where the chunk started (once i-start >= 31, which cut-point skipping
// guarantees as minSize >= 64); this is what lets chunking resynchronise after
// an insertion, and lets parallel workers start mid-stream.
import { GEAR as SHARED_GEAR, type ChunkingParams } from './params.ts';

// A module-local const: V8 folds it into the loop, an imported binding it does not.
const GEAR = SHARED_GEAR;

/**
 * Finds the end of the chunk that starts at `start`, looking at buf[start..end).
 *
 * Returns the chunk's end index (exclusive). If no cut is found before `end`:
 * returns `end` when `final` (the stream ends there), else -1 (more data is
 * needed; the caller may call again with more bytes, passing `resumeAt` = the
 * old `end` so the bytes already examined are not scanned again).
 *
 * Written for speed: no allocation, int32 math only, the first minSize bytes
 * are skipped (cut-point skipping), and each normalized region is one call of
 * the same tight loop.
 */
export function findBoundary(
  buf: Uint8Array,
  start: number,
  end: number,
  params: ChunkingParams,
  final: boolean,
  resumeAt: number = start,
): number {
  const maxEnd = start + params.maxSize;
  const limit = end < maxEnd ? end : maxEnd;
  const normalEnd = Math.min(limit, start + params.avgSize);
  // i is the index of the byte that would complete the candidate chunk.
  let i = Math.max(start + params.minSize - 1, resumeAt);
  if (i < normalEnd) {
    const cut = scanRegion(buf, start, i, normalEnd, params.maskS);
    if (cut >= 0) return cut;
    i = normalEnd;
  }
  if (i < limit) {
    const cut = scanRegion(buf, start, i, limit, params.maskL);
    if (cut >= 0) return cut;
  }
  if (limit === maxEnd) return maxEnd;
  return final ? end : -1;
}

/**
 * Returns j+1 for the first j in [from, stop) with (h(j) & mask) === 0, else -1.
 * It first hashes the up to 31 bytes before `from` (not before chunkStart) so
 * h(from) covers its full window. One small function for both regions keeps
 * V8's type feedback simple: a loop first reached late (the second region)
 * would otherwise deoptimize the whole function the first time it runs.
 *
 * The main loop is unrolled 8 times: V8 re-checks the buffer (map, bounds,
 * detached) on every access, and unrolling amortises the loop's share of
 * that; measured 1.3 -> 1.75 GB/s. The `| 0` tell V8 the values are int32.
 */
function scanRegion(buf: Uint8Array, chunkStart: number, from: number, stop: number, mask: number): number {
  const gear = GEAR;
  const m = mask | 0;
  const end = stop | 0;
  let i = from | 0;
  let h = 0;
  for (let k = i - 31 > chunkStart ? i - 31 : chunkStart; k < i; k++) {
    h = ((h << 1) + gear[buf[k]!]!) | 0;
  }
  for (; i + 8 <= end; i += 8) {
    h = ((h << 1) + gear[buf[i]!]!) | 0;
    if ((h & m) === 0) return i + 1;
    h = ((h << 1) + gear[buf[i + 1]!]!) | 0;
    if ((h & m) === 0) return i + 2;
    h = ((h << 1) + gear[buf[i + 2]!]!) | 0;
    if ((h & m) === 0) return i + 3;
    h = ((h << 1) + gear[buf[i + 3]!]!) | 0;
    if ((h & m) === 0) return i + 4;
    h = ((h << 1) + gear[buf[i + 4]!]!) | 0;
    if ((h & m) === 0) return i + 5;
    h = ((h << 1) + gear[buf[i + 5]!]!) | 0;
    if ((h & m) === 0) return i + 6;
    h = ((h << 1) + gear[buf[i + 6]!]!) | 0;
    if ((h & m) === 0) return i + 7;
    h = ((h << 1) + gear[buf[i + 7]!]!) | 0;
    if ((h & m) === 0) return i + 8;
  }
  for (; i < end; i++) {
    h = ((h << 1) + gear[buf[i]!]!) | 0;
    if ((h & m) === 0) return i + 1;
  }
  return -1;
}
