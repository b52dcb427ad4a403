// The changes a writable mount has staged over its base commit, kept in
// memory (file contents live in scratch files, see scratch.ts). The view of
// a path is, in order:
//   1. a staged file (new content, or a base file under a new name);
//   2. a directory made here, or a base directory moved here (`moved`);
//   3. else the base commit, at the path `baseOf` translates it to: walking
//      up from the path, the nearest ancestor that was moved redirects it
//      into the moved directory's old place, and the nearest one that was
//      deleted (`deleted`) hides it.
// A rename of a directory is one entry, whatever its size; the flush plan
// (flush-plan.ts) turns it into copies by reference.
import { baseName, joinPath, parentOf } from './commit-tree.ts';

/** New bytes in a scratch file. */
export interface LocalFile {
  kind: 'local';
  /** Scratch file name. */
  id: string;
  size: number;
  mtimeMs: number;
  /** Open handles; the scratch file outlives an unlink while some are open. */
  opens: number;
  /** Written since the last flush (a file kept open across a flush is put again only if so). */
  dirty: boolean;
  /** No longer staged at any path (unlinked or replaced): its scratch file goes at the last close. */
  gone?: boolean;
}

/** A base file shown under another name (a rename), copied by reference at flush. */
export interface RefFile {
  kind: 'ref';
  basePath: string;
  size: number;
  hash: string;
  mtimeMs: number;
}

export type StagedFile = LocalFile | RefFile;

/** Whether `path` is `dir` or under it. */
export function isWithin(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

function rebase(path: string, from: string, to: string): string {
  return path === from ? to : joinPath(to, path.slice(from === '/' ? 1 : from.length + 1));
}

export class Overlay {
  readonly files = new Map<string, StagedFile>();
  /** Directories made with mkdir (path -> mtime). */
  readonly dirs = new Map<string, number>();
  /** Base directories shown elsewhere: new path -> path in the base commit. */
  readonly moved = new Map<string, string>();
  /** Paths whose base content is hidden (and deleted at flush). */
  readonly deleted = new Set<string>();
  /** Names added under each directory by the three maps above. */
  private readonly kids = new Map<string, Set<string>>();

  /** Whether any base path is shadowed, hidden or moved (else the base shows as it is). */
  get shadowsBase(): boolean {
    return this.files.size > 0 || this.moved.size > 0 || this.deleted.size > 0;
  }

  /** Whether a flush has anything to commit. */
  get needsFlush(): boolean {
    if (this.moved.size > 0 || this.deleted.size > 0) return true;
    for (const f of this.files.values()) if (f.kind === 'ref' || f.dirty) return true;
    return false;
  }

  /** The base path showing at `path`, or undefined when the base is hidden there. */
  baseOf(path: string): string | undefined {
    for (let p = path; ; p = parentOf(p)) {
      const from = this.moved.get(p);
      if (from !== undefined) return rebase(path, p, from);
      if (this.deleted.has(p)) return undefined;
      if (p === '/') return path;
    }
  }

  /** Names this overlay adds directly under `dir`. */
  childrenOf(dir: string): Iterable<string> {
    return this.kids.get(dir) ?? [];
  }

  /** Whether any change lies strictly under `dir`. */
  hasChangesUnder(dir: string): boolean {
    const under = (p: string): boolean => p !== dir && isWithin(p, dir);
    for (const p of this.files.keys()) if (under(p)) return true;
    for (const p of this.moved.keys()) if (under(p)) return true;
    for (const p of this.deleted) if (under(p)) return true;
    return false;
  }

  setFile(path: string, file: StagedFile): void {
    const old = this.files.get(path);
    if (old?.kind === 'local' && old !== file) old.gone = true;
    if (file.kind === 'local') file.gone = false;
    this.files.set(path, file);
    this.addKid(path);
  }

  removeFile(path: string): void {
    const old = this.files.get(path);
    if (!old) return;
    if (old.kind === 'local') old.gone = true;
    this.files.delete(path);
    this.dropKid(path);
  }

  addDir(path: string, mtimeMs: number): void {
    this.dirs.set(path, mtimeMs);
    this.addKid(path);
  }

  setMoved(path: string, basePath: string): void {
    this.moved.set(path, basePath);
    this.addKid(path);
  }

  hide(path: string): void {
    this.deleted.add(path);
  }

  /** Forgets every change at or under `dir` except deletions (the caller hides `dir` itself). */
  clearUnder(dir: string): void {
    for (const map of [this.files, this.dirs, this.moved] as Map<string, unknown>[]) {
      for (const p of [...map.keys()]) {
        if (!isWithin(p, dir)) continue;
        const v = map.get(p) as StagedFile | undefined;
        if (map === this.files && v?.kind === 'local') v.gone = true;
        map.delete(p);
        this.dropKid(p);
      }
    }
    for (const p of [...this.deleted]) if (p !== dir && isWithin(p, dir)) this.deleted.delete(p);
  }

  /** Moves every change at or under `from` to the same place under `to`. */
  moveUnder(from: string, to: string): void {
    for (const map of [this.files, this.dirs, this.moved] as Map<string, unknown>[]) {
      for (const [p, v] of [...map.entries()]) {
        if (!isWithin(p, from)) continue;
        map.delete(p);
        this.dropKid(p);
        map.set(rebase(p, from, to), v);
        this.addKid(rebase(p, from, to));
      }
    }
    for (const p of [...this.deleted]) {
      if (p === from || !isWithin(p, from)) continue;
      this.deleted.delete(p);
      this.deleted.add(rebase(p, from, to));
    }
  }

  /** After a flush: the base now holds every change; only files still open for writing stay staged. */
  committed(keep: (path: string, file: StagedFile) => boolean): void {
    for (const [p, f] of [...this.files]) if (!keep(p, f)) this.removeFile(p);
    for (const p of [...this.moved.keys()]) {
      this.moved.delete(p);
      if (!this.dirs.has(p)) this.dropKid(p);
    }
    this.deleted.clear();
  }

  private addKid(path: string): void {
    if (path === '/') return;
    const dir = parentOf(path);
    let set = this.kids.get(dir);
    if (!set) this.kids.set(dir, (set = new Set()));
    set.add(baseName(path));
  }

  private dropKid(path: string): void {
    if (this.files.has(path) || this.dirs.has(path) || this.moved.has(path)) return;
    const dir = parentOf(path);
    const set = this.kids.get(dir);
    set?.delete(baseName(path));
    if (set?.size === 0) this.kids.delete(dir);
  }
}
