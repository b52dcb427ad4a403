// Reading commit indexes: lookups, listings, walks, globs and diffs that read
// only the ranges they need, through a bounded cache of decoded objects.
import { StrataError } from '../errors/index.ts';
import { diffIndexes } from './index-diff.ts';
import { globFiles, listChildren, walkFiles } from './index-list.ts';
import { comparePaths, dirPrefix } from './paths.ts';
import { KeyCursor, RangeSeq } from './range-seq.ts';
import { ReaderCore, findRange, lowerBound, type ReaderStats } from './reader-core.ts';
import type { DiffItem, FileEntry, IndexObjectStore, IndexRoot, IndexStat, ListItem, ListOptions, RangeRecord } from './types.ts';

export type { ReaderStats } from './reader-core.ts';

export interface IndexReaderOptions {
  /** Approximate heap bytes of decoded ranges and metaranges to keep (default 64 MiB). */
  cacheBytes?: number;
}

export interface IndexReader {
  readonly stats: ReaderStats;
  /** Estimated heap bytes of decoded objects in the cache now (at most `cacheBytes`). */
  cachedBytes(): number;
  get(root: IndexRoot | null, path: string): Promise<FileEntry | undefined>;
  /** Direct children of `dir` in index order (a subdirectory sorts as `name/`); nothing if `dir` has none. */
  list(root: IndexRoot | null, dir: string, options?: ListOptions): AsyncIterable<ListItem>;
  /** Every file under directory `dir`, in path order. */
  walk(root: IndexRoot | null, dir: string): AsyncIterable<FileEntry>;
  /** Files matching a glob (see glob-match.ts: `*`, `**`, `?`, `[...]`, `{a,b}`; dot files match), in path order. */
  glob(root: IndexRoot | null, pattern: string): AsyncIterable<FileEntry>;
  /** True for `/` and for every directory holding at least one file (directories are implicit). */
  isDir(root: IndexRoot | null, path: string): Promise<boolean>;
  /** Changes from `oldRoot` to `newRoot`, in path order; with `after`, only those after that path. */
  diff(newRoot: IndexRoot | null, oldRoot: IndexRoot | null, after?: string): AsyncIterable<DiffItem>;
  /** File count and total size, from the metarange alone. */
  stat(root: IndexRoot | null): Promise<IndexStat>;
  /** The hashes of every object the index consists of (root, then metarange groups, then ranges), e.g. for garbage collection. */
  objects(root: IndexRoot | null): Promise<string[]>;
  /** The metarange groups a two-level root lists (none for one level): GC marks them. */
  groups(root: IndexRoot | null): Promise<string[]>;
  /** The metarange's list of ranges: for GC and fsck, which visit each distinct range once. */
  ranges(root: IndexRoot | null): Promise<readonly RangeRecord[]>;
  /** The entries of one range (read through the cache, hash-verified by the store). */
  rangeEntries(range: RangeRecord): Promise<readonly FileEntry[]>;
}

const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;
const NO_RANGES: readonly RangeRecord[] = [];

export function createIndexReader(store: IndexObjectStore, options: IndexReaderOptions = {}): IndexReader {
  const cacheBytes = options.cacheBytes ?? DEFAULT_CACHE_BYTES;
  if (!Number.isFinite(cacheBytes) || cacheBytes < 0) {
    throw new StrataError('INVALID_ARGUMENT', `cacheBytes must be a non-negative number, got ${String(cacheBytes)}`);
  }
  const core = new ReaderCore(store, cacheBytes);
  const ranges = (root: IndexRoot | null) => (root === null ? Promise.resolve(NO_RANGES) : core.meta(root));
  const seq = (root: IndexRoot | null) => RangeSeq.open(core, root);

  return {
    stats: core.stats,
    cachedBytes: () => core.cachedBytes,
    get: async (root, path) => (root === null ? undefined : getEntry(core, await core.rangesNear(root, path), path)),
    list: async function* (root, dir, opts = {}) {
      yield* listChildren(core, await seq(root), dir, opts);
    },
    walk: async function* (root, dir) {
      yield* walkFiles(core, await seq(root), dir);
    },
    glob: async function* (root, pattern) {
      yield* globFiles(core, await seq(root), pattern);
    },
    isDir: async (root, path) => {
      if (path === '/') return true;
      const prefix = dirPrefix(path);
      return (await new KeyCursor(core, await seq(root)).seek(prefix, prefix)) !== undefined;
    },
    diff: async function* (newRoot, oldRoot, after) {
      if (newRoot === oldRoot) return;
      yield* diffIndexes(core, await seq(newRoot), await seq(oldRoot), after);
    },
    stat: async (root) => {
      let files = 0;
      let bytes = 0;
      // A metatree's records carry their groups' totals: the root alone answers.
      for (const r of root === null ? NO_RANGES : (await core.root(root)).records) {
        files += r.count;
        bytes += r.bytes;
      }
      return { files, bytes };
    },
    objects: async (root) => (root === null ? [] : [root, ...(await core.groups(root)), ...(await core.meta(root)).map((r) => r.hash)]),
    ranges,
    groups: async (root) => (root === null ? [] : core.groups(root)),
    rangeEntries: (range) => core.range(range),
  };
}

/** Reads at most one range, and none when the path falls between ranges. */
async function getEntry(core: ReaderCore, ranges: readonly RangeRecord[], path: string): Promise<FileEntry | undefined> {
  const rec = ranges[findRange(ranges, path)];
  if (rec === undefined || comparePaths(rec.firstPath, path) > 0) return undefined;
  const entries = await core.range(rec);
  const e = entries[lowerBound(entries, path)];
  return e !== undefined && e.path === path ? e : undefined;
}
