// Reading files of a commit: get (with offset and length), inspect, list a
// directory, walk, glob and diff. Each reads only the index ranges it needs.
import type { Readable } from 'node:stream';
import { readFile } from '../blocks/file-io.ts';
import { StrataError } from '../errors/index.ts';
import { ROOT_PATH, type FilePath } from '../ids.ts';
import type { FileEntry } from '../index/index.ts';
import type { PfsContext } from './context.ts';
import type { CommitRecord } from './records-io.ts';
import type { DiffEntry, FileInfo, ReadOptions } from './types.ts';
import { viewRoot } from './view.ts';

function where(c: CommitRecord, path: FilePath): string {
  return `${c.repo}@${c.id}:${path}`;
}

function fileInfo(c: CommitRecord, e: FileEntry): FileInfo {
  const info: FileInfo = { path: e.path as FilePath, type: 'file', size: e.size, hash: e.hash, chunks: e.chunks, commit: c.id };
  if (e.attrs) info.attrs = e.attrs;
  return info;
}

export async function inspectFile(ctx: PfsContext, c: CommitRecord, path: FilePath): Promise<FileInfo> {
  const root = await viewRoot(ctx, c);
  if (path === ROOT_PATH) return { path, type: 'dir', commit: c.id, size: c.state === 'finished' ? c.size : undefined };
  const entry = root ? await ctx.reader.get(root, path) : undefined;
  if (entry) return fileInfo(c, entry);
  if (root && (await ctx.reader.isDir(root, path))) return { path, type: 'dir', commit: c.id };
  throw new StrataError('FILE_NOT_FOUND', `${where(c, path)}: no such file or directory`, { repo: c.repo, commit: c.id, path });
}

export async function getFile(ctx: PfsContext, c: CommitRecord, path: FilePath, opts: ReadOptions = {}): Promise<Readable> {
  const info = await inspectFile(ctx, c, path);
  if (info.type === 'dir') {
    throw new StrataError('PATH_IS_DIRECTORY', `${where(c, path)} is a directory, not a file`, { repo: c.repo, commit: c.id, path });
  }
  return readFile(ctx.chunks, info.chunks!, opts);
}

export async function* listFiles(ctx: PfsContext, c: CommitRecord, dir: FilePath, opts: { after?: string; limit?: number } = {}): AsyncGenerator<FileInfo> {
  const root = await viewRoot(ctx, c);
  if (dir !== ROOT_PATH) {
    const info = await inspectFile(ctx, c, dir);
    if (info.type === 'file') {
      yield info; // ls of a file shows the file, as ls(1) does
      return;
    }
  }
  if (!root) return;
  for await (const item of ctx.reader.list(root, dir, opts)) {
    yield item.type === 'file' && item.entry ? fileInfo(c, item.entry) : { path: item.path as FilePath, type: 'dir', commit: c.id };
  }
}

export async function* walkFiles(ctx: PfsContext, c: CommitRecord, dir: FilePath): AsyncGenerator<FileInfo> {
  const root = await viewRoot(ctx, c);
  if (!root) return;
  for await (const e of ctx.reader.walk(root, dir)) yield fileInfo(c, e);
}

export async function* globFiles(ctx: PfsContext, c: CommitRecord, pattern: string): AsyncGenerator<FileInfo> {
  const root = await viewRoot(ctx, c);
  if (!root) return;
  for await (const e of ctx.reader.glob(root, pattern)) yield fileInfo(c, e);
}

/** Changes from `older` to `newer`, in path order; equal index ranges are skipped unread. */
export async function* diffCommits(ctx: PfsContext, newer: CommitRecord, older: CommitRecord | null, after?: FilePath): AsyncGenerator<DiffEntry> {
  const newRoot = await viewRoot(ctx, newer);
  const oldRoot = older ? await viewRoot(ctx, older) : null;
  for await (const d of ctx.reader.diff(newRoot, oldRoot, after)) {
    yield {
      type: d.type,
      path: d.path as FilePath,
      newSize: d.new?.size,
      oldSize: d.old?.size,
      newHash: d.new?.hash,
      oldHash: d.old?.hash,
    };
  }
}
