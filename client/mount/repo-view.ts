// One repo as a mount shows it: its base commit (commit-tree.ts) with the
// changes a writable mount staged over it (overlay.ts; empty here). Paths
// are inside the repo ('/' is its root). This class answers reads and refuses
// every change with EROFS; WritableView (writable-view.ts) makes changes.
import { constants } from 'node:fs';
import type { CommitInfo, StrataClient } from '../sdk/index.ts';
import type { ChunkFetcher, FileLayout } from './chunk-fetcher.ts';
import { MAX_SIZE } from '../../src/chunking/index.ts';
import { baseName, CommitTree, joinPath, parentOf, type TreeEntry } from './commit-tree.ts';
import { fsError } from './errno.ts';
import { FileReader } from './file-reader.ts';
import { CommitFile, type OpenFile } from './open-file.ts';
import { Overlay } from './overlay.ts';

export interface Attr {
  type: 'file' | 'dir';
  size: number;
  mtimeMs: number;
}

export interface RepoViewOptions {
  client: StrataClient;
  fetcher: ChunkFetcher;
  repo: string;
  /** The base commit (null: a branch without commits). */
  commit: string | null;
  /** When the base commit was made (the mtime of everything in it). */
  commitTimeMs: number;
  readaheadBytes?: number;
}

/** How many small files ahead of the one opened are fetched (see openedSmallFile). */
const SMALL_FILES_AHEAD = 32;
/** Listed small files fetched ahead of the one opened, in batches of half of it (one GetChunks call each). */
const LISTED_FILES_AHEAD = 128;

export class RepoView {
  readonly repo: string;
  /** The directory whose small files are being opened in order, and how far ahead of them they are fetched. */
  private walk: { dir: string; listing?: Map<string, TreeEntry>; names: string[]; index: Map<string, number>; last: number; aheadTo: number } = {
    dir: '',
    names: [],
    index: new Map(),
    last: -2,
    aheadTo: -1,
  };
  protected tree: CommitTree;
  protected commitTimeMs: number;
  protected readonly overlay = new Overlay();

  constructor(protected readonly opts: RepoViewOptions) {
    this.repo = opts.repo;
    this.tree = new CommitTree(opts.client, opts.repo, opts.commit);
    this.commitTimeMs = opts.commitTimeMs;
  }

  get writable(): boolean {
    return false;
  }

  /** The commit the view stands on (changes to it since the last flush aside). */
  get commit(): string | null {
    return this.tree.commit;
  }

  /** Whether changes are staged that a flush would commit. */
  get dirty(): boolean {
    return false;
  }

  protected readOnly(): never {
    throw fsError('EROFS', `${this.repo} is mounted read-only`);
  }

  protected baseOf(path: string): string | undefined {
    return this.overlay.shadowsBase ? this.overlay.baseOf(path) : path;
  }

  async stat(path: string): Promise<Attr> {
    const attr = await this.lookup(path);
    if (!attr) throw fsError('ENOENT');
    return attr;
  }

  protected async lookup(path: string): Promise<Attr | undefined> {
    const staged = this.overlay.files.get(path);
    if (staged) return { type: 'file', size: staged.size, mtimeMs: staged.mtimeMs };
    const made = this.overlay.dirs.get(path);
    if (made !== undefined) return { type: 'dir', size: 0, mtimeMs: made };
    if (this.overlay.moved.has(path)) return { type: 'dir', size: 0, mtimeMs: this.commitTimeMs };
    const base = this.baseOf(path);
    const entry = base === undefined ? undefined : await this.tree.stat(base);
    return entry && { type: entry.type, size: entry.size, mtimeMs: this.commitTimeMs };
  }

  async readdir(path: string): Promise<string[]> {
    const attr = await this.stat(path);
    if (attr.type !== 'dir') throw fsError('ENOTDIR');
    const base = this.baseOf(path);
    const listing = base === undefined ? undefined : await this.tree.list(base);
    if (!this.overlay.shadowsBase && this.overlay.dirs.size === 0) return listing ? [...listing.keys()] : [];
    const names = new Set<string>();
    for (const name of listing?.keys() ?? []) {
      const child = joinPath(path, name);
      if (!this.overlay.files.has(child) && this.overlay.baseOf(child) === joinPath(base!, name)) names.add(name);
    }
    for (const name of this.overlay.childrenOf(path)) names.add(name);
    return [...names];
  }

  async access(path: string, mode: number): Promise<void> {
    await this.stat(path);
    if (mode & constants.W_OK && !this.writable) this.readOnly();
  }

  /** The base entry a path shows (for reading it, or renaming it by reference). */
  protected async baseEntry(path: string): Promise<{ basePath: string; entry: TreeEntry }> {
    const basePath = this.baseOf(path);
    const entry = basePath === undefined ? undefined : await this.tree.stat(basePath);
    if (!entry) throw fsError('ENOENT');
    return { basePath: basePath!, entry };
  }

  protected async reader(basePath: string, size: number, hash: string, chunks?: TreeEntry['chunks']): Promise<FileReader> {
    const ref = this.tree.ref(basePath);
    const layout = await this.opts.fetcher.layout(ref, size, hash, chunks);
    return new FileReader(this.opts.fetcher, ref, layout, { readaheadBytes: this.opts.readaheadBytes });
  }

  async open(path: string, flags: number): Promise<OpenFile> {
    if ((flags & 3) !== constants.O_RDONLY) this.readOnly(); // O_ACCMODE
    return this.openForReading(path);
  }

  protected async openForReading(path: string): Promise<OpenFile> {
    const staged = this.overlay.files.get(path);
    if (staged?.kind === 'ref') return new CommitFile(await this.reader(staged.basePath, staged.size, staged.hash));
    const { basePath, entry } = await this.baseEntry(path);
    if (entry.type === 'dir') throw fsError('EISDIR');
    if (entry.size <= MAX_SIZE || entry.chunks) this.openedSmallFile(basePath);
    return new CommitFile(await this.reader(basePath, entry.size, entry.hash, entry.chunks));
  }

  /**
   * Small files opened in a directory's order one after another (cat of each,
   * cp -r, tar, grep -r) are each one call to the server, waited for in turn;
   * seeing that pattern, fetch the next few ahead so the opens find them here.
   */
  private openedSmallFile(basePath: string): void {
    const dir = parentOf(basePath);
    const listing = this.tree.listed(dir);
    if (!listing) return;
    if (this.walk.dir !== dir || this.walk.listing !== listing) {
      const names = [...listing.keys()];
      this.walk = { dir, listing, names, index: new Map(names.map((n, i) => [n, i])), last: -2, aheadTo: -1 };
    }
    const i = this.walk.index.get(baseName(basePath));
    if (i === undefined) return;
    const sequential = i === this.walk.last + 1;
    this.walk.last = i;
    if (!sequential) return;
    if (listing.get(baseName(basePath))!.chunks) return this.fetchListedAhead(dir, listing, i);
    const ahead: { ref: string; size: number; hash: string }[] = [];
    for (const name of this.walk.names.slice(i + 1, i + 1 + SMALL_FILES_AHEAD)) {
      const e = listing.get(name)!;
      if (e.type === 'file') ahead.push({ ref: this.tree.ref(joinPath(dir, name)), size: e.size, hash: e.hash });
    }
    this.opts.fetcher.prefetchSmall(ahead);
  }

  /**
   * Files listed with their chunks: from the one opened (its own read then
   * finds its chunks on the way) up to LISTED_FILES_AHEAD ahead, topped up
   * once half of that is used, so each batch is one GetChunks call of many files.
   */
  private fetchListedAhead(dir: string, listing: Map<string, TreeEntry>, i: number): void {
    if (this.walk.aheadTo - i >= LISTED_FILES_AHEAD / 2) return;
    const from = Math.max(i, this.walk.aheadTo + 1);
    const to = Math.min(this.walk.names.length - 1, i + LISTED_FILES_AHEAD);
    const files: { ref: string; layout: FileLayout }[] = [];
    const at: number[] = []; // index in names of each file
    for (let j = from; j <= to; j++) {
      const e = listing.get(this.walk.names[j]!)!;
      const layout = e.type === 'file' && e.chunks ? this.opts.fetcher.listedLayout(e.size, e.hash, e.chunks) : undefined;
      if (layout) files.push({ ref: this.tree.ref(joinPath(dir, this.walk.names[j]!)), layout }), at.push(j);
    }
    // The walk moves on over the files taken (none while fetches are running: the next open asks again).
    const taken = this.opts.fetcher.prefetch(files);
    if (taken === files.length) this.walk.aheadTo = to;
    else if (taken > 0) this.walk.aheadTo = at[taken - 1]!;
  }

  // Every change: EROFS here, made by WritableView.
  async create(_path: string): Promise<OpenFile> {
    this.readOnly();
  }

  async truncate(_path: string, _size: number): Promise<void> {
    this.readOnly();
  }

  async mkdir(_path: string): Promise<void> {
    this.readOnly();
  }

  async unlink(_path: string): Promise<void> {
    this.readOnly();
  }

  async rmdir(_path: string): Promise<void> {
    this.readOnly();
  }

  async rename(_from: string, _to: string): Promise<void> {
    this.readOnly();
  }

  /** utimes: kept for a staged file when writable. */
  async utimens(path: string, _mtimeMs: number): Promise<void> {
    await this.stat(path);
    this.readOnly();
  }

  /** chmod and chown: Strata keeps no modes or owners; accepted (and ignored) when writable. */
  async setOwnerOrMode(path: string): Promise<void> {
    await this.stat(path);
    this.readOnly();
  }

  /** Commits the staged changes as one commit on the branch; null when there were none. */
  async flush(): Promise<CommitInfo | null> {
    return null;
  }

  async close(): Promise<void> {}
}
