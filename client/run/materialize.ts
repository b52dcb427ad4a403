// Eager materialization: the selected files of every input laid out as
// `<pfsDir>/<name>/<path>`, fetched into the content cache (one tar stream
// per input when many are missing, else in parallel, bounded) and
// hard-linked from it; copied where a link cannot be made (another
// file system, too many links) or must not be (see `link`). Then every file
// and directory is made read-only (a-w).
import { chmod, copyFile, link, mkdir, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import pLimit from 'p-limit';
import type { StrataClient } from '../sdk/index.ts';
import type { BlobCache } from './cache.ts';
import type { ListedInput } from './inputs.ts';
import { prefetchInput } from './prefetch.ts';

export interface MaterializeOptions {
  /** Downloads and links in flight at once (default 16). */
  concurrency?: number;
  /**
   * Hard-link from the cache (default true). Off when the command could
   * write through the link into the cache: root ignores a-w, so without a
   * read-only mount a root command gets copies.
   */
  link?: boolean;
  onFile?: (done: number, total: number) => void;
}

export interface MaterializeStats {
  files: number;
  bytes: number;
  /** Files fetched from the server (at most one per distinct content). */
  downloaded: number;
  downloadedBytes: number;
  linked: number;
  copied: number;
}

const LINK_FALLBACK = new Set(['EXDEV', 'EMLINK', 'EPERM', 'EACCES', 'ENOTSUP', 'EOPNOTSUPP']);

/** Where a repo path lands under an input's directory (repo paths are normalised: no `..`). */
function localPath(inputDir: string, repoPath: string): string {
  return join(inputDir, ...repoPath.split('/').filter((c) => c !== ''));
}

export async function materialize(client: StrataClient, inputs: ListedInput[], pfsDir: string, cache: BlobCache, opts: MaterializeOptions = {}): Promise<MaterializeStats> {
  const stats: MaterializeStats = { files: 0, bytes: 0, downloaded: 0, downloadedBytes: 0, linked: 0, copied: 0 };
  const useLinks = opts.link ?? true;
  const dirs = new Set<string>();
  for (const input of inputs) {
    const base = join(pfsDir, input.name);
    dirs.add(base);
    for (const f of input.files) for (let d = posix.dirname(f.path); d !== '/'; d = posix.dirname(d)) dirs.add(localPath(base, d));
  }
  // Parents sort before children, so each mkdir finds its parent.
  const ordered = [...dirs].sort((a, b) => a.length - b.length);
  for (const d of ordered) await mkdir(d, { recursive: true });

  // Many missing files: one tar stream per input first; the rest one by one.
  for (const input of inputs) {
    const bulk = await prefetchInput(client, input, cache);
    stats.downloaded += bulk.downloaded;
    stats.downloadedBytes += bulk.downloadedBytes;
  }
  const total = inputs.reduce((n, i) => n + i.files.length, 0);
  const limit = pLimit(Math.max(1, opts.concurrency ?? 16));
  const place = async (input: ListedInput, path: string, size: number, hash: string): Promise<void> => {
    const dest = localPath(join(pfsDir, input.name), path);
    if (size === 0) {
      await writeFile(dest, '', { mode: 0o444, flag: 'wx' });
    } else {
      const fetched = await cache.ensure(hash, size, (tmp) => client.getTo(`${input.repo}@${input.commit}:${path}`, tmp).then(() => undefined));
      if (fetched) (stats.downloaded++, (stats.downloadedBytes += size));
      const blob = cache.pathOf(hash);
      let linked = false;
      if (useLinks) {
        linked = await link(blob, dest).then(
          () => true,
          (err: NodeJS.ErrnoException) => {
            if (LINK_FALLBACK.has(err.code ?? '')) return false;
            throw err;
          },
        );
      }
      if (linked) stats.linked++;
      else {
        await copyFile(blob, dest);
        await chmod(dest, 0o444);
        stats.copied++;
      }
    }
    stats.files++;
    stats.bytes += size;
    opts.onFile?.(stats.files, total);
  };
  const jobs: Promise<void>[] = [];
  for (const input of inputs) for (const f of input.files) jobs.push(limit(() => place(input, f.path, f.size, f.hash)));
  try {
    await Promise.all(jobs);
  } catch (err) {
    limit.clearQueue();
    await Promise.allSettled(jobs);
    throw err;
  }
  // Deepest first, so a parent is still writable while its children change.
  for (const d of ordered.reverse()) await chmod(d, 0o555);
  return stats;
}
