import { describe, expect, it } from 'vitest';
import { openChunkStore } from '../../src/blocks/chunk-store.ts';
import { verifyChunkStore } from '../../src/blocks/chunk-verify.ts';
import { sweepChunks } from '../../src/blocks/chunk-sweep.ts';
import { createLocalBlockStore } from '../../src/blocks/local-block-store.ts';
import { seededBytes, sha256 } from '../helpers/bytes.ts';
import { createTempDir } from '../helpers/tmp.ts';

function chunk(seed: string, size = 16 << 10): { hash: Buffer; data: Buffer } {
  const data = seededBytes(seed, size);
  return { hash: sha256(data), data };
}

describe('chunk sweep (GC)', () => {
  it('deletes dead packs, repacks mostly-dead ones, keeps live and recent chunks', async () => {
    const dir = await createTempDir('strata-sweep');
    const blocks = await createLocalBlockStore({ root: dir.path });
    let now = 1_000_000;
    const store = await openChunkStore({ blocks, packTargetBytes: 40 << 10, now: () => now });
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((s) => chunk(s));
    for (const x of [a!, b!, c!, d!]) await store.put(x.hash, x.data); // packs: [a b] [c d]
    await store.flush();
    now += 60_000;
    const fresh = chunk('fresh');
    await store.put(fresh.hash, fresh.data); // unreferenced but inside the grace period
    const live = new Set([a!.hash.toString('hex')]);
    const report = await sweepChunks(store, (h) => live.has(h.toString('hex')), { graceMs: 30_000 });
    expect(report).toMatchObject({ deadChunks: 3, packsDeleted: 1, packsRepacked: 1 });
    for (const gone of [b!, c!, d!]) expect(store.has(gone.hash)).toBe(false);
    const reopened = await openChunkStore({ blocks });
    expect((await reopened.get(a!.hash)).equals(a!.data)).toBe(true);
    expect((await reopened.get(fresh.hash)).equals(fresh.data)).toBe(true);
    for (const gone of [b!, c!, d!]) expect(reopened.has(gone.hash)).toBe(false);
    const check = await verifyChunkStore(reopened);
    expect(check.problems).toEqual([]);
    expect(check.chunks).toBe(2);
    // a swept chunk can be stored again (no stale index entry claims it exists)
    expect(await reopened.put(b!.hash, b!.data)).toBe(true);
    await reopened.flush([b!.hash]);
    await dir.remove();
  });
});
