// The mount's bounded on-disk chunk cache, named by chunk hash: a chunk read
// once is served locally from then on, whichever file or commit holds it
// (equal chunks are one entry). Least recently used chunks are deleted when
// the cache passes its size. A small in-memory layer keeps the chunks being
// read right now (and prefetched ones) off the disk.
//
// Integrity: a chunk enters the cache only after its bytes hashed to its
// name (the fetcher checks); a chunk read back from disk is checked again
// (once per process), and a bad one is deleted and reported missing, so a
// damaged cache heals by fetching again instead of serving wrong bytes.
import { readFile as readFileCb } from 'node:fs';
import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { hashChunk } from '../../src/chunking/index.ts';
import { StrataError } from '../../src/errors/index.ts';
import { LruCache } from '../../src/index/lru-cache.ts';
import { DiskWriter } from './disk-writer.ts';

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

const HEX64 = /^[0-9a-f]{64}$/;
// The callback form: a chunk is a small file, and fs/promises' FileHandle costs more than the read itself.
const readFile = promisify(readFileCb);
/** Disk writes allowed in flight; more are dropped (it is a cache), so memory stays bounded. */
const MAX_PENDING_WRITES = 64;

export class ChunkCache {
  private readonly memory: LruCache<Buffer>;
  /** Chunks on disk, least recently used first (a Map keeps insertion order). */
  private readonly disk = new Map<string, number>();
  private diskBytes = 0;
  private readonly verified = new Set<string>();
  private readonly writer = new DiskWriter();
  private pendingWrites = 0;
  private evicting = false;
  private scanned: Promise<void> = Promise.resolve();
  readonly stats: ChunkCacheStats = { memoryHits: 0, diskHits: 0, misses: 0, diskBytes: 0, evicted: 0, corrupt: 0 };

  private constructor(private readonly opts: ChunkCacheOptions) {
    this.memory = new LruCache<Buffer>(opts.memoryBytes ?? Math.min(128 << 20, opts.maxBytes));
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

  private pathOf(hash: string): string {
    return join(this.opts.dir, hash.slice(0, 2), hash);
  }

  /** Whether the chunk can be had without the server (memory or disk). */
  has(hash: string): boolean {
    return this.memory.get(hash) !== undefined || this.disk.has(hash);
  }

  /** The chunk from memory, without touching the disk. */
  peek(hash: string): Buffer | undefined {
    const hit = this.memory.get(hash);
    if (hit) this.stats.memoryHits++;
    return hit;
  }

  /** The chunk's bytes, or undefined when it is not cached (or its cached copy was bad). */
  async get(hash: string): Promise<Buffer | undefined> {
    const hit = this.peek(hash);
    if (hit) return hit;
    const size = this.disk.get(hash);
    if (size === undefined) {
      this.stats.misses++;
      return undefined;
    }
    const data = await this.readDisk(hash, size);
    if (!data) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.diskHits++;
    this.touch(hash, size);
    this.memory.set(hash, data, data.length);
    return data;
  }

  private async readDisk(hash: string, size: number): Promise<Buffer | undefined> {
    let data: Buffer;
    try {
      data = await readFile(this.pathOf(hash));
    } catch {
      this.forget(hash);
      return undefined;
    }
    if (!this.verified.has(hash)) {
      if (data.length !== size || hashChunk(data).toString('hex') !== hash) {
        this.stats.corrupt++;
        this.opts.log?.(`chunk cache: ${hash} on disk is damaged; dropped it (it will be fetched again)`);
        await this.remove(hash);
        return undefined;
      }
      this.verified.add(hash);
    }
    return data;
  }

  /** Adds a verified chunk: to memory now, to disk behind the caller's back. */
  put(hash: string, data: Buffer): void {
    this.memory.set(hash, data, data.length);
    this.verified.add(hash);
    if (this.disk.has(hash) || data.length > this.opts.maxBytes || this.pendingWrites >= MAX_PENDING_WRITES) return;
    this.pendingWrites++;
    void this.writeDisk(hash, data).finally(() => this.pendingWrites--);
  }

  private async writeDisk(hash: string, data: Buffer): Promise<void> {
    try {
      await this.writer.write(this.pathOf(hash), data);
    } catch (err) {
      this.opts.log?.(`chunk cache: cannot write ${hash}: ${String(err)}`);
      return;
    }
    this.touch(hash, data.length);
    await this.evict();
  }

  private touch(hash: string, size: number): void {
    const old = this.disk.get(hash);
    if (old !== undefined) this.disk.delete(hash);
    else this.diskBytes += size;
    this.disk.set(hash, size);
    this.stats.diskBytes = this.diskBytes;
  }

  private forget(hash: string): void {
    const size = this.disk.get(hash);
    if (size === undefined) return;
    this.disk.delete(hash);
    this.verified.delete(hash);
    this.diskBytes -= size;
    this.stats.diskBytes = this.diskBytes;
  }

  private async remove(hash: string): Promise<void> {
    this.forget(hash);
    await unlink(this.pathOf(hash)).catch(() => undefined);
  }

  private async evict(): Promise<void> {
    await this.scanned;
    await this.evictNow();
  }

  private async evictNow(): Promise<void> {
    if (this.evicting) return; // the running pass goes on until the cache fits
    this.evicting = true;
    try {
      for (const hash of this.disk.keys()) {
        if (this.diskBytes <= this.opts.maxBytes) break;
        this.stats.evicted++;
        await this.remove(hash);
      }
    } finally {
      this.evicting = false;
    }
  }

  /** Finds the chunks a previous mount left, oldest first (by modification time). */
  private async scan(): Promise<void> {
    const found: { hash: string; size: number; mtimeMs: number }[] = [];
    for (const sub of await readdir(this.opts.dir).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{2}$/.test(sub)) continue;
      for (const name of await readdir(join(this.opts.dir, sub)).catch(() => [] as string[])) {
        const path = join(this.opts.dir, sub, name);
        if (!HEX64.test(name)) {
          if (name.endsWith('.tmp')) await unlink(path).catch(() => undefined); // a write cut by a crash
          continue;
        }
        const st = await stat(path).catch(() => undefined);
        if (st?.isFile()) found.push({ hash: name, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
    found.sort((a, b) => a.mtimeMs - b.mtimeMs);
    // Chunks written by this process while scanning are newer: keep them last.
    const fresh = new Map(this.disk);
    this.disk.clear();
    this.diskBytes = 0;
    for (const f of found) if (!fresh.has(f.hash)) this.touch(f.hash, f.size);
    for (const [h, size] of fresh) this.touch(h, size);
    await this.evictNow();
  }
}
