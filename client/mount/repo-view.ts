// One repo as a mount shows it: its base commit (commit-tree.ts), plus, when
// writable, the changes staged over it (overlay.ts, scratch.ts). Paths here
// are inside the repo ('/' is its root). Changes to the tree take one lock;
// a flush takes it too, and becomes one commit on the branch.
import { constants } from 'node:fs';
import { isStrataError } from '../../src/errors/index.ts';
import type { CommitInfo, StrataClient } from '../sdk/index.ts';
import type { ChunkFetcher } from './chunk-fetcher.ts';
import { CommitTree, joinPath, parentOf, type TreeEntry } from './commit-tree.ts';
import { fsError } from './errno.ts';
import { FileReader } from './file-reader.ts';
import { commitOverlay } from './flush-plan.ts';
import { CommitFile, StagedHandle, WriteGate, type OpenFile } from './open-file.ts';
import { isWithin, Overlay, type LocalFile, type StagedFile } from './overlay.ts';
import type { Scratch } from './scratch.ts';

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
  /** Branch the flushes commit to; set only for a writable view. */
  branch?: string;
  scratch?: Scratch;
  readaheadBytes?: number;
}

class Lock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export class RepoView {
  readonly repo: string;
  readonly writable: boolean;
  private tree: CommitTree;
  private commitTimeMs: number;
  private readonly overlay = new Overlay();
  private readonly lock = new Lock();
  private readonly gate = new WriteGate();

  constructor(private readonly opts: RepoViewOptions) {
    this.repo = opts.repo;
    this.writable = opts.branch !== undefined && opts.scratch !== undefined;
    this.tree = new CommitTree(opts.client, opts.repo, opts.commit);
    this.commitTimeMs = opts.commitTimeMs;
  }

  /** The commit the view stands on (changes to it since the last flush aside). */
  get commit(): string | null {
    return this.tree.commit;
  }

  get dirty(): boolean {
    return this.overlay.needsFlush;
  }

  /** The scratch files; refuses (EROFS) when the view is read-only. */
  private get scratch(): Scratch {
    if (!this.writable) throw fsError('EROFS', `${this.repo} is mounted read-only`);
    return this.opts.scratch!;
  }

  private requireWritable(): void {
    void this.scratch;
  }

  private baseOf(path: string): string | undefined {
    return this.overlay.shadowsBase ? this.overlay.baseOf(path) : path;
  }

  async stat(path: string): Promise<Attr> {
    const attr = await this.lookup(path);
    if (!attr) throw fsError('ENOENT');
    return attr;
  }

  private async lookup(path: string): Promise<Attr | undefined> {
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
    if (mode & constants.W_OK && !this.writable) throw fsError('EROFS');
  }

  /** The base entry a path shows (for reading it, or renaming it by reference). */
  private async baseEntry(path: string): Promise<{ basePath: string; entry: TreeEntry }> {
    const basePath = this.baseOf(path);
    const entry = basePath === undefined ? undefined : await this.tree.stat(basePath);
    if (!entry) throw fsError('ENOENT');
    return { basePath: basePath!, entry };
  }

  private async reader(basePath: string, size: number, hash: string): Promise<FileReader> {
    const ref = this.tree.ref(basePath);
    const layout = await this.opts.fetcher.layout(ref, size, hash);
    return new FileReader(this.opts.fetcher, ref, layout, { readaheadBytes: this.opts.readaheadBytes });
  }

  async open(path: string, flags: number): Promise<OpenFile> {
    const access = flags & 3; // O_ACCMODE
    if (access !== constants.O_RDONLY) {
      if (!this.writable) throw fsError('EROFS', `${this.repo} is mounted read-only`);
      const truncate = (flags & constants.O_TRUNC) !== 0;
      return this.lock.run(async () => {
        const file = await this.localFile(path, truncate);
        if (truncate && file.size > 0) await this.scratch.truncate(file.id, (file.size = 0));
        return this.handle(file, true);
      });
    }
    const staged = this.overlay.files.get(path);
    if (staged?.kind === 'local') return this.handle(staged, false);
    if (staged?.kind === 'ref') return new CommitFile(await this.reader(staged.basePath, staged.size, staged.hash));
    const { basePath, entry } = await this.baseEntry(path);
    if (entry.type === 'dir') throw fsError('EISDIR');
    return new CommitFile(await this.reader(basePath, entry.size, entry.hash));
  }

  private handle(file: LocalFile, writable: boolean): OpenFile {
    return new StagedHandle(file, this.scratch, this.gate, writable, (f) => this.lastClose(f));
  }

  private async lastClose(file: LocalFile): Promise<void> {
    if (!file.gone) await this.scratch.close(file.id);
    else await this.scratch.remove(file.id);
  }

  /** The staged file at `path`, made from the base file (copied up) unless it is to be emptied. */
  private async localFile(path: string, empty: boolean): Promise<LocalFile> {
    const staged = this.overlay.files.get(path);
    if (staged?.kind === 'local') return staged;
    const attr = await this.stat(path);
    if (attr.type === 'dir') throw fsError('EISDIR');
    const source = staged ?? { kind: 'ref' as const, ...(await this.refFor(path)) };
    const file: LocalFile = { kind: 'local', id: await this.scratch.createFile(), size: 0, mtimeMs: Date.now(), opens: 0, dirty: true };
    if (!empty && source.size > 0) file.size = await this.copyUp(source.basePath, source.size, source.hash, file.id);
    this.overlay.setFile(path, file);
    return file;
  }

  private async copyUp(basePath: string, size: number, hash: string, id: string): Promise<number> {
    const reader = await this.reader(basePath, size, hash);
    const buf = Buffer.allocUnsafe(4 << 20);
    let at = 0;
    for (let n; at < size && (n = await reader.read(buf, at, buf.length)) > 0; at += n) await this.scratch.write(id, buf, n, at);
    return at;
  }

  private async refFor(path: string): Promise<Omit<Extract<StagedFile, { kind: 'ref' }>, 'kind'>> {
    const { basePath, entry } = await this.baseEntry(path);
    if (entry.type === 'dir') throw fsError('EISDIR');
    return { basePath, size: entry.size, hash: entry.hash, mtimeMs: this.commitTimeMs };
  }

  private async requireParentDir(path: string): Promise<void> {
    const parent = await this.lookup(parentOf(path));
    if (!parent) throw fsError('ENOENT');
    if (parent.type !== 'dir') throw fsError('ENOTDIR');
  }

  create(path: string): Promise<OpenFile> {
    const scratch = this.scratch;
    return this.lock.run(async () => {
      await this.requireParentDir(path);
      const old = this.overlay.files.get(path);
      const file: LocalFile = { kind: 'local', id: await scratch.createFile(), size: 0, mtimeMs: Date.now(), opens: 0, dirty: true };
      this.overlay.setFile(path, file);
      if (old?.kind === 'local' && old.opens === 0) await scratch.remove(old.id);
      return this.handle(file, true);
    });
  }

  truncate(path: string, size: number): Promise<void> {
    this.requireWritable();
    return this.lock.run(async () => {
      const file = await this.localFile(path, size === 0);
      await this.gate.write(async () => {
        await this.scratch.truncate(file.id, size);
        file.size = size;
        file.mtimeMs = Date.now();
        file.dirty = true;
      });
    });
  }

  async utimens(path: string, mtimeMs: number): Promise<void> {
    await this.stat(path);
    if (!this.writable) throw fsError('EROFS');
    const staged = this.overlay.files.get(path);
    if (staged?.kind === 'local') staged.mtimeMs = mtimeMs;
  }

  /** chmod and chown: Strata keeps no modes or owners; accepted (and ignored) when writable. */
  async setOwnerOrMode(path: string): Promise<void> {
    await this.stat(path);
    if (!this.writable) throw fsError('EROFS');
  }

  mkdir(path: string): Promise<void> {
    this.requireWritable();
    return this.lock.run(async () => {
      if (await this.lookup(path)) throw fsError('EEXIST');
      await this.requireParentDir(path);
      this.overlay.addDir(path, Date.now());
    });
  }

  unlink(path: string): Promise<void> {
    this.requireWritable();
    return this.lock.run(async () => {
      const attr = await this.stat(path);
      if (attr.type === 'dir') throw fsError('EISDIR');
      await this.dropStaged(path);
      this.overlay.hide(path);
    });
  }

  private async dropStaged(path: string): Promise<void> {
    const staged = this.overlay.files.get(path);
    this.overlay.removeFile(path);
    if (staged?.kind === 'local' && staged.opens === 0) await this.scratch.remove(staged.id);
  }

  rmdir(path: string): Promise<void> {
    this.requireWritable();
    return this.lock.run(async () => {
      if (path === '/') throw fsError('EBUSY');
      const attr = await this.stat(path);
      if (attr.type !== 'dir') throw fsError('ENOTDIR');
      if ((await this.readdir(path)).length > 0) throw fsError('ENOTEMPTY');
      this.overlay.clearUnder(path);
      this.overlay.hide(path);
    });
  }

  rename(from: string, to: string): Promise<void> {
    this.requireWritable();
    return this.lock.run(async () => {
      if (from === '/' || to === '/') throw fsError('EBUSY');
      if (to !== from && isWithin(to, from)) throw fsError('EINVAL');
      const src = await this.stat(from);
      const dst = await this.lookup(to);
      if (from === to) return;
      await this.requireParentDir(to);
      if (src.type === 'file') {
        if (dst?.type === 'dir') throw fsError('EISDIR');
        const staged = this.overlay.files.get(from) ?? { kind: 'ref' as const, ...(await this.refFor(from)) };
        await this.dropStaged(to);
        this.overlay.removeFile(from);
        this.overlay.hide(from);
        this.overlay.setFile(to, staged);
        return;
      }
      if (dst?.type === 'file') throw fsError('ENOTDIR');
      if (dst && (await this.readdir(to)).length > 0) throw fsError('ENOTEMPTY');
      if (dst) {
        this.overlay.clearUnder(to);
        this.overlay.hide(to);
      }
      const base = this.baseOf(from);
      const hasBase = base !== undefined && (await this.tree.stat(base))?.type === 'dir';
      this.overlay.moveUnder(from, to);
      if (hasBase) this.overlay.setMoved(to, base!);
      else if (!this.overlay.dirs.has(to)) this.overlay.addDir(to, Date.now());
      this.overlay.hide(from);
    });
  }

  /** Commits the staged changes as one commit on the branch; null when there were none. */
  flush(): Promise<CommitInfo | null> {
    if (!this.writable) return Promise.resolve(null);
    return this.lock.run(() => this.gate.alone(() => this.flushNow()));
  }

  private async flushNow(): Promise<CommitInfo | null> {
    if (!this.overlay.needsFlush) return null;
    const { client } = this.opts;
    const target = `${this.repo}@${this.opts.branch}`;
    const now = await client.inspectBranch(target).then(
      (b) => b.head ?? null,
      (err: unknown) => {
        if (isStrataError(err, 'BRANCH_NOT_FOUND')) return null;
        throw err;
      },
    );
    const head = now === this.tree.commit ? this.tree : new CommitTree(client, this.repo, now);
    const commit = await commitOverlay({ client, target, tree: this.tree, head, overlay: this.overlay, scratch: this.scratch });
    this.tree = new CommitTree(client, this.repo, commit.id);
    this.commitTimeMs = commit.finishedAtMs ?? commit.startedAtMs;
    const dropped: LocalFile[] = [];
    this.overlay.committed((_, f) => {
      if (f.kind !== 'local') return false;
      f.dirty = false;
      if (f.opens > 0) return true;
      dropped.push(f);
      return false;
    });
    for (const f of dropped) await this.scratch.remove(f.id);
    return commit;
  }

  /** Deletes the scratch files (after the last flush, at unmount). */
  async close(): Promise<void> {
    await this.opts.scratch?.destroy();
  }
}
