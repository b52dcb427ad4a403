// The mount's bounded on-disk chunk cache, keyed by chunk hash: a chunk read
// once is served locally from then on, whichever file or commit holds it
// (equal chunks are one entry). Chunks are appended to pack files
// (chunk-packs.ts), many per write; when the cache passes its size the least
// recently used pack is deleted whole. A small in-memory layer keeps the
// chunks being read right now (and prefetched ones) off the disk.
//
// Integrity: a chunk enters the cache only after its bytes hashed to its
// name (the fetcher checks); a chunk read back from disk is checked again
// (once per process), and a bad one is dropped and reported missing, so a
// damaged cache heals by fetching again instead of serving wrong bytes.
import { close, open, read, writev } from 'node:fs';
import { mkdir, readdir, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hashChunk } from '../../src/chunking/index.ts';
import { StrataError } from '../../src/errors/index.ts';
import { LruCache } from '../../src/index/lru-cache.ts';
import { newPackName, PACK_MAGIC, PACK_SUFFIX, recordHeader, RECORD_HEADER_BYTES, scanPack } from './chunk-packs.ts';

/**
 * A chunk's bytes: one buffer (read from disk, a small file fetched whole),
 * or the pieces it arrived in from the server (kept as they are: joining
 * them would copy every byte read once more).
 */
export type ChunkBytes = Buffer | readonly Buffer[];

export function chunkLength(data: ChunkBytes): number {
  if (Buffer.isBuffer(data)) return data.length;
  let n = 0;
  for (const p of data) n += p.length;
  return n;
}

/** Copies bytes [from, to) of the chunk into `target` at `at`; returns the count. */
export function copyChunk(data: ChunkBytes, target: Buffer, at: number, from: number, to: number): number {
  if (Buffer.isBuffer(data)) return data.copy(target, at, from, to);
  let pos = 0;
  let put = 0;
  for (const p of data) {
    const end = pos + p.length;
    if (end > from && pos < to) put += p.copy(target, at + put, Math.max(from, pos) - pos, Math.min(to, end) - pos);
    pos = end;
    if (pos >= to) break;
  }
  return put;
}

export interface ChunkCacheOptions {
  dir: string;
  /** Bytes the cache may hold on disk. */
  maxBytes: number;
  /** Bytes of chunks kept in memory (default: 128 MiB or maxBytes if smaller). */
  memoryBytes?: number;
  log?: (msg: string) => void;
}

export interface ChunkCacheStats {
  memoryHits: number;
  diskHits: number;
  misses: number;
  diskBytes: number;
  evicted: number;
  corrupt: number;
}

// The callback forms: a FileHandle costs more than the small reads and writes themselves.
const openFd = promisify(open);
const closeFd = promisify(close);
const readFd = promisify(read);
const writevFd = promisify(writev);

/** Bytes of chunks waiting for their write; more are not written (it is a cache), so memory stays bounded. */
const MAX_QUEUED_BYTES = 32 << 20;
/** A pack's size: a sixteenth of the cache, so deleting one whole frees little at a time, at most 64 MiB. */
const packBytesFor = (maxBytes: number): number => Math.max(64 << 10, Math.min(64 << 20, Math.floor(maxBytes / 16)));

interface Pack {
  path: string;
  /** Bytes in the file (written, or being written by this process). */
  bytes: number;
  hashes: string[];
  fd?: Promise<number>;
  /** Reads under way (the file is closed only when none is). */
  readers: number;
  evicted: boolean;
}

interface Slot {
  pack: Pack;
  offset: number;
  size: number;
}

export class ChunkCache {
  private readonly memory: LruCache<ChunkBytes>;
  private readonly disk = new Map<string, Slot>();
  /** Packs, least recently used first (a Map keeps insertion order). */
  private readonly packs = new Map<Pack, true>();
  private diskBytes = 0;
  private readonly verified = new Set<string>();
  private readonly packBytes: number;
  /** The pack this process appends to. */
  private current: Pack | undefined;
  private packSeq = 0;
  private queue: { hash: string; data: ChunkBytes; size: number }[] = [];
  private readonly queued = new Set<string>();
  private queuedBytes = 0;
  private writing: Promise<void> | undefined;
  private scanned: Promise<void> = Promise.resolve();
  readonly stats: ChunkCacheStats = { memoryHits: 0, diskHits: 0, misses: 0, diskBytes: 0, evicted: 0, corrupt: 0 };

  private constructor(private readonly opts: ChunkCacheOptions) {
    this.memory = new LruCache<ChunkBytes>(opts.memoryBytes ?? Math.min(128 << 20, opts.maxBytes));
    this.packBytes = packBytesFor(opts.maxBytes);
  }

  /** Opens (creating) the cache directory; chunks already there are found in the background. */
  static async open(opts: ChunkCacheOptions): Promise<ChunkCache> {
    if (!Number.isSafeInteger(opts.maxBytes) || opts.maxBytes <= 0) {
      throw new StrataError('INVALID_ARGUMENT', `the chunk cache size must be a positive number of bytes, got ${opts.maxBytes}`, { maxBytes: opts.maxBytes });
    }
    // Only its owner may read it: the chunks are repo bytes their token was allowed to read (docs/security.md).
    await mkdir(opts.dir, { recursive: true, mode: 0o700 });
    const cache = new ChunkCache(opts);
    cache.scanned = cache.scan().catch((err: unknown) => opts.log?.(`chunk cache: scanning ${opts.dir} failed: ${String(err)}`));
    return cache;
  }

  /** Whether the chunk can be had without the server (memory or disk). */
  has(hash: string): boolean {
    return this.memory.get(hash) !== undefined || this.disk.has(hash);
  }

  /** The chunk from memory, without touching the disk. */
  peek(hash: string): ChunkBytes | undefined {
    const hit = this.memory.get(hash);
    if (hit) this.stats.memoryHits++;
    return hit;
  }

  /**
   * The chunk's bytes in one buffer, or undefined when it is not cached (or
   * its cached copy was bad). Readers that copy on ask peek() first, which
   * hands a chunk held in memory over as it is.
   */
  async get(hash: string): Promise<Buffer | undefined> {
    const hit = this.peek(hash);
    if (hit) return Buffer.isBuffer(hit) ? hit : Buffer.concat(hit);
    const slot = this.disk.get(hash);
    const data = slot && (await this.readDisk(hash, slot));
    if (!data) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.diskHits++;
    this.memory.set(hash, data, data.length);
    return data;
  }

  private async readDisk(hash: string, slot: Slot): Promise<Buffer | undefined> {
    const { pack } = slot;
    this.packs.delete(pack);
    this.packs.set(pack, true); // used now: the last to be deleted
    pack.readers++;
    const data = Buffer.allocUnsafeSlow(slot.size);
    try {
      const fd = await (pack.fd ??= openFd(pack.path, 'r'));
      if ((await readFd(fd, data, 0, slot.size, slot.offset)).bytesRead !== slot.size) throw new Error('short read');
    } catch {
      this.forget(hash);
      return undefined;
    } finally {
      if (--pack.readers === 0 && pack.evicted) this.closePack(pack);
    }
    if (!this.verified.has(hash)) {
      if (hashChunk(data).toString('hex') !== hash) {
        this.stats.corrupt++;
        this.opts.log?.(`chunk cache: ${hash} on disk is damaged; dropped it (it will be fetched again)`);
        this.forget(hash);
        return undefined;
      }
      this.verified.add(hash);
    }
    return data;
  }

  /**
   * Adds a verified chunk: to memory now, to disk behind the caller's back
   * (many chunks a write), unless `disk: false` (memory only).
   */
  put(hash: string, data: ChunkBytes, opts: { disk?: boolean } = {}): void {
    const size = chunkLength(data);
    this.memory.set(hash, data, size);
    this.verified.add(hash);
    if (opts.disk === false) return;
    if (this.disk.has(hash) || this.queued.has(hash) || size > this.opts.maxBytes) return;
    if (this.queuedBytes + size > MAX_QUEUED_BYTES) return;
    this.queue.push({ hash, data, size });
    this.queued.add(hash);
    this.queuedBytes += size;
    this.writing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.writeQueued());
  }

  /** Settles once every chunk put so far is on disk (or given up on). */
  async settled(): Promise<void> {
    await this.scanned;
    while (this.writing) await this.writing;
  }

  /** Writes what is queued, a pack's worth a write, until nothing is. */
  private async writeQueued(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        let pack: Pack;
        try {
          pack = await this.packFor(this.queue[0]!.size);
        } catch (err) {
          this.opts.log?.(`chunk cache: cannot make a pack in ${this.opts.dir}: ${String(err)}`);
          this.queue = [];
          this.queued.clear();
          this.queuedBytes = 0;
          return;
        }
        const bufs: Buffer[] = [];
        const slots: { hash: string; slot: Slot }[] = [];
        const start = pack.bytes;
        if (start === 0) bufs.push(PACK_MAGIC), (pack.bytes += PACK_MAGIC.length);
        let n = 0;
        for (const { hash, data, size } of this.queue) {
          if (slots.length > 0 && pack.bytes + RECORD_HEADER_BYTES + size > this.packBytes) break;
          bufs.push(recordHeader(hash, size));
          if (Buffer.isBuffer(data)) bufs.push(data);
          else bufs.push(...data);
          slots.push({ hash, slot: { pack, offset: pack.bytes + RECORD_HEADER_BYTES, size } });
          pack.bytes += RECORD_HEADER_BYTES + size;
          n++;
        }
        const batch = this.queue.splice(0, n);
        try {
          await writevFd(await pack.fd!, bufs, start);
        } catch (err) {
          this.opts.log?.(`chunk cache: cannot write to ${pack.path}: ${String(err)}`);
          pack.bytes = start;
          this.current = undefined; // a new pack next time
        }
        for (const { hash, size } of batch) this.queued.delete(hash), (this.queuedBytes -= size);
        if (this.current !== pack) continue;
        for (const { hash, slot } of slots) this.disk.set(hash, slot), pack.hashes.push(hash);
        this.diskBytes += pack.bytes - start;
        this.stats.diskBytes = this.diskBytes;
        await this.evict();
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** The pack to append `size` bytes to: the current one, or a new one when it is full. */
  private async packFor(size: number): Promise<Pack> {
    const cur = this.current;
    if (cur && !cur.evicted && (cur.bytes === 0 || cur.bytes + RECORD_HEADER_BYTES + size <= this.packBytes)) return cur;
    const path = join(this.opts.dir, newPackName(this.packSeq++));
    const pack: Pack = { path, bytes: 0, hashes: [], readers: 0, evicted: false, fd: Promise.resolve(await openFd(path, 'wx+', 0o600)) };
    this.current = pack;
    this.packs.set(pack, true);
    return pack;
  }

  private forget(hash: string): void {
    this.disk.delete(hash);
    this.verified.delete(hash);
  }

  private closePack(pack: Pack): void {
    const fd = pack.fd;
    pack.fd = undefined;
    void fd?.then((n) => closeFd(n)).catch(() => undefined);
  }

  /** Deletes a pack and forgets its chunks (reads under way finish first on the open file). */
  private async removePack(pack: Pack): Promise<void> {
    this.packs.delete(pack);
    pack.evicted = true;
    for (const h of pack.hashes) if (this.disk.get(h)?.pack === pack) this.disk.delete(h);
    this.diskBytes -= pack.bytes;
    this.stats.diskBytes = this.diskBytes;
    this.stats.evicted += pack.hashes.length;
    if (this.current === pack) this.current = undefined;
    if (pack.readers === 0) this.closePack(pack);
    await unlink(pack.path).catch(() => undefined);
  }

  private async evict(): Promise<void> {
    await this.scanned;
    for (const pack of this.packs.keys()) {
      if (this.diskBytes <= this.opts.maxBytes) break;
      if (pack === this.current) continue;
      await this.removePack(pack);
    }
  }

  /** Finds the packs a previous mount (or another one) left, oldest first (by modification time). */
  private async scan(): Promise<void> {
    const found: { pack: Pack; chunks: { hash: string; offset: number; size: number }[]; mtimeMs: number }[] = [];
    for (const name of await readdir(this.opts.dir).catch(() => [] as string[])) {
      const path = join(this.opts.dir, name);
      // Chunk files of the layout before packs (a 2-hex directory each): it is a cache, they go.
      if (/^[0-9a-f]{2}$/.test(name)) await rm(path, { recursive: true, force: true });
      if (!name.endsWith(PACK_SUFFIX) || [...this.packs.keys()].some((p) => p.path === path)) continue; // not its own
      const [st, scanned] = await Promise.all([stat(path), scanPack(path)]).catch(() => [undefined, undefined]);
      if (!st || !scanned) continue;
      found.push({ pack: { path, bytes: st.size, hashes: [], readers: 0, evicted: false }, chunks: scanned.chunks, mtimeMs: st.mtimeMs });
    }
    found.sort((a, b) => a.mtimeMs - b.mtimeMs);
    // Packs written by this process while scanning are newer: keep them last.
    const own = [...this.packs.keys()];
    this.packs.clear();
    for (const { pack, chunks } of found) {
      this.packs.set(pack, true);
      this.diskBytes += pack.bytes;
      for (const c of chunks) {
        pack.hashes.push(c.hash);
        if (!this.disk.has(c.hash)) this.disk.set(c.hash, { pack, offset: c.offset, size: c.size });
      }
    }
    for (const p of own) this.packs.set(p, true);
    this.stats.diskBytes = this.diskBytes;
    await this.evictScanned();
  }

  private async evictScanned(): Promise<void> {
    for (const pack of this.packs.keys()) {
      if (this.diskBytes <= this.opts.maxBytes) break;
      if (pack !== this.current) await this.removePack(pack);
    }
  }
}
