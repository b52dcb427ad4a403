// Chunk-store lanes (ChunkStore.lane): a writer's own packs, as the S3
// gateway gives each multipart part. A lane's flush waits for its own packs
// only and other writers' flushes do not cut its pack short; a chunk a lane
// deduplicated against a pack not yet stored is still proven durable; a
// lane's pack is written while it fills where the block store can
// (BlockStore.begin) and reads back whole after a reopen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockStore } from '../../src/blocks/block-store.ts';
import { openChunkStore } from '../../src/blocks/chunk-store.ts';
import { createMemoryBlockStore } from '../../src/blocks/memory-block-store.ts';
import { seededBytes, sha256 } from '../helpers/bytes.ts';
import { blockStoreFactories } from '../helpers/block-stores.ts';

function chunk(seed: string, size = 4096): { hash: Buffer; data: Buffer } {
  const data = seededBytes(seed, size);
  return { hash: sha256(data), data };
}

async function packCount(blocks: BlockStore): Promise<number> {
  let n = 0;
  for await (const _ of blocks.list('packs/')) n++;
  return n;
}

describe('chunk-store lanes', () => {
  it("a lane's flush waits only for its own pack while another writer's upload hangs", async () => {
    const inner = createMemoryBlockStore();
    let release: () => void = () => undefined;
    const hung = new Promise<void>((r) => (release = r));
    let hang = true;
    const blocks: BlockStore = {
      ...inner,
      put: async (key, data) => {
        const copy = Buffer.from(data);
        if (hang && key.startsWith('packs/')) {
          hang = false; // only the first pack hangs
          await hung;
        }
        return inner.put(key, copy);
      },
    };
    const store = await openChunkStore({ blocks, packTargetBytes: 64 << 10 });
    const other = chunk('hung');
    await store.put(other.hash, other.data);
    const otherFlush = store.flush([other.hash]);
    const lane = store.lane();
    const mine = chunk('lane-own');
    await lane.put(mine.hash, mine.data);
    let done = false;
    await lane.flush([mine.hash]).then(() => (done = true));
    expect(done).toBe(true); // resolved while the other writer's pack is still hanging
    lane.close();
    release();
    await otherFlush;
  });

  it("a commit's flush does not cut a lane's pack short", async () => {
    const blocks = createMemoryBlockStore();
    const store = await openChunkStore({ blocks, packTargetBytes: 64 << 10 });
    const lane = store.lane({ expectBytes: 64 << 10 });
    const parts = Array.from({ length: 16 }, (_, i) => chunk(`lane-${i}`));
    for (const [i, c] of parts.entries()) {
      await lane.put(c.hash, c.data);
      const other = chunk(`commit-${i}`, 100);
      await store.put(other.hash, other.data);
      await store.flush([other.hash]); // a small commit between every chunk of the lane
    }
    const before = await packCount(blocks);
    expect(before).toBe(16 + 1); // the commits' 16 small packs and the lane's one full pack (16 x 4 KiB = the target)
    await lane.flush(parts.map((c) => c.hash));
    lane.close();
    expect(await packCount(blocks)).toBe(before);
    const reopened = await openChunkStore({ blocks });
    for (const c of parts) expect((await reopened.get(c.hash)).equals(c.data)).toBe(true);
  });

  it("proves a chunk durable that it deduplicated into another lane's open pack", async () => {
    const blocks = createMemoryBlockStore();
    const store = await openChunkStore({ blocks, packTargetBytes: 64 << 10 });
    const a = store.lane();
    const b = store.lane();
    const shared = chunk('both');
    expect(await a.put(shared.hash, shared.data)).toBe(true);
    expect(await b.put(shared.hash, shared.data)).toBe(false); // deduplicated into a's pack, not stored yet
    await b.flush([shared.hash]);
    b.close();
    const reopened = await openChunkStore({ blocks });
    expect((await reopened.get(shared.hash)).equals(shared.data)).toBe(true);
    a.close();
  });

  it('writers beyond maxLanes share the store\'s pack, so pack memory stays bounded', async () => {
    const blocks = createMemoryBlockStore();
    const store = await openChunkStore({ blocks, packTargetBytes: 64 << 10, maxLanes: 2 });
    const lanes = [store.lane(), store.lane(), store.lane()];
    const chunks = lanes.map((_, i) => chunk(`capped-${i}`));
    for (const [i, l] of lanes.entries()) await l.put(chunks[i]!.hash, chunks[i]!.data);
    const other = chunk('capped-commit');
    await store.put(other.hash, other.data);
    await store.flush([other.hash]); // seals the store's pack: the third writer's chunk is in it
    expect(store.locate(chunks[2]!.hash)!.pack.pending).toBeUndefined();
    expect(store.locate(chunks[0]!.hash)!.pack.pending).toBeDefined(); // the first two have packs of their own, still open
    expect(store.locate(chunks[1]!.hash)!.pack.pending).toBeDefined();
    for (const [i, l] of lanes.entries()) {
      await l.flush([chunks[i]!.hash]);
      l.close();
    }
    const reopened = await openChunkStore({ blocks });
    for (const c of chunks) expect((await reopened.get(c.hash)).equals(c.data)).toBe(true);
  });

  it('a lane closed without a flush (a failed request) still stores what it took', async () => {
    const blocks = createMemoryBlockStore();
    const store = await openChunkStore({ blocks });
    const lane = store.lane();
    const c = chunk('abandoned');
    await lane.put(c.hash, c.data);
    lane.close();
    await store.flush([c.hash]);
    expect((await (await openChunkStore({ blocks })).get(c.hash)).equals(c.data)).toBe(true);
  });
});

for (const factory of blockStoreFactories()) {
  describe(`chunk-store lanes on ${factory.name}`, () => {
    let blocks: BlockStore;
    let stop: () => Promise<void>;
    beforeAll(async () => {
      ({ blocks, stop } = await factory.create());
    });
    afterAll(async () => stop());

    it('a lane of several MiB (written while it fills where the store can) reads back whole after a reopen', async () => {
      const store = await openChunkStore({ blocks, packTargetBytes: 4 << 20 });
      const lane = store.lane({ expectBytes: 6 << 20 });
      // Ragged chunk sizes, so the pieces written ahead end off any block boundary.
      const chunks = Array.from({ length: 70 }, (_, i) => chunk(`big-${factory.name}-${i}`, 90_001 + i * 7));
      for (const c of chunks) await lane.put(c.hash, c.data);
      for (const c of chunks.slice(0, 3)) expect((await store.get(c.hash)).equals(c.data)).toBe(true); // readable before the flush
      await lane.flush(chunks.map((c) => c.hash));
      lane.close();
      const reopened = await openChunkStore({ blocks });
      for (const c of chunks) expect((await reopened.get(c.hash)).equals(c.data), c.hash.toString('hex')).toBe(true);
    });
  });
}
