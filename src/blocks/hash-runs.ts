// A map from 32-byte hashes to fixed-size values whose memory is bounded by
// configuration, not by how many entries it holds: new entries collect in a
// small in-memory table; when it is full it is written, sorted, to a run file
// on disk, and runs are merged once there are too many. In memory each run
// keeps only a Bloom filter (~10 bits a key) and the first key of every 4 KiB
// block, so a lookup reads at most one block per run, and a key that is not
// there usually reads nothing. Lookups are synchronous (pread of one block,
// normally from the page cache), which keeps the chunk store's has/locate
// calls synchronous for the hot write path.
//
// The files are scratch: the owner rebuilds them from durable data at open,
// so they need no fsync and no crash recovery of their own.
import { closeSync, mkdirSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HashFilter } from './hash-filter.ts';

export const KEY_BYTES = 32;
const BLOCK_BYTES = 4096;

/** What a lookup does with one stored value, newest first: take it, look at older ones, or report absent. */
export type Resolution = 'use' | 'skip' | 'stop';

export interface HashRunsOptions {
  /** A directory only this map uses; made when the first run is written, removed at close. */
  dir: string;
  valueBytes: number;
  /** Entries held in memory before they are written out as a run. */
  memEntries: number;
  /** Runs kept before they are merged into one. */
  maxRuns?: number;
  /** Decides which of several values stored for a key counts (default: the newest). */
  resolve?: (value: Buffer) => Resolution;
}

export interface HashRunsMemory {
  /** Entries in the in-memory table (bounded by memEntries). */
  memEntries: number;
  runs: number;
  /** Entries in run files (duplicates and shadowed entries included until a merge). */
  diskEntries: number;
  /** Bytes of filters and block fences held for the runs. */
  runIndexBytes: number;
}

interface Run {
  path: string;
  fd: number;
  count: number;
  /** First key of every block, back to back. */
  fences: Buffer;
  filter: HashFilter;
  /** The map's own reference plus one per open iteration; the fd closes at zero. */
  refs: number;
  /**
   * The block read last and its number: lookups in key order (a commit
   * proving its chunks durable, sorted) then read each block once.
   */
  block?: Buffer;
  blockNo: number;
}

const useNewest = (): Resolution => 'use';
const EMPTY = Buffer.alloc(0);

export class HashRuns {
  private readonly mem = new Map<string, Buffer>();
  private runs: Run[] = []; // newest first
  private readonly record: number;
  private readonly perBlock: number;
  private readonly maxRuns: number;
  private readonly resolve: (value: Buffer) => Resolution;
  private seq = 0;
  /**
   * The directory is made at the first spill, not here: most sets (a small
   * commit's durable set) never spill, and a mkdir plus a recursive rmSync
   * per commit cost about 6 ms of CPU each (bench/scale.ts --cpu-prof).
   */
  private dirMade = false;

  constructor(private readonly opts: HashRunsOptions) {
    this.record = KEY_BYTES + opts.valueBytes;
    this.perBlock = Math.max(1, Math.floor(BLOCK_BYTES / this.record));
    this.maxRuns = opts.maxRuns ?? 8;
    this.resolve = opts.resolve ?? useNewest;
  }

  memory(): HashRunsMemory {
    let diskEntries = 0;
    let runIndexBytes = 0;
    for (const r of this.runs) {
      diskEntries += r.count;
      runIndexBytes += r.fences.byteLength + r.filter.byteLength + (r.block?.byteLength ?? 0);
    }
    return { memEntries: this.mem.size, runs: this.runs.length, diskEntries, runIndexBytes };
  }

  /** Stores a value for the key; it shadows every older value. */
  set(key: Uint8Array, value: Uint8Array = EMPTY): void {
    let v = EMPTY; // a set (no values) shares one empty value
    if (this.opts.valueBytes > 0) {
      v = Buffer.allocUnsafe(this.opts.valueBytes);
      v.set(value.subarray(0, this.opts.valueBytes));
    }
    this.mem.set(keyString(key), v);
    if (this.mem.size >= this.opts.memEntries) this.spill();
  }

  get(key: Uint8Array): Buffer | undefined {
    const k = Buffer.from(key.buffer, key.byteOffset, KEY_BYTES);
    const hit = this.mem.get(keyString(k));
    if (hit) {
      const r = this.resolve(hit);
      if (r === 'use') return hit;
      if (r === 'stop') return undefined;
    }
    for (const run of this.runs) {
      const v = this.find(run, k);
      if (!v) continue;
      const r = this.resolve(v);
      if (r === 'use') return v;
      if (r === 'stop') return undefined;
    }
    return undefined;
  }

  /** Every key with the value that counts, in ascending key order; changes made meanwhile are not seen. */
  *entries(): Generator<[Buffer, Buffer]> {
    const memSorted = [...this.mem.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const runs = [...this.runs];
    for (const r of runs) r.refs++;
    try {
      yield* this.merge([new MemCursor(memSorted), ...runs.map((r) => new RunCursor(r, this.record))]);
    } finally {
      for (const r of runs) this.release(r);
    }
  }

  close(): void {
    for (const r of this.runs) this.release(r);
    this.runs = [];
    this.mem.clear();
    if (this.dirMade) rmSync(this.opts.dir, { recursive: true, force: true });
    this.dirMade = false;
  }

  /** Writes the in-memory table out as a run. */
  spill(): void {
    if (this.mem.size === 0) return;
    const keys = [...this.mem.keys()].sort();
    const out = Buffer.allocUnsafe(keys.length * this.record);
    keys.forEach((k, i) => {
      out.write(k, i * this.record, KEY_BYTES, 'latin1');
      this.mem.get(k)!.copy(out, i * this.record + KEY_BYTES);
    });
    const writer = this.newRun(keys.length);
    writer.write(out);
    this.runs.unshift(writer.finish());
    this.mem.clear();
    if (this.runs.length > this.maxRuns) this.compact();
  }

  /** Merges every run into one, keeping only the value that counts for each key. */
  private compact(): void {
    const old = this.runs;
    const writer = this.newRun(old.reduce((n, r) => n + r.count, 0));
    for (const r of old) r.refs++;
    const rec = Buffer.allocUnsafe(this.record);
    for (const [key, value] of this.merge(old.map((r) => new RunCursor(r, this.record)))) {
      key.copy(rec, 0);
      value.copy(rec, KEY_BYTES);
      writer.write(rec);
    }
    this.runs = [writer.finish()];
    for (const r of old) {
      unlinkSync(r.path); // open iterations keep reading through their fd
      this.release(r);
      this.release(r);
    }
  }

  private *merge(cursors: Cursor[]): Generator<[Buffer, Buffer]> {
    // Few sources (the table and at most maxRuns + 1 runs), so a linear scan for the least key is enough.
    const live = cursors.filter((c) => c.key !== undefined);
    while (live.length > 0) {
      let least = live[0]!.key!;
      for (let i = 1; i < live.length; i++) if (live[i]!.key!.compare(least) < 0) least = live[i]!.key!;
      const key = Buffer.from(least);
      let chosen: Buffer | undefined;
      let decided = false;
      for (let i = 0; i < live.length; i++) {
        const c = live[i]!;
        if (c.key!.compare(key) !== 0) continue;
        if (!decided) {
          const r = this.resolve(c.value!);
          if (r === 'use') chosen = Buffer.from(c.value!);
          if (r !== 'skip') decided = true;
        }
        c.next();
        if (c.key === undefined) live.splice(i--, 1);
      }
      if (chosen) yield [key, chosen];
    }
  }

  private find(run: Run, key: Buffer): Buffer | undefined {
    if (!run.filter.mayHave(key)) return undefined;
    const blocks = run.fences.length / KEY_BYTES;
    let lo = 0;
    let hi = blocks - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (run.fences.compare(key, 0, KEY_BYTES, mid * KEY_BYTES, (mid + 1) * KEY_BYTES) <= 0) lo = mid;
      else hi = mid - 1;
    }
    if (run.fences.compare(key, 0, KEY_BYTES, lo * KEY_BYTES, (lo + 1) * KEY_BYTES) > 0) return undefined;
    const n = Math.min(this.perBlock, run.count - lo * this.perBlock);
    if (run.blockNo !== lo || run.block === undefined) {
      run.block ??= Buffer.allocUnsafe(this.perBlock * this.record);
      run.blockNo = -1; // a failed read leaves no stale block behind
      readFully(run.fd, run.block, n * this.record, lo * this.perBlock * this.record);
      run.blockNo = lo;
    }
    const block = run.block;
    let a = 0;
    let b = n - 1;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      const at = mid * this.record;
      const c = block.compare(key, 0, KEY_BYTES, at, at + KEY_BYTES);
      if (c === 0) return Buffer.from(block.subarray(at + KEY_BYTES, at + this.record));
      if (c < 0) a = mid + 1;
      else b = mid - 1;
    }
    return undefined;
  }

  private newRun(expected: number): RunWriter {
    if (!this.dirMade) {
      mkdirSync(this.opts.dir, { recursive: true });
      this.dirMade = true;
    }
    return new RunWriter(join(this.opts.dir, `run-${++this.seq}`), this.record, this.perBlock, expected);
  }

  private release(run: Run): void {
    if (--run.refs === 0) closeSync(run.fd);
  }
}

function keyString(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, KEY_BYTES).toString('latin1');
}

function readFully(fd: number, into: Buffer, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, done, length - done, position + done);
    if (n === 0) throw new Error(`chunk index run ended early at byte ${position + done}`);
    done += n;
  }
}

/** Writes sorted records to a new run file, building its fences and filter as they pass. */
class RunWriter {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private count = 0;
  private readonly fences: Buffer[] = [];
  private readonly filter: HashFilter;

  constructor(
    private readonly path: string,
    private readonly record: number,
    private readonly perBlock: number,
    expected: number,
  ) {
    this.fd = openSync(path, 'w+');
    this.filter = new HashFilter(expected);
  }

  /** Appends whole records (sorted, after every record written before). */
  write(records: Buffer): void {
    for (let at = 0; at < records.length; at += this.record) {
      if (this.count % this.perBlock === 0) this.fences.push(Buffer.from(records.subarray(at, at + KEY_BYTES)));
      this.filter.add(records, at);
      this.count++;
    }
    if (this.used + records.length > this.buf.length) this.drain();
    if (records.length > this.buf.length) writeAll(this.fd, records);
    else this.used += records.copy(this.buf, this.used);
  }

  finish(): Run {
    this.drain();
    return { path: this.path, fd: this.fd, count: this.count, fences: Buffer.concat(this.fences), filter: this.filter, refs: 1, blockNo: -1 };
  }

  private drain(): void {
    writeAll(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }
}

function writeAll(fd: number, data: Buffer): void {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done);
}

interface Cursor {
  key: Buffer | undefined;
  value: Buffer | undefined;
  next(): void;
}

class MemCursor implements Cursor {
  key: Buffer | undefined;
  value: Buffer | undefined;
  private i = -1;

  constructor(private readonly sorted: [string, Buffer][]) {
    this.next();
  }

  next(): void {
    const e = this.sorted[++this.i];
    this.key = e ? Buffer.from(e[0], 'latin1') : undefined;
    this.value = e?.[1];
  }
}

/** Reads a run front to back, 64 KiB at a time. */
class RunCursor implements Cursor {
  key: Buffer | undefined;
  value: Buffer | undefined;
  private readonly buf: Buffer;
  private have = 0;
  private at = 0;
  private index = -1;

  constructor(
    private readonly run: Run,
    private readonly record: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(1, Math.floor((64 << 10) / record)) * record);
    this.next();
  }

  next(): void {
    if (++this.index >= this.run.count) {
      this.key = this.value = undefined;
      return;
    }
    this.at += this.record;
    if (this.at >= this.have) {
      const left = (this.run.count - this.index) * this.record;
      this.have = Math.min(this.buf.length, left);
      readFully(this.run.fd, this.buf, this.have, this.index * this.record);
      this.at = 0;
    }
    this.key = this.buf.subarray(this.at, this.at + KEY_BYTES);
    this.value = this.buf.subarray(this.at + KEY_BYTES, this.at + this.record);
  }
}
