// Where the writer puts entries: cuts them into ranges, stores each range as
// soon as it ends (so memory holds one range), and collects the metarange.
// Old ranges that applyChanges reuses go in by reference, unread.
import { createHash } from 'node:crypto';
import { StrataError } from '../errors/index.ts';
import { RangeCutter, groupRanges, type CutParams } from './boundaries.ts';
import { encodeMetarange, encodeMetatree, encodeRange } from './encoding.ts';
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
    if (this.records.length === 0) return null;
    const groups = groupRanges(this.records, this.params);
    if (groups.length === 1) return this.put(encodeMetarange(this.records));
    const top: RangeRecord[] = [];
    for (const g of groups) {
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
