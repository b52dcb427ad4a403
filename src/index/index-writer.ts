// Writing commit indexes: build one from a sorted stream, or derive one from
// a base index and a sorted set of changes, touching only the ranges the
// changes fall in. Both give byte-identical indexes for the same files, so a
// root hash names a set of files, however it was made.
import { DEFAULT_CUT_PARAMS, type CutParams } from './boundaries.ts';
import { ChangeQueue, changePath, checkChange, recut, type MergeContext } from './apply-merge.ts';
import { decodeMetarange, decodeRoot } from './encoding.ts';
import { comparePaths } from './paths.ts';
import { RangeSink, type WriteStats } from './range-sink.ts';
import type { FileEntry, IndexChange, IndexObjectStore, IndexRoot, RangeRecord } from './types.ts';

export type { WriteStats } from './range-sink.ts';

export interface IndexWriteOptions {
  /**
   * Range cut parameters, for tests that want small ranges. Indexes that are
   * to share ranges must use the same parameters: they decide the root hash.
   */
  cut?: Partial<CutParams>;
  /**
   * Refuse (PATH_IS_FILE) an index where a path is both a file and a
   * directory (`/a` and `/a/b`). The index itself can hold such trees; a
   * file system cannot, so pfs asks for this.
   */
  fileTree?: boolean;
}

export interface ApplyResult {
  root: IndexRoot | null;
  stats: WriteStats;
}

function cutParams(options: IndexWriteOptions): CutParams {
  return { ...DEFAULT_CUT_PARAMS, ...options.cut };
}

/** Builds an index from entries in strictly increasing path order. Memory holds one range and the metarange. */
export async function buildIndex(
  store: IndexObjectStore,
  entries: AsyncIterable<FileEntry> | Iterable<FileEntry>,
  options: IndexWriteOptions = {},
): Promise<IndexRoot | null> {
  const sink = new RangeSink(store, cutParams(options), { rangesRead: 0, rangesWritten: 0 }, new Set(), options.fileTree);
  for await (const e of entries) await sink.add(e);
  return sink.finish();
}

/**
 * Applies changes sorted by path (a deleteDir sorts at its directory's path;
 * several changes to one path apply in order) to the index `base`.
 */
export async function applyChanges(
  store: IndexObjectStore,
  base: IndexRoot | null,
  changes: AsyncIterable<IndexChange> | Iterable<IndexChange>,
  options: IndexWriteOptions = {},
): Promise<ApplyResult> {
  const stats: WriteStats = { rangesRead: 0, rangesWritten: 0 };
  if (base === null) return { root: await buildFromChanges(store, changes, options, stats), stats };
  const top = decodeRoot(await store.get(base), base);
  if (top.tree && cutParams(options).metaMaskBits !== undefined) return { root: await applyToGroups(store, base, top.records, changes, options, stats), stats };
  const old = top.tree ? await readGroups(store, top.records) : top.records;
  const sink = new RangeSink(store, cutParams(options), stats, new Set(old.map((r) => r.hash)), options.fileTree);
  const ctx: MergeContext = { store, old, changes: new ChangeQueue(toAsync(changes)), sink, stats };
  let i = 0;
  for (let ch = await ctx.changes.peek(); ch !== undefined; ch = await ctx.changes.peek()) {
    const j = targetRange(old, changePath(ch), i);
    while (i < j) sink.reuse(old[i++]!);
    i = await recut(ctx, j);
  }
  while (i < old.length) sink.reuse(old[i++]!);
  await sink.flushPending();
  if (base !== null && sameRanges(sink.records, old)) return { root: base, stats };
  return { root: await sink.finish(), stats };
}

/**
 * applyChanges over an empty base, without the merge machinery: the bulk
 * load of a first commit. With nothing underneath, a delete only cancels
 * puts of its own path earlier in the stream, and a deleteDir cancels
 * nothing (puts under it sort after it, so they still apply).
 */
async function buildFromChanges(
  store: IndexObjectStore,
  changes: AsyncIterable<IndexChange> | Iterable<IndexChange>,
  options: IndexWriteOptions,
  stats: WriteStats,
): Promise<IndexRoot | null> {
  const sink = new RangeSink(store, cutParams(options), stats, new Set(), options.fileTree);
  let last: string | undefined;
  let pending: FileEntry | undefined;
  for await (const ch of changes) {
    const path = checkChange(ch, last);
    last = path;
    if (pending !== undefined && pending.path !== path) {
      await sink.add(pending);
      pending = undefined;
    }
    if (ch.op === 'put') pending = ch.entry;
    else if (ch.op === 'delete') pending = undefined;
  }
  if (pending !== undefined) await sink.add(pending);
  return sink.finish();
}

/**
 * The range a change at `path` falls in: the first whose last path is at or
 * after it. Past the last range it is the last range, because the end of the
 * input, not a cut, ended that one.
 */
function targetRange(old: readonly RangeRecord[], path: string, from: number): number {
  if (from >= old.length) return from;
  let lo = from;
  let hi = old.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePaths(old[mid]!.lastPath, path) >= 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function sameRanges(a: readonly RangeRecord[], b: readonly RangeRecord[]): boolean {
  return a.length === b.length && a.every((r, i) => r.hash === b[i]!.hash);
}

/** Every range of a metatree's groups. */
async function readGroups(store: IndexObjectStore, groups: readonly RangeRecord[]): Promise<RangeRecord[]> {
  return (await Promise.all(groups.map(async (g) => decodeMetarange(await store.get(g.hash), g.hash)))).flat();
}

/**
 * applyChanges over a two-level base, reading only the groups the changes
 * fall in (and those a re-cut runs on into): the merge sees a window of
 * loaded groups, and the groups between windows go to the sink whole and
 * unread. A 10-file commit reads the root, ~10 groups and ~10 ranges,
 * however large the base.
 */
async function applyToGroups(
  store: IndexObjectStore,
  base: IndexRoot,
  groups: readonly RangeRecord[],
  changes: AsyncIterable<IndexChange> | Iterable<IndexChange>,
  options: IndexWriteOptions,
  stats: WriteStats,
): Promise<IndexRoot | null> {
  const existing = new Set<string>();
  const sink = new RangeSink(store, cutParams(options), stats, existing, options.fileTree);
  const old: RangeRecord[] = [];
  let g = 0; // the next group neither loaded nor reused
  const more = async (): Promise<boolean> => {
    if (g >= groups.length) return false;
    const rec = groups[g++]!;
    for (const r of decodeMetarange(await store.get(rec.hash), rec.hash)) {
      old.push(r);
      existing.add(r.hash);
    }
    return true;
  };
  const ctx: MergeContext = { store, old, more, changes: new ChangeQueue(toAsync(changes)), sink, stats };
  let i = 0; // the next range of the window not yet in the sink
  let changed = false;
  for (let ch = await ctx.changes.peek(); ch !== undefined; ch = await ctx.changes.peek()) {
    changed = true;
    const path = changePath(ch);
    if (g < groups.length && (old.length === 0 || comparePaths(old[old.length - 1]!.lastPath, path) < 0)) {
      // Past the window: close it, pass the groups before the change's own whole, and open a window there.
      while (i < old.length) sink.reuse(old[i++]!);
      const target = targetRange(groups, path, g);
      while (g < target) sink.reuseGroup(groups[g++]!);
      old.length = 0;
      i = 0;
      await more();
    }
    const j = targetRange(old, path, i);
    while (i < j) sink.reuse(old[i++]!);
    i = await recut(ctx, j);
  }
  if (!changed) return base;
  while (i < old.length) sink.reuse(old[i++]!);
  while (g < groups.length) sink.reuseGroup(groups[g++]!);
  await sink.flushPending();
  return sink.finish();
}

async function* toAsync<T>(items: AsyncIterable<T> | Iterable<T>): AsyncIterable<T> {
  yield* items;
}
