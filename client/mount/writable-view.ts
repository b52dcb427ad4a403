// A repo mounted read-write: changes are staged over the base commit (the
// overlay in memory, new bytes in scratch files) and a flush makes them one
// commit on the branch. Changes to the tree take one lock, which a flush
// takes too; writes pass a gate the flush closes (open-file.ts), so a file
// is never put half-written.
import { constants } from 'node:fs';
import { isStrataError } from '../../src/errors/index.ts';
import type { CommitInfo } from '../sdk/index.ts';
import { CommitTree, parentOf } from './commit-tree.ts';
import { fsError } from './errno.ts';
import { commitOverlay } from './flush-plan.ts';
import { StagedHandle, WriteGate, type OpenFile } from './open-file.ts';
import { isWithin, type LocalFile, type StagedFile } from './overlay.ts';
import { RepoView, type RepoViewOptions } from './repo-view.ts';
import type { Scratch } from './scratch.ts';

class Lock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export class WritableView extends RepoView {
  private readonly lock = new Lock();
  private readonly gate = new WriteGate();

  constructor(
    opts: RepoViewOptions,
    /** Branch the flushes commit to. */
    private readonly branch: string,
    private readonly scratch: Scratch,
  ) {
    super(opts);
  }

  override get writable(): boolean {
    return true;
  }

  override get dirty(): boolean {
    return this.overlay.needsFlush;
  }

  override async open(path: string, flags: number): Promise<OpenFile> {
    if ((flags & 3) === constants.O_RDONLY) {
      const staged = this.overlay.files.get(path);
      return staged?.kind === 'local' ? this.handle(staged, false) : this.openForReading(path);
    }
    const truncate = (flags & constants.O_TRUNC) !== 0;
    return this.lock.run(async () => {
      const file = await this.localFile(path, truncate);
      if (truncate && file.size > 0) await this.scratch.truncate(file.id, (file.size = 0));
      return this.handle(file, true);
    });
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

  override create(path: string): Promise<OpenFile> {
    return this.lock.run(async () => {
      await this.requireParentDir(path);
      const old = this.overlay.files.get(path);
      const file: LocalFile = { kind: 'local', id: await this.scratch.createFile(), size: 0, mtimeMs: Date.now(), opens: 0, dirty: true };
      this.overlay.setFile(path, file);
      if (old?.kind === 'local' && old.opens === 0) await this.scratch.remove(old.id);
      return this.handle(file, true);
    });
  }

  override truncate(path: string, size: number): Promise<void> {
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

  override async utimens(path: string, mtimeMs: number): Promise<void> {
    await this.stat(path);
    const staged = this.overlay.files.get(path);
    if (staged?.kind === 'local') staged.mtimeMs = mtimeMs;
  }

  override async setOwnerOrMode(path: string): Promise<void> {
    await this.stat(path);
  }

  override mkdir(path: string): Promise<void> {
    return this.lock.run(async () => {
      if (await this.lookup(path)) throw fsError('EEXIST');
      await this.requireParentDir(path);
      this.overlay.addDir(path, Date.now());
    });
  }

  override unlink(path: string): Promise<void> {
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

  override rmdir(path: string): Promise<void> {
    return this.lock.run(async () => {
      if (path === '/') throw fsError('EBUSY');
      const attr = await this.stat(path);
      if (attr.type !== 'dir') throw fsError('ENOTDIR');
      if ((await this.readdir(path)).length > 0) throw fsError('ENOTEMPTY');
      this.overlay.clearUnder(path);
      this.overlay.hide(path);
    });
  }

  override rename(from: string, to: string): Promise<void> {
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

  override flush(): Promise<CommitInfo | null> {
    return this.lock.run(() => this.gate.alone(() => this.flushNow()));
  }

  private async flushNow(): Promise<CommitInfo | null> {
    if (!this.overlay.needsFlush) return null;
    const { client } = this.opts;
    const target = `${this.repo}@${this.branch}`;
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
  override async close(): Promise<void> {
    await this.scratch.destroy();
  }
}
