// Diff of two indexes in path order. Where both sides stand at a range
// boundary with ranges of equal hash, the ranges hold the same entries and
// are skipped unread. Because cuts depend on keys, two indexes that differ in
// a few files share every range away from those files, so the cost follows
// the size of the change.
import type { ReaderCore } from './reader-core.ts';
import { comparePaths } from './paths.ts';
import type { DiffItem, FileEntry, RangeRecord } from './types.ts';

class Side {
  private r = 0;
  private entries: readonly FileEntry[] = [];
  private i = 0;

  constructor(private readonly core: ReaderCore, private readonly ranges: readonly RangeRecord[]) {}

  get atBoundary(): boolean {
    return this.i >= this.entries.length;
  }

  /** The next range's record when standing at a boundary. */
  get nextRange(): RangeRecord | undefined {
    return this.atBoundary ? this.ranges[this.r] : undefined;
  }

  skipRange(): void {
    this.r++;
  }

  /** From the start, passes over every range whose entries all sort at or before `after`, unread. */
  seekPast(after: string): void {
    while (this.r + 1 < this.ranges.length && comparePaths(this.ranges[this.r + 1]!.firstPath, after) <= 0) this.r++;
  }

  /** The next path; at a boundary it comes from the metarange, unread. */
  headKey(): string | undefined {
    return this.atBoundary ? this.ranges[this.r]?.firstPath : this.entries[this.i]!.path;
  }

  async take(): Promise<FileEntry> {
    if (this.atBoundary) {
      this.entries = await this.core.range(this.ranges[this.r++]!);
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
  newRanges: readonly RangeRecord[],
  oldRanges: readonly RangeRecord[],
  after?: string,
): AsyncIterable<DiffItem> {
  const n = new Side(core, newRanges);
  const o = new Side(core, oldRanges);
  if (after !== undefined) {
    n.seekPast(after);
    o.seekPast(after);
  }
  const wanted = (path: string): boolean => after === undefined || comparePaths(path, after) > 0;
  for (;;) {
    const nr = n.nextRange;
    const or = o.nextRange;
    if (nr !== undefined && or !== undefined && nr.hash === or.hash) {
      n.skipRange();
      o.skipRange();
      continue;
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
