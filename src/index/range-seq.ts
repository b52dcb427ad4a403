// The ranges of one index in order, for readers that walk it forward (list,
// walk, glob, isDir, diff). Under a two-level root a group of ranges is read
// only when the walk reaches it, and a seek skips whole groups by the
// root's records, so listing one directory of a 1,000,000-file commit reads
// the root, the group holding it and its ranges, not all ~100 groups.
import { comparePaths } from './paths.ts';
import { findRange, lowerBound, type ReaderCore } from './reader-core.ts';
import type { FileEntry, RangeRecord } from './types.ts';

const NONE: readonly RangeRecord[] = [];

export class RangeSeq {
  private ranges: readonly RangeRecord[];
  private r = 0;
  /** The next group to read (always groups.length for a one-level index). */
  private g = 0;

  private constructor(
    private readonly core: ReaderCore,
    private readonly groups: readonly RangeRecord[],
    ranges: readonly RangeRecord[],
  ) {
    this.ranges = ranges;
  }

  static async open(core: ReaderCore, root: string | null): Promise<RangeSeq> {
    if (root === null) return new RangeSeq(core, NONE, NONE);
    const top = await core.root(root);
    return top.tree ? new RangeSeq(core, top.records, NONE) : new RangeSeq(core, NONE, top.records);
  }

  /** The first path of the next range, from the records at hand: a group's first path is its first range's. */
  nextFirstPath(): string | undefined {
    return this.r < this.ranges.length ? this.ranges[this.r]!.firstPath : this.groups[this.g]?.firstPath;
  }

  /** The next group, when the ranges read so far are used up; diff passes over a group equal on both sides unread. */
  get nextGroup(): RangeRecord | undefined {
    return this.r >= this.ranges.length ? this.groups[this.g] : undefined;
  }

  skipGroup(): void {
    this.g++;
  }

  /** The next range, reading its group if needed; undefined past the end. */
  async next(): Promise<RangeRecord | undefined> {
    while (this.r >= this.ranges.length) {
      if (this.g >= this.groups.length) return undefined;
      this.ranges = await this.core.group(this.groups[this.g++]!);
      this.r = 0;
    }
    return this.ranges[this.r];
  }

  /** Passes the range next() returned. */
  advance(): void {
    this.r++;
  }

  /** Moves forward to the first range whose last path is at or after `key`, reading at most the group that holds it. */
  async seek(key: string): Promise<RangeRecord | undefined> {
    const end = this.ranges[this.ranges.length - 1];
    if (this.r < this.ranges.length && comparePaths(end!.lastPath, key) >= 0) {
      this.r = findRange(this.ranges, key, this.r);
      return this.ranges[this.r];
    }
    this.g = findRange(this.groups, key, this.g);
    this.ranges = NONE;
    this.r = 0;
    if ((await this.next()) === undefined) return undefined;
    this.r = findRange(this.ranges, key);
    return this.ranges[this.r];
  }

  /** From the start, passes over every group and range whose entries all sort at or before `after`, unread. */
  async seekPast(after: string): Promise<void> {
    while (this.r >= this.ranges.length && this.g + 1 < this.groups.length && comparePaths(this.groups[this.g + 1]!.firstPath, after) <= 0) this.g++;
    if ((await this.next()) === undefined) return;
    while (this.r + 1 < this.ranges.length && comparePaths(this.ranges[this.r + 1]!.firstPath, after) <= 0) this.r++;
  }
}

/**
 * Walks the keys of one index forward. Each seek or step reads at most the
 * one range holding the key it lands on (and the group listing it), and
 * none when the records at hand already show that key lies outside the
 * caller's prefix.
 */
export class KeyCursor {
  private entries: readonly FileEntry[] = [];
  private loaded: RangeRecord | undefined;
  private i = 0;

  constructor(private readonly core: ReaderCore, private readonly seq: RangeSeq) {}

  /** Moves to the first key at or after `key`; undefined if there is none under `prefix`. Keys only move forward. */
  async seek(key: string, prefix: string): Promise<FileEntry | undefined> {
    const rec = await this.seq.seek(key);
    if (rec === undefined) return undefined;
    // Landing on a range's first key: the record says whether it is under the prefix.
    if (comparePaths(rec.firstPath, key) >= 0 && !rec.firstPath.startsWith(prefix)) return undefined;
    await this.enter(rec);
    this.i = lowerBound(this.entries, key);
    return this.here(prefix);
  }

  /** Moves to the next key; undefined if it is not under `prefix`. */
  async next(prefix: string): Promise<FileEntry | undefined> {
    this.i++;
    if (this.i < this.entries.length) return this.here(prefix);
    this.seq.advance();
    const first = this.seq.nextFirstPath();
    if (first === undefined || !first.startsWith(prefix)) return undefined;
    await this.enter((await this.seq.next())!);
    this.i = 0;
    return this.here(prefix);
  }

  private here(prefix: string): FileEntry | undefined {
    const e = this.entries[this.i];
    return e !== undefined && e.path.startsWith(prefix) ? e : undefined;
  }

  private async enter(rec: RangeRecord): Promise<void> {
    if (this.loaded !== rec) {
      this.entries = await this.core.range(rec);
      this.loaded = rec;
    }
  }
}
