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
  const old = await readRanges(store, base);
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

/** The base index's ranges, from a one-level root or through a metatree's groups. */
async function readRanges(store: IndexObjectStore, root: IndexRoot): Promise<RangeRecord[]> {
  const top = decodeRoot(await store.get(root), root);
  if (!top.tree) return top.records;
  const groups = await Promise.all(top.records.map(async (g) => decodeMetarange(await store.get(g.hash), g.hash)));
  return groups.flat();
}

async function* toAsync<T>(items: AsyncIterable<T> | Iterable<T>): AsyncIterable<T> {
  yield* items;
}
