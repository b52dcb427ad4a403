// Spilled puts of a one-off commit as sorted runs in local scratch files.
// A bulk load (an initial commit of a million files) used to spill its
// staging into the metadata store: a JSON record, a watch event and a
// tombstone per file, and a scan of them all at finish. Nothing of a
// one-off commit is visible before it lands, so its staging need not be in
// the shared store at all: each spill here is one sorted file, and finishing
// merges the files in one pass. The files live in the chunk store's scratch
// directory, which is emptied at open, so a crash leaves nothing behind.
//
// A run is a sequence of blocks `u32le(length) range`, each block an index
// range object (encoding.ts) of up to BLOCK_ENTRIES entries: a compact,
// checked encoding we already pin. Memory per run: one path per block.
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StrataError } from '../errors/index.ts';
import { decodeRange, encodeRange } from '../index/encoding.ts';
import type { FileEntry } from '../index/index.ts';
import { comparePaths } from '../index/paths.ts';

const BLOCK_ENTRIES = 512;

interface Run {
  fd: number;
  /** Byte offset of each block, plus the file's end. */
  offsets: number[];
  /** First path of each block, for lookups. */
  firsts: string[];
}

export class StageRuns {
  private readonly runs: Run[] = [];
  private readonly header = Buffer.allocUnsafe(4);

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  get count(): number {
    return this.runs.length;
  }

  /** Writes entries (strictly increasing paths) as a new run, newer than every earlier run. */
  write(entries: readonly FileEntry[]): void {
    if (entries.length === 0) return;
    const fd = openSync(join(this.dir, `run-${this.runs.length}`), 'w+');
    const run: Run = { fd, offsets: [], firsts: [] };
    this.runs.push(run);
    let at = 0;
    for (let i = 0; i < entries.length; i += BLOCK_ENTRIES) {
      const block = encodeRange(entries.slice(i, i + BLOCK_ENTRIES));
      this.header.writeUInt32LE(block.length, 0);
      run.offsets.push(at);
      run.firsts.push(entries[i]!.path);
      at += writeAll(fd, this.header, at);
      at += writeAll(fd, block, at);
    }
    run.offsets.push(at);
  }

  /** The newest spilled put of `path`, reading one block per run at most. */
  lookup(path: string): FileEntry | undefined {
    for (let r = this.runs.length - 1; r >= 0; r--) {
      const run = this.runs[r]!;
      const b = lastAtOrBefore(run.firsts, path);
      if (b < 0) continue;
      const found = this.block(run, b).find((e) => e.path === path);
      if (found) return found;
    }
    return undefined;
  }

  /** Every spilled put in path order; of several puts of one path, the newest. */
  *merged(): Generator<FileEntry> {
    const heap = new CursorHeap(this.runs.map((run, r) => new RunCursor(this, run, r)).filter((c) => c.head !== undefined));
    let last: string | undefined;
    for (let top = heap.peek(); top !== undefined; top = heap.peek()) {
      const e = top.head!;
      // The heap yields equal paths newest run first; older copies are dropped.
      if (e.path !== last) yield e;
      last = e.path;
      top.advance();
      heap.fix();
    }
  }

  /** Deletes the files; the runs are unusable afterwards. */
  close(): void {
    for (const run of this.runs.splice(0)) closeSync(run.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Decodes block `b` of a run. */
  block(run: Run, b: number): FileEntry[] {
    const start = run.offsets[b]!;
    const bytes = Buffer.allocUnsafe(run.offsets[b + 1]! - start);
    readAll(run.fd, bytes, start);
    return decodeRange(bytes.subarray(4), `staging spill block ${b}`);
  }

  blocks(run: Run): number {
    return run.firsts.length;
  }
}

/** Reads one run block by block. */
class RunCursor {
  head: FileEntry | undefined;
  private entries: FileEntry[] = [];
  private i = 0;
  private b = 0;

  constructor(private readonly owner: StageRuns, private readonly run: Run, readonly age: number) {
    this.advance();
  }

  advance(): void {
    if (this.i >= this.entries.length) {
      if (this.b >= this.owner.blocks(this.run)) {
        this.head = undefined;
        return;
      }
      this.entries = this.owner.block(this.run, this.b++);
      this.i = 0;
    }
    this.head = this.entries[this.i++];
  }
}

/** A binary min-heap of cursors by head path; on equal paths the newer run comes first. */
class CursorHeap {
  constructor(private readonly items: RunCursor[]) {
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  peek(): RunCursor | undefined {
    return this.items[0];
  }

  /** Restores order after the top cursor advanced (and drops it when exhausted). */
  fix(): void {
    if (this.items[0]!.head === undefined) {
      const last = this.items.pop()!;
      if (this.items.length === 0) return;
      this.items[0] = last;
    }
    this.down(0);
  }

  private less(a: RunCursor, b: RunCursor): boolean {
    const c = comparePaths(a.head!.path, b.head!.path);
    return c < 0 || (c === 0 && a.age > b.age);
  }

  private down(i: number): void {
    const items = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && this.less(items[l]!, items[m]!)) m = l;
      if (r < items.length && this.less(items[r]!, items[m]!)) m = r;
      if (m === i) return;
      [items[i], items[m]] = [items[m]!, items[i]!];
      i = m;
    }
  }
}

/** Index of the last first-path at or before `path`, or -1. */
function lastAtOrBefore(firsts: readonly string[], path: string): number {
  let lo = 0;
  let hi = firsts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePaths(firsts[mid]!, path) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function writeAll(fd: number, bytes: Uint8Array, at: number): number {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, at + done);
  return bytes.length;
}

function readAll(fd: number, into: Buffer, at: number): void {
  for (let done = 0; done < into.length; ) {
    const n = readSync(fd, into, done, into.length - done, at + done);
    if (n === 0) throw new StrataError('INTERNAL', `staging spill file ended early at byte ${at + done}`);
    done += n;
  }
}
