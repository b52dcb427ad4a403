// Where the writer puts entries: cuts them into ranges, stores each range as
// soon as it ends (so memory holds one range), and collects the metarange.
// Old ranges that applyChanges reuses go in by reference, unread, and so do
// whole metarange groups of a two-level base.
import { createHash } from 'node:crypto';
import { StrataError } from '../errors/index.ts';
import { RangeCutter, endsGroup, type CutParams } from './boundaries.ts';
import { decodeMetarange, encodeMetarange, encodeMetatree, encodeRange } from './encoding.ts';
import { comparePaths } from './paths.ts';
import type { FileEntry, IndexObjectStore, IndexRoot, RangeRecord } from './types.ts';

export interface WriteStats {
  /** Old ranges read (metarange reads are not counted). */
  rangesRead: number;
  /** New ranges stored (the metarange is not counted). */
  rangesWritten: number;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export class RangeSink {
  readonly records: RangeRecord[] = [];
  /** Old groups reused whole: each goes before records[at]. */
  private readonly groups: { at: number; group: RangeRecord }[] = [];
  private pending: FileEntry[] = [];
  private pendingBytes = 0;
  private lastPath: string | undefined;
  private readonly cutter: RangeCutter;

  /**
   * `existing` names ranges already in the store (the base index's): a
   * re-cut range that comes out byte-identical to one of them, as a no-op
   * change makes, is not stored again.
   */
  constructor(
    private readonly store: IndexObjectStore,
    private readonly params: Readonly<CutParams>,
    private readonly stats: WriteStats,
    private readonly existing: ReadonlySet<string> = new Set(),
    private readonly fileTree = false,
  ) {
    this.cutter = new RangeCutter(params);
  }

  /** True between ranges: nothing is waiting to be cut. */
  get atBoundary(): boolean {
    return this.pending.length === 0;
  }

  async add(e: FileEntry): Promise<void> {
    this.checkOrder(e.path);
    this.lastPath = e.path;
    this.pending.push(e);
    this.pendingBytes += e.size;
    if (this.cutter.push(e)) await this.flush();
  }

  /** Appends an old range unchanged; only valid between ranges. */
  reuse(record: RangeRecord): void {
    if (!this.atBoundary) throw new StrataError('INTERNAL', 'index writer reused a range in the middle of another');
    this.checkOrder(record.firstPath);
    this.lastPath = record.lastPath;
    this.records.push(record);
  }

  /**
   * Appends a whole metarange group of the base unchanged, unread; only
   * valid between ranges, and for a group its base cut by the group rule
   * (not the base's last group, unless nothing follows it here either).
   */
  reuseGroup(group: RangeRecord): void {
    if (!this.atBoundary) throw new StrataError('INTERNAL', 'index writer reused a group in the middle of a range');
    this.checkOrder(group.firstPath);
    this.lastPath = group.lastPath;
    this.groups.push({ at: this.records.length, group });
  }

  /** Stores the last, partial range: the end of the input ends it. */
  async flushPending(): Promise<void> {
    if (!this.atBoundary) await this.flush();
  }

  /**
   * Stores the last range and the metarange (or, past one group, each group's
   * metarange and a metatree root over them); null for an empty index. An
   * unchanged group encodes to the same bytes, which the store already holds.
   */
  async finish(): Promise<IndexRoot | null> {
    await this.flushPending();
    if (this.records.length === 0 && this.groups.length === 0) return null;
    const groups = await this.cutGroups();
    if (groups.length === 1) {
      const only = groups[0]!;
      return this.put(encodeMetarange(Array.isArray(only) ? only : await this.readGroup(only)));
    }
    const top: RangeRecord[] = [];
    for (const g of groups) {
      if (!Array.isArray(g)) {
        top.push(g); // a reused group: its record is what re-encoding its ranges would give
        continue;
      }
      top.push({
        firstPath: g[0]!.firstPath,
        lastPath: g[g.length - 1]!.lastPath,
        count: g.reduce((n, r) => n + r.count, 0),
        bytes: g.reduce((n, r) => n + r.bytes, 0),
        hash: await this.put(encodeMetarange(g)),
      });
    }
    return this.put(encodeMetatree(top));
  }

  /**
   * Cuts the ranges into groups by the group rule (boundaries.ts). A reused
   * old group that starts on a group boundary comes out as itself, so it
   * stays unread; one that does not (the changes before it shifted the
   * cuts) is read and its ranges re-grouped, until the cuts line up again.
   */
  private async cutGroups(): Promise<(RangeRecord[] | RangeRecord)[]> {
    if (this.params.metaMaskBits === undefined && this.groups.length === 0) return [this.records];
    const out: (RangeRecord[] | RangeRecord)[] = [];
    let group: RangeRecord[] = [];
    const push = (r: RangeRecord): void => {
      group.push(r);
      if (endsGroup(r, group.length, this.params)) {
        out.push(group);
        group = [];
      }
    };
    let k = 0;
    for (let i = 0; i <= this.records.length; i++) {
      for (; k < this.groups.length && this.groups[k]!.at === i; k++) {
        const { group: g } = this.groups[k]!;
        if (group.length === 0 && this.params.metaMaskBits !== undefined) out.push(g);
        else for (const r of await this.readGroup(g)) push(r);
      }
      if (i < this.records.length) push(this.records[i]!);
    }
    if (group.length > 0) out.push(group);
    return out;
  }

  private async readGroup(g: RangeRecord): Promise<RangeRecord[]> {
    return decodeMetarange(await this.store.get(g.hash), g.hash);
  }

  private async flush(): Promise<void> {
    const entries = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    const encoded = encodeRange(entries);
    let hash = this.existing.size > 0 ? createHash('sha256').update(encoded).digest('hex') : '';
    if (!this.existing.has(hash)) {
      hash = await this.put(encoded);
      this.stats.rangesWritten++;
    }
    this.records.push({
      firstPath: entries[0]!.path,
      lastPath: entries[entries.length - 1]!.path,
      count: entries.length,
      bytes,
      hash,
    });
  }

  private async put(bytes: Uint8Array): Promise<string> {
    const hash = await this.store.put(bytes);
    // The hash goes into the metarange as raw bytes; anything else would corrupt it silently.
    if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) {
      throw new StrataError('INTERNAL', `index object store returned ${JSON.stringify(hash)}, not a lowercase SHA-256 hex`);
    }
    return hash;
  }

  /**
   * Entries must strictly increase; with fileTree, no file may have entries
   * under it: in path order a file's subtree would directly follow it, so
   * checking each neighbour (including a reused range's first path) finds
   * every conflict.
   */
  private checkOrder(path: string): void {
    const last = this.lastPath;
    if (this.fileTree && last !== undefined && path.startsWith(`${last}/`)) {
      throw new StrataError('PATH_IS_FILE', `"${path}" cannot exist: "${last}" is a file, and a path cannot be both a file and a directory`, {
        path,
        file: last,
      });
    }
    if (this.lastPath !== undefined && comparePaths(this.lastPath, path) >= 0) {
      throw new StrataError(
        'INDEX_UNSORTED',
        `index entries must be in strictly increasing path order: ${JSON.stringify(path)} came after ${JSON.stringify(this.lastPath)}`,
        { path, previous: this.lastPath },
      );
    }
  }
}
