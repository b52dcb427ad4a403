// The mount's on-disk chunk cache on a real directory: chunks go into pack
// files (many a file, not a file each), are found again by a later mount,
// stay within the cache's size, and a damaged or cut-short pack never yields
// wrong bytes.
import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashChunk } from '../../src/chunking/index.ts';
import { ChunkCache, copyChunk } from '../../client/mount/chunk-cache.ts';
import { recordHeader } from '../../client/mount/chunk-packs.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

function chunk(seed: number, size: number): { hash: string; data: Buffer } {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (seed * 31 + i * 7 + (i >> 8)) & 0xff;
  return { hash: hashChunk(data).toString('hex'), data };
}

async function files(dir: string): Promise<{ name: string; size: number }[]> {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push({ name: e.name, size: (await stat(join(e.parentPath, e.name))).size });
  }
  return out;
}

describe('mount chunk cache (packs)', () => {
  let tmp: TempDir;
  beforeEach(async () => void (tmp = await createTempDir('chunk-cache')));
  afterEach(() => tmp.remove());

  it('writes many chunks into one pack file, and a later mount reads them back from disk', async () => {
    const chunks = Array.from({ length: 200 }, (_, i) => chunk(i, 1000 + i));
    const a = await ChunkCache.open({ dir: tmp.path, maxBytes: 64 << 20 });
    for (const c of chunks) a.put(c.hash, c.data);
    await a.settled();
    const written = await files(tmp.path);
    expect(written).toHaveLength(1); // a file per chunk before packs: 200
    expect(written[0]!.name).toMatch(/\.pack$/);

    const b = await ChunkCache.open({ dir: tmp.path, maxBytes: 64 << 20 });
    await b.settled();
    for (const c of chunks) expect(b.has(c.hash)).toBe(true);
    for (const c of chunks) expect((await b.get(c.hash))?.equals(c.data)).toBe(true);
    expect(b.stats.diskHits).toBe(200);
    expect(b.stats.diskBytes).toBe(written[0]!.size);
  });

  it('keeps a chunk given as pieces as they are in memory, writes them to disk as one chunk, and copies any range of them', async () => {
    const c = chunk(7, 50_000);
    const pieces = [c.data.subarray(0, 16_384), c.data.subarray(16_384, 16_390), c.data.subarray(16_390, 40_000), c.data.subarray(40_000)];
    const a = await ChunkCache.open({ dir: tmp.path, maxBytes: 64 << 20 });
    a.put(c.hash, pieces);
    expect(a.peek(c.hash)).toBe(pieces); // no copy made
    expect((await a.get(c.hash))?.equals(c.data)).toBe(true);
    await a.settled();
    const b = await ChunkCache.open({ dir: tmp.path, maxBytes: 64 << 20 });
    await b.settled();
    expect((await b.get(c.hash))?.equals(c.data)).toBe(true);
    expect(b.stats.diskHits).toBe(1);
    // Ranges inside one piece, across pieces, over a 6-byte piece, the whole chunk, and empty.
    for (const [from, to] of [[0, 10], [16_000, 17_000], [16_384, 16_390], [16_385, 40_001], [0, 50_000], [49_999, 50_000], [30_000, 30_000]] as const) {
      const target = Buffer.alloc(to - from + 3, 0xee);
      expect(copyChunk(pieces, target, 3, from, to)).toBe(to - from);
      expect(target.subarray(3).equals(c.data.subarray(from, to))).toBe(true);
      expect(target.subarray(0, 3).equals(Buffer.alloc(3, 0xee))).toBe(true);
    }
  });

  it('leaves a chunk put for memory only off the disk', async () => {
    const [kept, memOnly] = [chunk(8, 3000), chunk(9, 3000)];
    const a = await ChunkCache.open({ dir: tmp.path, maxBytes: 64 << 20 });
    a.put(kept.hash, kept.data);
    a.put(memOnly.hash, [memOnly.data], { disk: false });
    expect(a.has(memOnly.hash)).toBe(true);
    await a.settled();
    const b = await ChunkCache.open({ dir: tmp.path, maxBytes: 64 << 20 });
    await b.settled();
    expect(b.has(kept.hash)).toBe(true);
    expect(b.has(memOnly.hash)).toBe(false);
  });

  it('drops a chunk damaged on disk (reported missing, never wrong bytes) and keeps the others', async () => {
    const good = chunk(1, 5000);
    const bad = chunk(2, 5000);
    const a = await ChunkCache.open({ dir: tmp.path, maxBytes: 64 << 20 });
    a.put(good.hash, good.data);
    a.put(bad.hash, bad.data);
    await a.settled();
    const [pack] = await files(tmp.path);
    const path = join(tmp.path, pack!.name);
    const bytes = await readFile(path);
    const at = bytes.indexOf(bad.data);
    expect(at).toBeGreaterThan(0);
    bytes[at + 100] = bytes[at + 100]! ^ 0xff;
    await writeFile(path, bytes);

    const logs: string[] = [];
    const b = await ChunkCache.open({ dir: tmp.path, maxBytes: 64 << 20, log: (m) => logs.push(m) });
    await b.settled();
    expect(await b.get(bad.hash)).toBeUndefined();
    expect(b.stats.corrupt).toBe(1);
    expect(b.has(bad.hash)).toBe(false);
    expect(logs.join('\n')).toContain(`${bad.hash} on disk is damaged`);
    expect((await b.get(good.hash))?.equals(good.data)).toBe(true);
  });

  it('reads the whole records of a pack cut short by a crash, and ignores files that are not packs', async () => {
    const chunks = [chunk(1, 3000), chunk(2, 4000)];
    const a = await ChunkCache.open({ dir: tmp.path, maxBytes: 64 << 20 });
    for (const c of chunks) a.put(c.hash, c.data);
    await a.settled();
    const [pack] = await files(tmp.path);
    const cut = chunk(3, 6000);
    await appendFile(join(tmp.path, pack!.name), Buffer.concat([recordHeader(cut.hash, cut.data.length), cut.data.subarray(0, 100)]));
    await writeFile(join(tmp.path, 'stray.pack'), 'not a pack');

    const b = await ChunkCache.open({ dir: tmp.path, maxBytes: 64 << 20 });
    await b.settled();
    for (const c of chunks) expect((await b.get(c.hash))?.equals(c.data)).toBe(true);
    expect(b.has(cut.hash)).toBe(false);
  });

  it('stays within its size by deleting the least recently used packs', async () => {
    const maxBytes = 1 << 20; // packs of 64 KiB
    const a = await ChunkCache.open({ dir: tmp.path, maxBytes, memoryBytes: 1 << 16 });
    const chunks = Array.from({ length: 100 }, (_, i) => chunk(i, 30_000));
    for (const c of chunks) {
      a.put(c.hash, c.data);
      await a.settled();
    }
    const sizes = (await files(tmp.path)).map((f) => f.size);
    const total = sizes.reduce((x, y) => x + y, 0);
    expect(total).toBeLessThanOrEqual(maxBytes);
    expect(total).toBeGreaterThan(maxBytes / 2);
    expect(a.stats.diskBytes).toBe(total);
    expect(a.stats.evicted).toBeGreaterThan(0);
    // The newest chunks are there, the oldest gone.
    expect((await a.get(chunks[99]!.hash))?.equals(chunks[99]!.data)).toBe(true);
    expect(a.has(chunks[0]!.hash)).toBe(false);
  });

  it('lets two mounts share a directory, each appending to its own pack', async () => {
    const a = await ChunkCache.open({ dir: tmp.path, maxBytes: 64 << 20 });
    const b = await ChunkCache.open({ dir: tmp.path, maxBytes: 64 << 20 });
    const ca = chunk(1, 2000);
    const cb = chunk(2, 2000);
    a.put(ca.hash, ca.data);
    b.put(cb.hash, cb.data);
    await Promise.all([a.settled(), b.settled()]);
    expect(await files(tmp.path)).toHaveLength(2);
    const c = await ChunkCache.open({ dir: tmp.path, maxBytes: 64 << 20 });
    await c.settled();
    expect((await c.get(ca.hash))?.equals(ca.data)).toBe(true);
    expect((await c.get(cb.hash))?.equals(cb.data)).toBe(true);
  });
});
