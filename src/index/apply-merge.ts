// The merge at the heart of applyChanges: old entries from the ranges the
// changes fall in, merged with the changes, re-cut into new ranges until the
// new cuts line up with an old range boundary. From there on the old ranges
// are still valid as they are, so the caller reuses them by hash, unread.
import { StrataError } from '../errors/index.ts';
import { decodeRange } from './encoding.ts';
import { comparePaths, dirPrefix, isPastPrefix } from './paths.ts';
import type { RangeSink, WriteStats } from './range-sink.ts';
import type { FileEntry, IndexChange, IndexObjectStore, RangeRecord } from './types.ts';

export interface MergeContext {
  store: IndexObjectStore;
  /** The base's ranges the merge can see: all of them, or (two-level base) a window that `more` extends. */
  old: readonly RangeRecord[];
  /** Appends the base's next group of ranges to `old`; false when there is none. */
  more?: () => Promise<boolean>;
  changes: ChangeQueue;
  sink: RangeSink;
  stats: WriteStats;
}

export function changePath(c: IndexChange): string {
  return c.op === 'put' ? c.entry.path : c.path;
}

/** The caller's changes, one look-ahead at a time, checked for order. */
export class ChangeQueue {
  private readonly it: AsyncIterator<IndexChange>;
  private head: IndexChange | undefined;
  private loaded = false;
  private lastPath: string | undefined;

  constructor(changes: AsyncIterable<IndexChange>) {
    this.it = changes[Symbol.asyncIterator]();
  }

  async peek(): Promise<IndexChange | undefined> {
    if (!this.loaded) {
      const r = await this.it.next();
      this.head = r.done === true ? undefined : this.check(r.value);
      this.loaded = true;
    }
    return this.head;
  }

  /** Drops the change peek() returned. */
  take(): void {
    this.loaded = false;
    this.head = undefined;
  }

  private check(c: IndexChange): IndexChange {
    this.lastPath = checkChange(c, this.lastPath);
    return c;
  }
}

/** Checks a change's shape and that it does not sort before `lastPath`; returns its path. */
export function checkChange(c: IndexChange, lastPath: string | undefined): string {
  const ok = c !== null && typeof c === 'object' && (c.op === 'put' ? typeof c.entry?.path === 'string'
    : (c.op === 'delete' || c.op === 'deleteDir') && typeof c.path === 'string');
  if (!ok) throw new StrataError('INVALID_ARGUMENT', `not an index change: ${JSON.stringify(c)}`);
  const path = changePath(c);
  if (lastPath !== undefined && comparePaths(lastPath, path) > 0) {
    throw new StrataError('INDEX_UNSORTED', `index changes must be in path order: ${JSON.stringify(path)} came after ${JSON.stringify(lastPath)}`,
      { path, previous: lastPath });
  }
  return path;
}

/** Old entries range by range from a starting range, loading each range only when its entries are needed. */
class OldCursor {
  private buf: readonly FileEntry[] = [];
  private pos = 0;

  constructor(private readonly ctx: MergeContext, public next: number) {}

  get atBoundary(): boolean {
    return this.pos >= this.buf.length;
  }

  get hasNext(): boolean {
    return this.next < this.ctx.old.length;
  }

  /** At the end of the ranges loaded so far, loads the base's next group (if any). */
  async fill(): Promise<void> {
    while (this.atBoundary && this.next >= this.ctx.old.length && this.ctx.more && (await this.ctx.more()));
  }

  /** The next old path; at a boundary it comes from the metarange, without a read. */
  headKey(): string | undefined {
    return this.atBoundary ? this.ctx.old[this.next]?.firstPath : this.buf[this.pos]!.path;
  }

  async take(): Promise<FileEntry> {
    if (this.atBoundary) {
      const rec = this.ctx.old[this.next++]!;
      this.buf = decodeRange(await this.ctx.store.get(rec.hash), rec.hash);
      this.pos = 0;
      this.ctx.stats.rangesRead++;
    }
    return this.buf[this.pos++]!;
  }

  /** Drops, unread, the next ranges that lie wholly inside a deleted directory. */
  async skipCovered(deleted: readonly string[]): Promise<void> {
    for (await this.fill(); deleted.length > 0 && this.atBoundary && this.hasNext; await this.fill()) {
      const rec = this.ctx.old[this.next]!;
      if (!deleted.some((p) => rec.firstPath.startsWith(p) && rec.lastPath.startsWith(p))) return;
      this.next++;
    }
  }
}

/**
 * Re-cuts from old range `start` until the cuts realign; returns the index of
 * the first old range that can be reused as is (old.length when all input is used).
 */
export async function recut(ctx: MergeContext, start: number): Promise<number> {
  const cursor = new OldCursor(ctx, start);
  // Key prefixes (dir + '/') of deleteDir changes whose old entries may still come.
  const deleted: string[] = [];
  for (let steps = 0; ; steps++) {
    await cursor.skipCovered(deleted); // also loads the next group at the end of the window
    // After at least one step, so the change that brought us here is used.
    if (steps > 0 && ctx.sink.atBoundary && cursor.atBoundary && cursor.hasNext && (await canResume(ctx, cursor, deleted))) {
      return cursor.next;
    }
    if (!(await step(ctx, cursor, deleted))) return ctx.old.length;
  }
}

/**
 * Both sides are between ranges, so the rest of the old index is valid from
 * here, provided no change or pending directory delete reaches back into it.
 */
async function canResume(ctx: MergeContext, cursor: OldCursor, deleted: string[]): Promise<boolean> {
  prune(deleted, ctx.old[cursor.next]!.firstPath);
  if (deleted.length > 0) return false;
  // A change at or before the last range passed (e.g. a put inside a range
  // skipped as deleted) still has to be merged here.
  const ch = await ctx.changes.peek();
  const passed = ctx.old[cursor.next - 1];
  return ch === undefined || passed === undefined || comparePaths(changePath(ch), passed.lastPath) > 0;
}

/** Merges one path; false when both inputs are used up. */
async function step(ctx: MergeContext, cursor: OldCursor, deleted: string[]): Promise<boolean> {
  await cursor.fill();
  const oldKey = cursor.headKey();
  const ch = await ctx.changes.peek();
  if (ch === undefined && oldKey === undefined) return false;
  if (deleted.length > 0 && oldKey !== undefined) prune(deleted, oldKey);
  if (ch !== undefined && (oldKey === undefined || comparePaths(changePath(ch), oldKey) <= 0)) {
    await applyGroup(ctx, changePath(ch), oldKey === changePath(ch) ? await cursor.take() : undefined, deleted);
  } else {
    const e = await cursor.take();
    if (!isDeleted(deleted, e.path)) await ctx.sink.add(e);
  }
  return true;
}

/** Applies, in order, every change at `path` to the old entry there (if any). */
async function applyGroup(ctx: MergeContext, path: string, old: FileEntry | undefined, deleted: string[]): Promise<void> {
  let cur = old !== undefined && !isDeleted(deleted, path) ? old : undefined;
  for (let ch = await ctx.changes.peek(); ch !== undefined && changePath(ch) === path; ch = await ctx.changes.peek()) {
    ctx.changes.take();
    if (ch.op === 'put') cur = ch.entry;
    else if (ch.op === 'delete') cur = undefined;
    else deleted.push(dirPrefix(path));
  }
  if (cur !== undefined) await ctx.sink.add(cur);
}

function isDeleted(deleted: readonly string[], path: string): boolean {
  for (const p of deleted) if (path.startsWith(p)) return true;
  return false;
}

/** Forgets directory deletes that no key at or after `key` can fall under. */
function prune(deleted: string[], key: string): void {
  for (let i = deleted.length - 1; i >= 0; i--) if (isPastPrefix(key, deleted[i]!)) deleted.splice(i, 1);
}
