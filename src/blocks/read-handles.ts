// Files kept open between ranged reads of the local block store. A file is
// read run after run (a download reads a pack in 4 MiB runs, several packs
// over and over when many readers share them), and an open and a close per
// run cost as much as a tenth of the read path's CPU (profile of GetChunks,
// docs/benchmarks.md). At most `max` idle handles are kept, least recently
// used closed first, and none longer than `idleMs` unused: a file deleted
// (or replaced) by another process keeps its disk space only while its
// handle is open. This process's own puts and deletes drop the handle at once.
//
// A kept handle reads the file as it was when opened. That is right for the
// objects read by range here: packs and index objects are named by their
// content and never rewritten in place (a rewrite is a new name).
import { open, type FileHandle } from 'node:fs/promises';

export interface ReadHandlesOptions {
  /** Idle handles kept open (default 32). */
  max?: number;
  /** An idle handle is closed after this long unused (default 5 s). */
  idleMs?: number;
}

interface Entry {
  handle: Promise<FileHandle>;
  users: number;
  lastUsed: number;
  /** Dropped from the map (forgotten or evicted): close once the last user is done. */
  dropped: boolean;
}

export class ReadHandles {
  private readonly entries = new Map<string, Entry>();
  private readonly max: number;
  private readonly idleMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: ReadHandlesOptions = {}) {
    this.max = opts.max ?? 32;
    this.idleMs = opts.idleMs ?? 5_000;
  }

  /** Runs `fn` with an open handle of `path` (opened once, kept for the next reads). */
  async use<T>(path: string, fn: (handle: FileHandle) => Promise<T>): Promise<T> {
    let entry = this.entries.get(path);
    if (entry) {
      this.entries.delete(path); // re-inserted below: the map's order is least recently used first
    } else {
      entry = { handle: open(path, 'r'), users: 0, lastUsed: 0, dropped: false };
    }
    this.entries.set(path, entry);
    entry.users++;
    try {
      let handle: FileHandle;
      try {
        handle = await entry.handle;
      } catch (err) {
        this.drop(path, entry); // not opened (absent, say): the next read tries again
        throw err;
      }
      return await fn(handle);
    } finally {
      entry.users--;
      entry.lastUsed = Date.now();
      if (entry.dropped) this.closeIfUnused(entry);
      this.evict();
      this.arm();
    }
  }

  /** The file at `path` changed or went (this process put or deleted it): reopen it next time. */
  forget(path: string): void {
    const entry = this.entries.get(path);
    if (entry) this.drop(path, entry);
  }

  /** Open handles, in use or idle (for tests). */
  get size(): number {
    return this.entries.size;
  }

  /** Closes every handle not in use; those in use close when their reads end. */
  async closeAll(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [path, entry] of [...this.entries]) this.drop(path, entry);
  }

  private drop(path: string, entry: Entry): void {
    if (this.entries.get(path) === entry) this.entries.delete(path);
    entry.dropped = true;
    this.closeIfUnused(entry);
  }

  private closeIfUnused(entry: Entry): void {
    if (entry.users !== 0) return; // in use, or closed already (-1)
    entry.users = -1;
    entry.handle.then((h) => h.close()).catch(() => undefined);
  }

  /** Closes the least recently used idle handles beyond `max`. */
  private evict(): void {
    let excess = this.entries.size - this.max;
    for (const [path, entry] of this.entries) {
      if (excess <= 0) break;
      if (entry.users > 0) continue;
      this.drop(path, entry);
      excess--;
    }
  }

  /** Closes idle handles once they have been unused for idleMs. */
  private arm(): void {
    if (this.timer || this.entries.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      for (const [path, entry] of [...this.entries]) if (entry.users === 0 && now - entry.lastUsed >= this.idleMs) this.drop(path, entry);
      this.arm();
    }, this.idleMs);
    this.timer.unref();
  }
}
