// Uploading a local directory tree: list it (regular files, following
// symlinks to files but not to directories, so a loop cannot trap the
// walk), then put the files concurrently, at most `concurrency` open at once.
import { opendir, stat } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import pLimit from 'p-limit';
import { StrataError } from '../../src/errors/index.ts';
import { parsePath } from '../../src/ids.ts';
import type { ModifySession } from './modify.ts';
import { localFileError } from './sources.ts';

export interface LocalFile {
  /** Path on the local disk. */
  local: string;
  /** Path relative to the tree's root, with `/` separators. */
  relative: string;
  size: number;
}

export interface PutDirectoryOptions {
  /** Files uploading at once (default 4). */
  concurrency?: number;
  /** See PutOptions.dedup (default true). */
  dedup?: boolean;
  /** Called after each piece read, with totals so far and for the whole tree. */
  onProgress?: (p: { files: number; bytes: number; totalFiles: number; totalBytes: number }) => void;
}

/** Every regular file under `root`, in a stable (sorted) order. */
export async function listLocalTree(root: string): Promise<LocalFile[]> {
  const top = await stat(root).catch((err: unknown) => {
    throw localFileError(err, 'read', root);
  });
  if (!top.isDirectory()) throw new StrataError('FAILED_PRECONDITION', `cannot put ${root} as a directory: it is not one`, { local: root });
  const out: LocalFile[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const handle = await opendir(dir).catch((err: unknown) => {
      throw localFileError(err, 'read directory', dir);
    });
    const entries: { name: string; isDir: boolean; isFile: boolean; isLink: boolean }[] = [];
    for await (const d of handle) entries.push({ name: d.name, isDir: d.isDirectory(), isFile: d.isFile(), isLink: d.isSymbolicLink() });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const local = join(dir, e.name);
      const relative = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDir) await walk(local, relative);
      else if (e.isFile || e.isLink) {
        const st = await stat(local).catch(() => undefined); // a dangling symlink is skipped
        if (st?.isFile()) out.push({ local, relative, size: st.size });
      }
    }
  };
  await walk(root, '');
  return out;
}

/** `prefix` + relative path, as a repo path. */
export function repoPathOf(prefix: string, relative: string): string {
  const base = parsePath(prefix);
  return posix.join(base, relative.split(sep).join('/'));
}

/** Puts every file of the local tree `localDir` under `prefix` in the session. */
export async function putTree(m: ModifySession, prefix: string, localDir: string, opts: PutDirectoryOptions = {}): Promise<LocalFile[]> {
  parsePath(prefix);
  const files = await listLocalTree(localDir);
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  const progress = { files: 0, bytes: 0, totalFiles: files.length, totalBytes };
  const limit = pLimit(Math.max(1, opts.concurrency ?? 4));
  const onBytes = (n: number): void => {
    progress.bytes += n;
    opts.onProgress?.(progress);
  };
  await Promise.all(
    files.map((f) =>
      limit(async () => {
        try {
          await m.put(repoPathOf(prefix, f.relative), f.local, { dedup: opts.dedup, onBytes });
        } catch (err) {
          limit.clearQueue(); // one failure fails the commit: start no more files
          throw err;
        }
        progress.files++;
        opts.onProgress?.(progress);
      }),
    ),
  );
  return files;
}
