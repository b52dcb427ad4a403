// Uploading a local directory tree: list it (regular files, following
// symlinks to files but not to directories, so a loop cannot trap the
// walk), then put the files concurrently, at most `concurrency` open at once.
// With a files cache (skip-cache.ts), files unchanged since the last put of
// the same tree to the same branch are neither read nor sent; files read
// whose content is the head's already (same-as-head.ts) are not committed
// either, so a tree with no change at all makes no commit.
import { readdirSync, statSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, posix, resolve, sep } from 'node:path';
import pLimit from 'p-limit';
import picomatch from 'picomatch';
import { StrataError, isStrataError } from '../../src/errors/index.ts';
import { parsePath } from '../../src/ids.ts';
import { parseRef } from '../../src/ref.ts';
import type { ModifySession, WriteResult } from './modify.ts';
import { SkipCache, skipCacheFile, type FileStamp } from './skip-cache.ts';
import { localFileError } from './sources.ts';
import { sameAsHead } from './same-as-head.ts';
import { emptyStats, type BranchInfo, type CommitInfo, type FileInfo, type TransferStats } from './types.ts';

/** A tree put's result: `committed` is false when nothing changed and `commit` is the branch head. */
export type PutDirectoryResult = WriteResult & { deleted: string[]; committed: boolean };

export interface LocalFile {
  /** Path on the local disk. */
  local: string;
  /** Path relative to the tree's root, with `/` separators. */
  relative: string;
  size: number;
  /** The stat the files cache compares (taken before the file is read). */
  stamp: FileStamp;
}

export interface PutDirectoryOptions {
  /** Files uploading at once (default 4). */
  concurrency?: number;
  /** See PutOptions.dedup (default true). */
  dedup?: boolean;
  /** Local files whose path relative to the tree matches one of these globs (picomatch) are left out. */
  exclude?: string[];
  /** Also delete the files under the prefix that the local tree lacks (a sync); excluded paths are kept. */
  delete?: boolean;
  /** Called after each piece read, with totals so far and for the whole tree. */
  onProgress?: (p: { files: number; bytes: number; totalFiles: number; totalBytes: number }) => void;
  /**
   * Directory for the files cache (one file per branch, prefix and
   * local directory). Unset: every file is read. Used only for a branch
   * target with dedup on.
   */
  cacheDir?: string;
}

/** What a tree put needs of the client. */
export interface TreeClient {
  inspectBranch(branch: string): Promise<BranchInfo>;
  inspectCommit(commit: string): Promise<CommitInfo>;
  walk(dir: string): AsyncGenerator<FileInfo, void, undefined>;
  inspectFile(file: string): Promise<FileInfo>;
  modify(target: string, fn: (m: ModifySession) => Promise<void>): Promise<WriteResult>;
}

/** Every regular file under `root`, in a stable (sorted) order. */
export async function listLocalTree(root: string): Promise<LocalFile[]> {
  const top = await stat(root).catch((err: unknown) => {
    throw localFileError(err, 'read', root);
  });
  if (!top.isDirectory()) throw new StrataError('FAILED_PRECONDITION', `cannot put ${root} as a directory: it is not one`, { local: root });
  const out: LocalFile[] = [];
  // Synchronous calls on purpose: the walk is the whole of an unchanged
  // re-put, and a stat through libuv's thread pool cost 3-10x the CPU and
  // wall time of statSync (25,000 files: 0.36-1.3 CPU-s against 0.1). Nothing
  // else runs while the tree is listed.
  const walk = (dir: string, rel: string): void => {
    let dirents;
    try {
      dirents = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      throw localFileError(err, 'read directory', dir);
    }
    const entries = dirents.map((d) => ({ name: d.name, isDir: d.isDirectory(), isFile: d.isFile(), isLink: d.isSymbolicLink() }));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const local = join(dir, e.name);
      const relative = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDir) walk(local, relative);
      else if (e.isFile || e.isLink) {
        const st = statOrSkip(local); // a dangling symlink is skipped
        if (st?.isFile()) out.push({ local, relative, size: st.size, stamp: { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino } });
      }
    }
  };
  walk(root, '');
  return out;
}

function statOrSkip(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined; // a symlink loop, a permission race: skipped, as a dangling link is
  }
}

/**
 * A test of relative (`/`-separated) paths against exclude globs: a pattern
 * without `/` matches a name at any depth (`*.tmp`), as in rsync; a pattern
 * that names a directory (`build`, `logs/`) excludes everything under it.
 */
export function excluder(patterns: string[] | undefined): (relative: string) => boolean {
  if (!patterns || patterns.length === 0) return () => false;
  const itself = picomatch(patterns.map((p) => p.replace(/\/+$/, '')), { dot: true, basename: true });
  return (relative) => {
    const parts = relative.split('/');
    return parts.some((_, i) => itself(parts.slice(0, i + 1).join('/')));
  };
}

/** The files under `prefix` of `target` the local tree lacks (for `delete`), excluded ones left alone. */
async function toDelete(client: TreeClient, target: string, prefix: string, local: LocalFile[], excluded: (rel: string) => boolean): Promise<string[]> {
  const have = new Set(local.map((f) => repoPathOf(prefix, f.relative)));
  const base = prefix === '/' ? '' : parsePath(prefix);
  const out: string[] = [];
  try {
    for await (const f of client.walk(`${target}:${prefix}`)) {
      if (f.type === 'file' && !have.has(f.path) && !excluded(f.path.slice(base.length + 1))) out.push(f.path);
    }
  } catch (err) {
    // No branch, no commit yet, or no such directory: nothing to delete.
    if (!(isStrataError(err) && err.kind === 'NotFound')) throw err;
  }
  return out;
}

/** `prefix` + relative path, as a repo path. */
export function repoPathOf(prefix: string, relative: string): string {
  const base = parsePath(prefix);
  return posix.join(base, relative.split(sep).join('/'));
}

interface Progress {
  files: number;
  bytes: number;
  totalFiles: number;
  totalBytes: number;
}

/** Puts `files` under `prefix` in the session; `onPut` gets each file's hash once it is cut. */
async function putFiles(m: ModifySession, prefix: string, files: LocalFile[], progress: Progress, opts: PutDirectoryOptions, onPut?: (f: LocalFile, hash: string) => void): Promise<void> {
  const limit = pLimit(Math.max(1, opts.concurrency ?? 4));
  const onBytes = (n: number): void => {
    progress.bytes += n;
    opts.onProgress?.(progress);
  };
  await Promise.all(
    files.map((f) =>
      limit(async () => {
        try {
          // A raw put declares the size it sends, so it takes a fresh stat; a deduplicated one reuses the walk's.
          const { hash } = await m.put(repoPathOf(prefix, f.relative), f.local, { dedup: opts.dedup, onBytes, statSize: opts.dedup === false ? undefined : f.size });
          if (hash !== undefined) onPut?.(f, hash);
        } catch (err) {
          limit.clearQueue(); // one failure fails the commit: start no more files
          throw err;
        }
        progress.files++;
        opts.onProgress?.(progress);
      }),
    ),
  );
}

/** Puts every file of the local tree `localDir` under `prefix` in the session (no files cache). */
export async function putTree(m: ModifySession, prefix: string, localDir: string, opts: PutDirectoryOptions = {}): Promise<LocalFile[]> {
  parsePath(prefix);
  const excluded = excluder(opts.exclude);
  const files = (await listLocalTree(localDir)).filter((f) => !excluded(f.relative));
  const progress = { files: 0, bytes: 0, totalFiles: files.length, totalBytes: files.reduce((n, f) => n + f.size, 0) };
  await putFiles(m, prefix, files, progress, opts);
  return files;
}

/** The branch head, or undefined when the branch has no commit or does not exist yet. */
async function headOf(client: TreeClient, target: string): Promise<string | undefined> {
  try {
    return (await client.inspectBranch(target)).head;
  } catch (err) {
    if (isStrataError(err) && err.kind === 'NotFound') return undefined;
    throw err;
  }
}

/** Loads the tree's files cache and keeps the entries the branch head still agrees with. */
async function openCache(client: TreeClient, target: string, prefix: string, localDir: string, cacheDir: string, scanStart: number): Promise<{ cache: SkipCache; head: string | undefined }> {
  const parts = { target, prefix, localRoot: resolve(localDir) };
  const cache = await SkipCache.load(skipCacheFile(cacheDir, parts), JSON.stringify(parts), scanStart);
  const head = await headOf(client, target);
  if (cache.head !== undefined && cache.head !== head) {
    // Someone committed since (or the branch was reset): trust only what the head still holds.
    const there = new Map<string, string>();
    if (head !== undefined && cache.size > 0) {
      const repo = parseRef(target).repo;
      for await (const f of client.walk(`${repo}@${head}:${prefix}`)) if (f.type === 'file') there.set(f.path, f.hash);
    }
    cache.revalidate((rel, hash) => there.get(repoPathOf(prefix, rel)) === hash);
  }
  return { cache, head };
}

/** Thrown inside the session to drop its commit: the files put are the head's already. */
class Unchanged extends Error {}

/**
 * `put -r`: every file of `localDir` under `prefix` of `target`, in one
 * commit. With `opts.cacheDir`, unchanged files are skipped. When nothing
 * changed, no commit is made and the result is the branch head
 * (`committed: false`): either the cache vouched for every file, or the
 * files it could not vouch for (a fresh cache, touched files, no cache) were
 * read and cut, found to hash as the head's files at their paths, and the
 * one-off commit was dropped before it was made.
 */
export async function putDirectory(client: TreeClient, target: string, prefix: string, localDir: string, opts: PutDirectoryOptions = {}): Promise<PutDirectoryResult> {
  parsePath(prefix);
  const scanStart = Date.now();
  const excluded = excluder(opts.exclude);
  const files = (await listLocalTree(localDir)).filter((f) => !excluded(f.relative));
  const deleted = opts.delete ? await toDelete(client, target, prefix, files, excluded) : [];
  const progress = { files: 0, bytes: 0, totalFiles: files.length, totalBytes: files.reduce((n, f) => n + f.size, 0) };
  const repo = parseRef(target).repo;
  // Content hashes are known only for deduplicated puts, and only a branch gets a one-off commit to drop.
  const comparable = opts.dedup !== false && parseRef(target).target.kind === 'branch';
  const useCache = opts.cacheDir !== undefined && comparable;

  let cache: SkipCache | undefined;
  let head: string | undefined;
  const skipped: { f: LocalFile; hash: string }[] = [];
  const toPut: LocalFile[] = [];
  if (useCache) {
    ({ cache, head } = await openCache(client, target, prefix, localDir, opts.cacheDir!, scanStart));
    for (const f of files) {
      const hash = cache.unchanged(f.relative, f.stamp);
      if (hash === undefined) toPut.push(f);
      else skipped.push({ f, hash });
    }
  } else {
    if (comparable && deleted.length === 0) head = await headOf(client, target);
    toPut.push(...files);
  }
  for (const s of skipped) (progress.files++, (progress.bytes += s.f.size));
  if (skipped.length > 0) opts.onProgress?.(progress);
  const skippedStats = { skippedFiles: skipped.length, skippedBytes: skipped.reduce((n, s) => n + s.f.size, 0) };
  const unchangedResult = async (commit: CommitInfo, stats: TransferStats, written: { f: LocalFile; hash: string }[]): Promise<PutDirectoryResult> => {
    if (cache && commit.state === 'finished' && (cache.head !== head || written.length > 0)) {
      for (const s of [...skipped, ...written]) cache.record(s.f.relative, s.f.stamp, s.hash);
      await cache.save(commit.id);
    }
    return { commit, stats: { ...stats, ...skippedStats }, deleted, committed: false };
  };

  if (toPut.length === 0 && deleted.length === 0 && head !== undefined) {
    return unchangedResult(await client.inspectCommit(`${repo}@${head}`), emptyStats(), []);
  }
  const written: { f: LocalFile; hash: string }[] = [];
  let unchanged: { commit: CommitInfo; stats: TransferStats } | undefined;
  let r: WriteResult;
  try {
    r = await client.modify(target, async (m) => {
      await putFiles(m, prefix, toPut, progress, opts, (f, hash) => written.push({ f, hash }));
      for (const path of deleted) await m.delete(path);
      if (comparable && head !== undefined && deleted.length === 0) {
        const commit = await headIfSame(client, target, head, prefix, written, cache);
        if (commit) {
          unchanged = { commit, stats: { ...m.stats } };
          throw new Unchanged();
        }
      }
    });
  } catch (err) {
    if (unchanged && err instanceof Unchanged) return unchangedResult(unchanged.commit, unchanged.stats, written);
    throw err;
  }
  Object.assign(r.stats, skippedStats);
  if (cache && r.commit.state === 'finished') {
    // Skipped files are in the new commit as they were in `head` only if the commit was made on top of it.
    if (r.commit.parent === head) for (const s of skipped) cache.record(s.f.relative, s.f.stamp, s.hash);
    for (const w of written) cache.record(w.f.relative, w.f.stamp, w.hash);
    await cache.save(r.commit.id);
  }
  return { ...r, deleted, committed: true };
}

/**
 * The head commit when the files just put hash as they are in it, it is
 * finished (a put into an open head makes no new commit anyway) and the
 * branch still points at it; else undefined, and the commit is made.
 */
async function headIfSame(client: TreeClient, target: string, head: string, prefix: string, written: { f: LocalFile; hash: string }[], cache?: SkipCache): Promise<CommitInfo | undefined> {
  const repo = parseRef(target).repo;
  // The files cache knows the head's hash of the files it has entries for (a touched file, a changed one): no need to ask.
  const unknown = new Map<string, string>();
  for (const w of written) {
    const known = cache?.headHash(w.f.relative);
    if (known === undefined) unknown.set(repoPathOf(prefix, w.f.relative), w.hash);
    else if (known !== w.hash) return undefined;
  }
  const [commit, same] = await Promise.all([client.inspectCommit(`${repo}@${head}`), unknown.size === 0 || sameAsHead(client, `${repo}@${head}`, prefix, unknown)]);
  if (!same || commit.state !== 'finished') return undefined;
  // Someone committed since the head was read: the put lands on their commit.
  return (await headOf(client, target)) === head ? commit : undefined;
}
