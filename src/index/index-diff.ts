// Diff of two indexes in path order. Where both sides stand at a range
// boundary with ranges of equal hash, the ranges hold the same entries and
// are skipped unread; so are groups of ranges (two-level roots) equal on
// both sides, without reading the group. Because cuts depend on keys, two
// indexes that differ in a few files share every range and group away from
// those files, so the cost follows the size of the change.
import type { RangeSeq } from './range-seq.ts';
import type { ReaderCore } from './reader-core.ts';
import { comparePaths } from './paths.ts';
import type { DiffItem, FileEntry, RangeRecord } from './types.ts';

class Side {
  private entries: readonly FileEntry[] = [];
  private i = 0;

  constructor(private readonly core: ReaderCore, readonly seq: RangeSeq) {}

  get atBoundary(): boolean {
    return this.i >= this.entries.length;
  }

  /** The next group's record when standing where a group begins. */
  get nextGroup(): RangeRecord | undefined {
    return this.atBoundary ? this.seq.nextGroup : undefined;
  }

  skipGroup(): void {
    this.seq.skipGroup();
  }

  /** The next range's record when standing at a boundary (reading its group if needed). */
  async nextRange(): Promise<RangeRecord | undefined> {
    return this.atBoundary ? this.seq.next() : undefined;
  }

  skipRange(): void {
    this.seq.advance();
  }

  /** The next path; at a boundary it comes from the records at hand, unread. */
  headKey(): string | undefined {
    return this.atBoundary ? this.seq.nextFirstPath() : this.entries[this.i]!.path;
  }

  async take(): Promise<FileEntry> {
    if (this.atBoundary) {
      const rec = (await this.seq.next())!;
      this.seq.advance();
      this.entries = await this.core.range(rec);
      this.i = 0;
    }
    return this.entries[this.i++]!;
  }
}

/**
 * `after`: only changes to paths after it (resuming a paged diff). Ranges
 * wholly before it are passed over unread, so a page deep into a huge
 * change costs one range per side more than the first page, not its depth.
 */
export async function* diffIndexes(
  core: ReaderCore,
  newRanges: RangeSeq,
  oldRanges: RangeSeq,
  after?: string,
): AsyncIterable<DiffItem> {
  const n = new Side(core, newRanges);
  const o = new Side(core, oldRanges);
  if (after !== undefined) {
    await n.seq.seekPast(after);
    await o.seq.seekPast(after);
  }
  const wanted = (path: string): boolean => after === undefined || comparePaths(path, after) > 0;
  for (;;) {
    const ng = n.nextGroup;
    const og = o.nextGroup;
    if (ng !== undefined && og !== undefined && ng.hash === og.hash) {
      n.skipGroup();
      o.skipGroup();
      continue;
    }
    if (n.atBoundary && o.atBoundary) {
      const nr = await n.nextRange();
      const or = await o.nextRange();
      if (nr !== undefined && or !== undefined && nr.hash === or.hash) {
        n.skipRange();
        o.skipRange();
        continue;
      }
    }
    const kn = n.headKey();
    const ko = o.headKey();
    if (kn === undefined && ko === undefined) return;
    const order = kn === undefined ? 1 : ko === undefined ? -1 : comparePaths(kn, ko);
    if (order < 0) {
      const e = await n.take();
      if (wanted(e.path)) yield { type: 'added', path: e.path, new: e };
    } else if (order > 0) {
      const e = await o.take();
      if (wanted(e.path)) yield { type: 'deleted', path: e.path, old: e };
    } else {
      const a = await n.take();
      const b = await o.take();
      if (wanted(a.path) && !sameEntry(a, b)) yield { type: 'modified', path: a.path, new: a, old: b };
    }
  }
}

export function sameEntry(a: FileEntry, b: FileEntry): boolean {
  if (a.size !== b.size || a.hash !== b.hash || a.chunks.length !== b.chunks.length) return false;
  for (let i = 0; i < a.chunks.length; i++) {
    const x = a.chunks[i]!;
    const y = b.chunks[i]!;
    if (x.hash !== y.hash || x.size !== y.size) return false;
  }
  return sameAttrs(a.attrs, b.attrs);
}

function sameAttrs(a: FileEntry['attrs'], b: FileEntry['attrs']): boolean {
  const ka = a ? Object.keys(a) : [];
  const kb = b ? Object.keys(b) : [];
  return ka.length === kb.length && ka.every((k) => b![k] === a![k]);
}
