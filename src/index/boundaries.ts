// Content-defined range boundaries on keys. A range ends after an entry whose
// path hash has its low `maskBits` bits zero, so where ranges end depends on
// the keys, not on their positions: inserting or deleting files changes only
// the ranges around them, and the untouched runs keep their hashes -- which is
// what lets applyChanges stop early and diff skip equal ranges.
//
// Every cut is decided by the entry it follows and the entries before it in
// the same range, never by the next entry. applyChanges relies on that: it
// restarts cutting at an old range start and gets exactly the cuts a build
// from scratch would, so both produce the same root hash.
//
// These parameters are part of the canonical form: changing them changes
// root hashes of new indexes (old ones still read fine). A golden test pins them.
import type { FileEntry, RangeRecord } from './types.ts';

export interface CutParams {
  /** A range may end after an entry whose path hash has this many low zero bits (2^bits entries on average). */
  maskBits: number;
  /** A hash cut is ignored until the range holds this many entries. */
  minEntries: number;
  /**
   * Past this estimated encoded size, a range also ends after an entry whose
   * hash has `softMaskBits` low zero bits. In a run of large entries the
   * cuts then still follow the keys, so an edit re-cuts a few ranges instead
   * of shifting every size-forced cut after it (as FastCDC's normalisation).
   */
  softBytes: number;
  softMaskBits: number;
  /** A range ends once its estimated encoded size reaches this, whatever the hashes. */
  maxBytes: number;
  /**
   * Two-level metarange: the range list is cut, by the same rule over each
   * range's last path, into groups of about 2^metaMaskBits ranges, each stored
   * as an ordinary metarange under a small root (encoding.ts, "SIXT"). A
   * commit then rewrites its touched ranges, their groups and the root, not
   * one metarange that lists every range. Absent: always one metarange.
   */
  metaMaskBits?: number;
  metaMinRecords?: number;
  metaMaxRecords?: number;
}

/**
 * The cuts of format version 1 (until 2026-12): ranges of ~1,000 entries and
 * one metarange. Indexes made with them stay readable and are still reused
 * range by range; the golden fixture pins them.
 */
export const V1_CUT_PARAMS: Readonly<CutParams> = Object.freeze({
  maskBits: 10,
  minEntries: 64,
  softBytes: 1 << 18,
  softMaskBits: 2,
  maxBytes: 1 << 20,
  metaMaskBits: undefined, // spelled out: it overrides the defaults when merged over them
});

/**
 * Ranges of ~160 entries (~7 KB of 100-byte files) under a two-level
 * metarange of ~64-range groups. A changed file lands in a range chosen in
 * proportion to its size, so the expected rewritten range is about twice the
 * mean: with v1's ~1,000-entry ranges each changed file rewrote ~86 KB plus a
 * 58 KB metarange at 1,000,000 files; here ~11 KB, a ~6 KB group and a root.
 */
export const DEFAULT_CUT_PARAMS: Readonly<CutParams> = Object.freeze({
  maskBits: 7,
  minEntries: 32,
  softBytes: 1 << 18,
  softMaskBits: 2,
  maxBytes: 1 << 20,
  metaMaskBits: 6,
  metaMinRecords: 16,
  metaMaxRecords: 512,
});

/** Cuts a range list into metarange groups (one group when the params ask for one level). */
export function groupRanges(records: readonly RangeRecord[], params: Readonly<CutParams>): RangeRecord[][] {
  if (params.metaMaskBits === undefined) return [records.slice()];
  const groups: RangeRecord[][] = [];
  let group: RangeRecord[] = [];
  for (const r of records) {
    group.push(r);
    if (endsGroup(r, group.length, params)) {
      groups.push(group);
      group = [];
    }
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * Whether range `r`, the `length`-th of its group, ends the group. The rule
 * sees only the group so far, so a group that ended by it comes out the same
 * wherever it starts on a group boundary: a writer can reuse it unread.
 */
export function endsGroup(r: RangeRecord, length: number, params: Readonly<CutParams>): boolean {
  if (params.metaMaskBits === undefined) return false;
  const min = params.metaMinRecords ?? 1;
  const max = params.metaMaxRecords ?? Number.MAX_SAFE_INTEGER;
  // The high bits: a range's last path was chosen for its low bits being zero.
  return length >= max || (length >= min && ((pathHash(r.lastPath) >>> 16) & lowBits(params.metaMaskBits)) === 0);
}

/**
 * FNV-1a over the path's UTF-8 bytes, then murmur3's finaliser. FNV-1a alone
 * is weak in its low bits (a product's low bits only see its factors' low
 * bits), and the low bits are exactly the ones the cut rule reads.
 */
export function pathHash(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c >= 0x80) return fmix32(fnvBytes(h, Buffer.from(path.slice(i), 'utf8')));
    h = Math.imul(h ^ c, 0x01000193);
  }
  return fmix32(h);
}

function lowBits(n: number): number {
  return n >= 32 ? 0xffffffff : (1 << n) - 1;
}

function fnvBytes(h: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * An upper estimate of an entry's encoded size. It is a pure function of the
 * entry (no prefix compression, no shorthand) so that cuts stay a function of
 * the keys and values alone.
 */
export function entryWeight(e: FileEntry): number {
  return Buffer.byteLength(e.path, 'utf8') + 10 + (e.hash.length >> 1) + e.chunks.length * 37;
}

/** Decides, entry by entry, where ranges end. */
export class RangeCutter {
  private readonly mask: number;
  private readonly softMask: number;
  private count = 0;
  private bytes = 0;

  constructor(private readonly params: Readonly<CutParams> = DEFAULT_CUT_PARAMS) {
    this.mask = lowBits(params.maskBits);
    this.softMask = lowBits(params.softMaskBits);
  }

  /** True when no entry has been pushed since the last cut: the state a range starts in. */
  get atBoundary(): boolean {
    return this.count === 0;
  }

  /** Adds an entry to the current range; true when the range ends after it. */
  push(e: FileEntry): boolean {
    this.count++;
    this.bytes += entryWeight(e);
    const { maxBytes, softBytes, minEntries } = this.params;
    let cut = this.bytes >= maxBytes;
    if (!cut && (this.count >= minEntries || this.bytes >= softBytes)) {
      const h = pathHash(e.path);
      cut = (h & this.mask) === 0 || (this.bytes >= softBytes && (h & this.softMask) === 0);
    }
    if (cut) {
      this.count = 0;
      this.bytes = 0;
    }
    return cut;
  }
}
