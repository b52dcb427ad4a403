// The files cache of `put -r` (as restic and borg keep one): for each local
// file put under a prefix of a branch, its size, mtime, ctime and inode when
// it was read, and the content hash it had in the commit that was made. A
// re-put trusts an entry whose stat is unchanged and whose commit is still
// the branch head (or, when the head moved, whose hash the head still has at
// that path), so an unchanged tree is neither read nor sent again.
//
// Correctness rests on the stat: a file whose size, mtime, ctime or inode
// changed is read again. A file modified within the same mtime tick as the
// read could keep its stat ("racy git"), so a file whose mtime is this close
// to the scan's start is never recorded and is read every time until it is older.
// A lost or unreadable cache file only costs a full read, never wrong content.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The stat fields an entry is checked against. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** Files modified this close to the scan's start are not recorded (see the header). */
export const RACY_MS = 2_000;

const FORMAT = 1;

type Entry = [size: number, mtimeMs: number, ctimeMs: number, ino: number, hash: string];

interface CacheFile {
  format: number;
  key: string;
  /** The commit the entries describe. */
  head: string;
  files: Record<string, Entry>;
}

/**
 * Which file holds the cache for one (branch, prefix, local directory). The
 * server's address is not part of the key: the same server may be reached
 * by several addresses, and a cache met by another server only costs a
 * listing, since entries are checked against that server's head (commit ids
 * are random, so another server's head never matches the recorded one).
 */
export function skipCacheFile(dir: string, parts: { target: string; prefix: string; localRoot: string }): string {
  const key = JSON.stringify([parts.target, parts.prefix, parts.localRoot]);
  return join(dir, 'put', `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
}

function sameStamp(e: Entry, st: FileStamp): boolean {
  return e[0] === st.size && e[1] === st.mtimeMs && e[2] === st.ctimeMs && e[3] === st.ino;
}

export class SkipCache {
  private readonly next: Record<string, Entry> = Object.create(null) as Record<string, Entry>;

  private constructor(
    private readonly path: string,
    private readonly key: string,
    /** The commit `files` describes; undefined when there is no usable cache. */
    readonly head: string | undefined,
    private files: Record<string, Entry>,
    private readonly scanStart: number,
  ) {}

  /** Loads the cache at `path` for `key` (anything unreadable or of another key is an empty cache). */
  static async load(path: string, key: string, scanStart = Date.now()): Promise<SkipCache> {
    let parsed: CacheFile | undefined;
    try {
      const doc = JSON.parse(await readFile(path, 'utf8')) as CacheFile;
      if (doc && doc.format === FORMAT && doc.key === key && typeof doc.head === 'string' && typeof doc.files === 'object') parsed = doc;
    } catch {
      // missing or damaged: start empty, every file is read
    }
    return new SkipCache(path, key, parsed?.head, parsed?.files ?? (Object.create(null) as Record<string, Entry>), scanStart);
  }

  /** Keeps only entries whose recorded hash `stillThere` confirms (the head moved since they were written). */
  revalidate(stillThere: (relative: string, hash: string) => boolean): void {
    const kept = Object.create(null) as Record<string, Entry>;
    for (const [rel, e] of Object.entries(this.files)) if (stillThere(rel, e[4])) kept[rel] = e;
    this.files = kept;
  }

  /** Number of entries loaded. */
  get size(): number {
    return Object.keys(this.files).length;
  }

  /** The recorded hash when `relative` is unchanged since it was put; undefined when it must be read. */
  unchanged(relative: string, st: FileStamp): string | undefined {
    const e = this.files[relative];
    return e && sameStamp(e, st) ? e[4] : undefined;
  }

  /**
   * The hash recorded for `relative`, whatever its stat now: after load (and
   * revalidate, when the head moved) every entry is a file of the branch
   * head with that hash, so a file read again can be compared with the head
   * without asking the server.
   */
  headHash(relative: string): string | undefined {
    return this.files[relative]?.[4];
  }

  /** Records a file as it is in the commit about to be made (not if its mtime is too recent to trust). */
  record(relative: string, st: FileStamp, hash: string): void {
    if (st.mtimeMs >= this.scanStart - RACY_MS) return;
    this.next[relative] = [st.size, st.mtimeMs, st.ctimeMs, st.ino, hash];
  }

  /** Writes what was recorded as the state of commit `head` (atomically: temp file, then rename). */
  async save(head: string): Promise<void> {
    const doc: CacheFile = { format: FORMAT, key: this.key, head, files: this.next };
    const tmp = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(tmp, JSON.stringify(doc));
      await rename(tmp, this.path);
    } catch {
      // A cache that cannot be written only makes the next put read everything.
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}
