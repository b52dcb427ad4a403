// The chunk index lives on local disk with a bounded part in memory: these
// tests fail if the index (or GC's mark set) is held in memory whole, and
// check that lookups, moves, deletes and dropped packs still answer right
// once most entries are in run files.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkIndex, type PackRef } from '../../src/blocks/chunk-index.ts';
import { openChunkStore } from '../../src/blocks/chunk-store.ts';
import { createLocalBlockStore } from '../../src/blocks/local-block-store.ts';
import { createMemoryBlockStore } from '../../src/blocks/memory-block-store.ts';
import { commitKey } from '../../src/meta/keys.ts';
import { decodeCommit } from '../../src/meta/records.ts';
import { seededBytes, sha256, streamOf } from '../helpers/bytes.ts';
import { branch, createTestPfs, path, put, ref, repo } from '../helpers/pfs.ts';
import { createTempDir } from '../helpers/tmp.ts';

const hashOf = (i: number): Buffer => createHash('sha256').update(`entry-${i}`).digest();
const pack = (name: string): PackRef => ({ name, pending: undefined, chunks: 0, bytes: 0, createdAt: 0 });

describe('on-disk chunk index', () => {
  it('keeps at most its configured entries in memory while every lookup still succeeds', async () => {
    const dir = await createTempDir('strata-index');
    const N = 30_000;
    const BOUND = 1_000;
    const index = new ChunkIndex({ dir: join(dir.path, 'idx'), memEntries: BOUND });
    const packs = Array.from({ length: 20 }, (_, p) => pack(`p${p}`));
    let maxMem = 0;
    let added = 0;
    for (let i = 0; i < N; i++) {
      if (index.add(hashOf(i), { pack: packs[i % 20]!, offset: i * 10, length: 100 + (i % 7) })) added++;
      maxMem = Math.max(maxMem, index.memory().memEntries);
    }
    expect(added).toBe(N);
    const mem = index.memory();
    expect(maxMem).toBeLessThan(BOUND);
    // Filters and block fences: a few bytes a key, far below the 44 bytes a key the entries take on disk.
    expect(mem.runIndexBytes).toBeLessThan(N * 4);
    expect(mem.runs).toBeLessThanOrEqual(9);
    expect(index.size).toBe(N);
    const wrong: number[] = [];
    for (let i = 0; i < N; i++) {
      const loc = index.get(hashOf(i));
      if (loc?.pack.name !== `p${i % 20}` || loc.offset !== i * 10 || loc.length !== 100 + (i % 7)) wrong.push(i);
    }
    expect(wrong).toEqual([]);
    const phantom: number[] = [];
    for (let i = N; i < N + 2_000; i++) if (index.has(hashOf(i))) phantom.push(i);
    expect(phantom).toEqual([]);
    expect(index.add(hashOf(5), { pack: packs[1]!, offset: 1, length: 1 })).toBe(false); // the first home wins

    // Moves, deletes and a dropped pack, answered across memory and run files.
    index.move(hashOf(7), { pack: packs[3]!, offset: 42, length: 9 });
    index.delete(hashOf(8));
    index.dropPack(packs[0]!);
    for (let i = N; i < N + 3 * BOUND; i++) index.add(hashOf(i), { pack: packs[19]!, offset: 0, length: 1 }); // push them to disk
    expect(index.memory().memEntries).toBeLessThan(BOUND);
    expect(index.get(hashOf(7))).toMatchObject({ offset: 42, length: 9 });
    expect(index.has(hashOf(8))).toBe(false);
    const kept: number[] = [];
    for (let i = 0; i < N; i += 20) if (index.has(hashOf(i))) kept.push(i); // pack p0's chunks
    expect(kept).toEqual([]);
    const expected = N + 3 * BOUND - 1 - N / 20;
    expect(index.size).toBe(expected);
    let listed = 0;
    let last: Buffer | undefined;
    let unordered = 0;
    for (const [hash] of index.entries()) {
      if (last && Buffer.compare(last, hash) >= 0) unordered++;
      last = hash;
      listed++;
    }
    expect(unordered).toBe(0);
    expect(listed).toBe(expected);
    index.close();
    await dir.remove();
  });

  it('a chunk store reopened over many chunks loads its index without holding it in memory', async () => {
    const blocks = createMemoryBlockStore();
    const chunks = Array.from({ length: 3_000 }, (_, i) => {
      const data = seededBytes(`bounded-${i}`, 64 + (i % 50));
      return { hash: sha256(data), data };
    });
    const first = await openChunkStore({ blocks, packTargetBytes: 32 << 10, indexMemEntries: 200 });
    for (const c of chunks) await first.put(c.hash, c.data);
    await first.close();
    const store = await openChunkStore({ blocks, indexMemEntries: 200 });
    expect(store.stats().chunks).toBe(chunks.length);
    expect(store.indexMemory().memEntries).toBeLessThan(200);
    expect(store.indexMemory().diskEntries).toBeGreaterThan(chunks.length - 200);
    for (const c of chunks) expect((await store.get(c.hash)).equals(c.data)).toBe(true);
    await store.close();
  });

  it('GC with a mark set far smaller than the live chunks keeps every live file and reclaims the rest', async () => {
    const t = await createTestPfs();
    await t.pfs.createRepo(repo('marks'));
    const w = await t.pfs.openWriter(repo('marks'), { branch: branch('main') });
    for (let i = 0; i < 400; i++) await w.put(path(`/f/${i}`), streamOf(seededBytes(`m-${i}`, 200)));
    await w.close();
    await put(t.pfs, 'marks@main:/drop.bin', seededBytes('dropped', 300_000));
    await t.pfs.dropCommit(ref('marks@main'));
    const report = await t.pfs.gc({ graceMs: 0, markMemEntries: 16 });
    expect(report.deadChunks).toBeGreaterThan(0);
    expect(report.liveChunks).toBeGreaterThanOrEqual(400);
    const fsck = await t.pfs.fsck({ verifyData: true });
    expect(fsck.problems).toEqual([]);
    expect(fsck.data!.problems).toEqual([]);
    await t.remove();
  });

  it('GC keeps the metarange groups of a two-level index', async () => {
    const t = await createTestPfs();
    await t.pfs.createRepo(repo('tree'));
    const w = await t.pfs.openWriter(repo('tree'), { branch: branch('main') });
    for (let i = 0; i < 24_000; i++) await w.put(path(`/d${i % 40}/f${i}`), streamOf(Buffer.from(`file ${i}`)));
    await w.close();
    const head = await t.pfs.inspectCommit(ref('tree@main'));
    const record = decodeCommit((await t.pfs.context.meta.get(commitKey(head.repo, head.id)))!);
    expect((await t.pfs.context.reader.groups(record.indexRoot)).length).toBeGreaterThan(1);
    await t.pfs.gc({ graceMs: 0 });
    const reopened = await t.reopen();
    const fsck = await reopened.pfs.fsck();
    expect(fsck.problems).toEqual([]);
    expect(fsck.files).toBe(24_000);
    await reopened.close();
    await t.remove();
  }, 300_000);

  it('a server-style index directory is emptied at open and rebuilt from the store', async () => {
    const dir = await createTempDir('strata-index-dir');
    const blocks = await createLocalBlockStore({ root: join(dir.path, 'blocks') });
    const indexDir = join(dir.path, 'chunk-index');
    const c = seededBytes('kept', 5000);
    const a = await openChunkStore({ blocks, indexDir, indexMemEntries: 4 });
    await a.put(sha256(c), c);
    await a.flush([sha256(c)]); // durable, but no index object yet: a kill -9 here leaves only the pack
    // A second open (as after kill -9) must not trust or trip over the first one's files.
    const b = await openChunkStore({ blocks, indexDir, indexMemEntries: 4 });
    expect((await b.get(sha256(c))).equals(c)).toBe(true);
    await b.close();
    await dir.remove();
  });
});
