// The chunk store on every block store adapter: packing, dedup, verified
// reads, recovery of the index from packs, verify and rebuild.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockStore } from '../../src/blocks/block-store.ts';
import { openChunkStore, type ChunkStore } from '../../src/blocks/chunk-store.ts';
import { rebuildChunkIndex, verifyChunkStore } from '../../src/blocks/chunk-verify.ts';
import { createMemoryBlockStore } from '../../src/blocks/memory-block-store.ts';
import { packKey } from '../../src/blocks/pack-format.ts';
import { seededBytes, sha256 } from '../helpers/bytes.ts';
import { blockStoreFactories } from '../helpers/block-stores.ts';

async function keys(blocks: BlockStore, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of blocks.list(prefix)) out.push(k);
  return out;
}

/** A store only this process opens: nothing else to check before the rebuild deletes. */
const alone = { mayDelete: () => undefined };

function chunk(seed: string, size = 4096): { hash: Buffer; data: Buffer } {
  const data = seededBytes(seed, size);
  return { hash: sha256(data), data };
}

for (const factory of blockStoreFactories()) {
  describe(`chunk store on ${factory.name}`, () => {
    let blocks: BlockStore;
    let stop: () => Promise<void>;
    beforeAll(async () => {
      ({ blocks, stop } = await factory.create());
    });
    afterAll(async () => stop());

    const open = (packTargetBytes = 64 << 10): Promise<ChunkStore> => openChunkStore({ blocks, packTargetBytes });

    it('stores each chunk once and reads it back verified', async () => {
      const store = await open();
      const c = chunk('once');
      expect(await store.put(c.hash, c.data)).toBe(true);
      expect(await store.put(c.hash, c.data)).toBe(false);
      expect((await store.get(c.hash)).equals(c.data)).toBe(true); // served before flush
      await store.flush([c.hash]);
      const reopened = await open();
      expect((await reopened.get(c.hash)).equals(c.data)).toBe(true);
    });

    it('a pack that grows past its first buffer keeps every chunk readable, before and after upload', async () => {
      // 4 MiB packs start in a 64 KiB buffer and double as chunks arrive.
      const store = await open(4 << 20);
      const chunks = Array.from({ length: 24 }, (_, i) => chunk(`grow-${i}`, 100 << 10));
      for (const c of chunks) {
        await store.put(c.hash, c.data);
        // Each read comes from the open pack's buffer as it stands (copied out, not cached).
        const [read] = await store.readRun([{ hash: c.hash, loc: store.locate(c.hash)! }], { cache: false });
        expect(read!.equals(c.data)).toBe(true);
      }
      for (const c of chunks) expect((await store.readRun([{ hash: c.hash, loc: store.locate(c.hash)! }], { cache: false }))[0]!.equals(c.data)).toBe(true);
      await store.flush(chunks.map((c) => c.hash));
      expect(await keys(blocks, 'packs/')).not.toHaveLength(0);
      const reopened = await open(4 << 20);
      for (const c of chunks) expect((await reopened.get(c.hash)).equals(c.data)).toBe(true);
    });

    it('a chunk read before its pack was uploaded stays right after the pack buffer is reused', async () => {
      const store = await open(64 << 10);
      const first = chunk('reuse-first', 60 << 10);
      await store.put(first.hash, first.data);
      const early = await store.get(first.hash); // from the pack still being built; kept in the read cache
      await store.flush([first.hash]);
      // Later packs fill the buffers of uploaded ones.
      for (let i = 0; i < 8; i++) {
        const c = chunk(`reuse-${i}`, 60 << 10);
        await store.put(c.hash, c.data);
        await store.flush([c.hash]);
      }
      expect(early.equals(first.data)).toBe(true);
      expect((await store.get(first.hash)).equals(first.data)).toBe(true);
    });

    it('packs many small chunks into few objects', async () => {
      const before = (await keys(blocks, '')).length;
      const store = await open(1 << 20);
      const chunks = Array.from({ length: 200 }, (_, i) => chunk(`small-${i}`, 2048));
      for (const c of chunks) await store.put(c.hash, c.data);
      await store.flush(chunks.map((c) => c.hash));
      const written = (await keys(blocks, '')).length - before;
      expect(written).toBeLessThanOrEqual(2); // one pack and one index object
      const reopened = await open();
      for (const c of chunks) expect((await reopened.get(c.hash)).equals(c.data)).toBe(true);
    });

    it('recovers packs that no index object lists (crash between pack and index)', async () => {
      const store = await open();
      const c = chunk('orphan');
      await store.put(c.hash, c.data);
      await store.flush();
      for (const k of await keys(blocks, 'index/')) await blocks.delete(k);
      const reopened = await open();
      expect((await reopened.get(c.hash)).equals(c.data)).toBe(true);
      expect((await keys(blocks, 'index/')).length).toBeGreaterThan(0); // recovery wrote an index
    });

    it('refuses wrong bytes: a corrupt chunk is DataLoss naming the chunk and pack', async () => {
      const store = await open();
      const c = chunk('corrupt-me');
      await store.put(c.hash, c.data);
      await store.flush();
      const loc = store.locate(c.hash)!;
      const pack = Buffer.from(await blocks.get(packKey(loc.pack.name)));
      pack[loc.offset + 10]! ^= 0xff;
      await blocks.put(packKey(loc.pack.name), pack);
      const reopened = await open();
      const err = await reopened.get(c.hash).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'CHUNK_CORRUPT', kind: 'DataLoss' });
      expect(String((err as Error).message)).toContain(c.hash.toString('hex'));
      expect(String((err as Error).message)).toContain(loc.pack.name);
      const report = await verifyChunkStore(reopened);
      expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'corrupt-chunk', pack: loc.pack.name, chunk: c.hash.toString('hex') }));
      await blocks.delete(packKey(loc.pack.name)); // leave a clean store for the next tests
      await rebuildChunkIndex(reopened, alone);
    });

    it('a missing pack is DataLoss naming the pack; verify reports it; rebuild forgets it', async () => {
      const store = await open();
      const c = chunk('lost');
      await store.put(c.hash, c.data);
      await store.flush();
      const pack = store.locate(c.hash)!.pack.name;
      await store.close(); // writes the index object that remembers which pack held it
      await blocks.delete(packKey(pack));
      const reopened = await open();
      await expect(reopened.get(c.hash)).rejects.toMatchObject({ code: 'CHUNK_NOT_FOUND', message: expect.stringContaining(pack) });
      const report = await verifyChunkStore(reopened);
      expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'missing-pack', pack }));
      await rebuildChunkIndex(reopened, alone);
      expect(reopened.has(c.hash)).toBe(false);
      expect((await verifyChunkStore(reopened)).problems).toEqual([]);
    });

    it('writes index objects every few packs and at close, not on every flush', async () => {
    const store = await openChunkStore({ blocks, packTargetBytes: 4096, indexEveryPacks: 3 });
    const before = (await keys(blocks, 'index/')).length;
    const put = async (seed: string) => {
      const c = chunk(seed, 5000);
      await store.put(c.hash, c.data);
      await store.flush([c.hash]);
    };
    await put('idx-1');
    await put('idx-2');
    expect((await keys(blocks, 'index/')).length).toBe(before);
    await put('idx-3');
    expect((await keys(blocks, 'index/')).length).toBe(before + 1);
    await put('idx-4');
    await store.close();
    expect((await keys(blocks, 'index/')).length).toBe(before + 2);
  });

  it('rebuilds the index from the packs alone', async () => {
      const store = await open();
      const chunks = Array.from({ length: 40 }, (_, i) => chunk(`rebuild-${i}`, 8192));
      for (const c of chunks) await store.put(c.hash, c.data);
      await store.flush();
      for (const k of await keys(blocks, 'index/')) await blocks.delete(k);
      const result = await rebuildChunkIndex(store, alone);
      expect(result.corruptPacks).toEqual([]);
      expect((await keys(blocks, 'index/')).length).toBe(1);
      const reopened = await open();
      for (const c of chunks) expect((await reopened.get(c.hash)).equals(c.data)).toBe(true);
      const report = await verifyChunkStore(reopened);
      expect(report.problems).toEqual([]);
      expect(report.chunks).toBeGreaterThanOrEqual(40);
    });

    it('an unknown chunk is DataLoss naming it', async () => {
      const store = await open();
      const missing = sha256(Buffer.from('never stored'));
      await expect(store.get(missing)).rejects.toMatchObject({ code: 'CHUNK_NOT_FOUND', message: expect.stringContaining(missing.toString('hex')) });
    });
  });
}

describe('chunk store upload failure', () => {
  it('reports a chunk whose pack never became durable, and forgets it', async () => {
    const inner = createMemoryBlockStore();
    let failing = true;
    const blocks: BlockStore = { ...inner, description: 'flaky', put: async (k, d) => { if (failing && k.startsWith('packs/')) throw new Error('disk on fire'); return inner.put(k, d); } };
    const store = await openChunkStore({ blocks });
    const c = chunk('flaky');
    await store.put(c.hash, c.data);
    await expect(store.flush([c.hash])).rejects.toMatchObject({ code: 'STORE_IO', message: expect.stringMatching(/not stored durably.*disk on fire/) });
    expect(store.has(c.hash)).toBe(false);
    failing = false;
    expect(await store.put(c.hash, c.data)).toBe(true);
    await store.flush([c.hash]);
    expect((await store.get(c.hash)).equals(c.data)).toBe(true);
  });
});

