// The file tree of one commit, as the mount sees it: stat and list answered
// from the server (InspectFile, ListFile) and remembered, since a finished
// commit never changes. A directory is listed in pages of ListFile, so a
// directory of 100,000 entries is many short calls, not one long one, and
// once listed, a stat of any child (ls -l, find) is answered from memory.
import { isStrataError } from '../../src/errors/index.ts';
import { LruCache } from '../../src/index/lru-cache.ts';
import type { ChunkRef, StrataClient } from '../sdk/index.ts';

export interface TreeEntry {
  type: 'file' | 'dir';
  size: number;
  /** File hash; empty for a directory. */
  hash: string;
  /** The file's chunks, when it came from a listing and is at most LISTED_CHUNKS_MAX_BYTES. */
  chunks?: ChunkRef[];
}

/**
 * Files up to this size come with their chunk lists in a directory listing,
 * so reading them needs no call per file beyond the batched GetChunks
 * (ChunkFetcher.prefetch). A 1 MiB file has at most 64 chunks.
 */
export const LISTED_CHUNKS_MAX_BYTES = 1 << 20;

export interface TreeOptions {
  /** Entries per ListFile call (default 10,000). */
  pageSize?: number;
  /** Directory entries (and chunk refs of listed small files) kept in memory across listings (default 2,000,000). */
  maxListedEntries?: number;
}

const DIR: TreeEntry = Object.freeze({ type: 'dir', size: 0, hash: '' });

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export class CommitTree {
  private readonly listings: LruCache<Map<string, TreeEntry>>;
  private readonly stats = new LruCache<TreeEntry | null>(200_000);
  private readonly listing = new Map<string, Promise<Map<string, TreeEntry> | undefined>>();
  private readonly pageSize: number;

  /** `commit` null: a branch with no commits yet (an empty tree). */
  constructor(
    private readonly client: StrataClient,
    readonly repo: string,
    readonly commit: string | null,
    opts: TreeOptions = {},
  ) {
    this.pageSize = opts.pageSize ?? 10_000;
    this.listings = new LruCache(opts.maxListedEntries ?? 2_000_000);
  }

  /** `repo@commit:/path`, the address of a path in this commit. */
  ref(path: string): string {
    return `${this.repo}@${this.commit}:${path}`;
  }

  /** What is at `path`, or undefined when nothing is. */
  async stat(path: string): Promise<TreeEntry | undefined> {
    if (path === '/') return DIR;
    if (this.commit === null) return undefined;
    const parent = this.listings.get(parentOf(path));
    if (parent) return parent.get(baseName(path));
    const cached = this.stats.get(path);
    if (cached !== undefined) return cached ?? undefined;
    // Nothing is under a file or a missing directory (the kernel looks parents up first, so this is cached).
    if (parentOf(path) !== '/' && (await this.stat(parentOf(path)))?.type !== 'dir') return undefined;
    let entry: TreeEntry | null;
    try {
      const info = await this.client.inspectFile(this.ref(path));
      entry = info.type === 'dir' ? DIR : { type: 'file', size: info.sizeBytes ?? 0, hash: info.hash };
    } catch (err) {
      if (!isStrataError(err) || err.kind !== 'NotFound') throw err;
      entry = null;
    }
    this.stats.set(path, entry, 1);
    return entry ?? undefined;
  }

  /** The directory's children if they were listed already (no call to the server). */
  listed(path: string): Map<string, TreeEntry> | undefined {
    return this.listings.get(path);
  }

  /** The children of the directory at `path` by name; undefined when `path` is a file or nothing. */
  list(path: string): Promise<Map<string, TreeEntry> | undefined> {
    const cached = this.listings.get(path);
    if (cached) return Promise.resolve(cached);
    let pending = this.listing.get(path);
    if (!pending) {
      pending = this.fetchListing(path).finally(() => this.listing.delete(path));
      this.listing.set(path, pending);
    }
    return pending;
  }

  private async fetchListing(path: string): Promise<Map<string, TreeEntry> | undefined> {
    const children = new Map<string, TreeEntry>();
    if (this.commit === null) return path === '/' ? children : undefined;
    let after = '';
    let chunkRefs = 0;
    for (;;) {
      let n = 0;
      let lastName = '';
      let lastPath = '';
      try {
        for await (const f of this.client.list(this.ref(path), { after, limit: this.pageSize, includeChunksMaxBytes: LISTED_CHUNKS_MAX_BYTES })) {
          if (f.path === path && f.type === 'file') return undefined; // ListFile of a file answers the file
          lastName = baseName(f.path);
          lastPath = f.path;
          if (f.type === 'dir') children.set(lastName, DIR);
          else {
            const entry: TreeEntry = { type: 'file', size: f.sizeBytes ?? 0, hash: f.hash };
            if (f.chunks) (entry.chunks = f.chunks), (chunkRefs += f.chunks.length);
            children.set(lastName, entry);
          }
          n++;
        }
      } catch (err) {
        if (isStrataError(err) && err.kind === 'NotFound') return undefined;
        throw err;
      }
      if (n < this.pageSize) break;
      after = lastPath;
    }
    this.listings.set(path, children, children.size + 1 + chunkRefs);
    return children;
  }
}
