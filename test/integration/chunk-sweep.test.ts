import { describe, expect, it } from 'vitest';
import { openChunkStore } from '../../src/blocks/chunk-store.ts';
import { rebuildChunkIndex, verifyChunkStore } from '../../src/blocks/chunk-verify.ts';
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

describe('chunk sweep with another server on the store', () => {
  it('a chunk another server repacked stays found after its old pack is gone, whenever this server looked in between', async () => {
    const dir = await createTempDir('strata-sweep-shared');
    const blocks = await createLocalBlockStore({ root: dir.path });
    let now = 1_000_000;
    const a = await openChunkStore({ blocks, packTargetBytes: 64 << 10, now: () => now });
    const b = await openChunkStore({ blocks, packTargetBytes: 64 << 10, now: () => now });
    const c = await openChunkStore({ blocks, now: () => now }); // a third server, which only reads
    const [x, g, n] = ['x', 'g', 'n'].map((s) => chunk(s));
    for (const c of [x!, g!]) await b.put(c.hash, c.data); // B's pack [x g]: g dead, so A's sweep repacks x
    await b.flush();
    await Promise.all([a.refresh(), c.refresh()]);
    now += 60_000;
    // A's sweep moves x into its open pack, which a writer on A fills too (n, new to B); B looks at the
    // store whenever the sweep asks whether it may delete (C too), so once while [x g] and [x n] are both there.
    let first = true;
    const mayDelete = async (): Promise<void> => {
      if (first) await a.put(n!.hash, n!.data);
      first = false;
      await Promise.all([b.refresh({ dropMissing: true }), c.refresh()]);
    };
    const report = await sweepChunks(a, (h) => h.equals(x!.hash), { graceMs: 30_000, mayDelete });
    expect(report).toMatchObject({ packsRepacked: 1 });
    await b.refresh({ dropMissing: true }); // after the sweep, as B's next read of the GC fence does
    for (const k of [x!, n!]) expect((await b.get(k.hash)).equals(k.data)).toBe(true);
    // C reads x where it last saw it ([x g], gone now) and looks again: found in [x n].
    expect((await c.get(x!.hash)).equals(x!.data)).toBe(true);
    await Promise.all([a.close(), b.close(), c.close()]);
    await dir.remove();
  });

  it('after an index rebuild, a chunk stored twice stays found when the pack the rebuild homed it in is swept by a server that homes it in the other', async () => {
    const dir = await createTempDir('strata-sweep-rebuilt');
    const blocks = await createLocalBlockStore({ root: dir.path });
    let now = 1_000_000;
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => openChunkStore({ blocks, packTargetBytes: 64 << 10, now: () => now })));
    const [x, y, z] = ['x', 'y', 'z'].map((s) => chunk(s));
    for (const k of [x!, z!]) await b!.put(k.hash, k.data); // B's pack [x z]
    await b!.flush();
    for (const k of [x!, y!]) await c!.put(k.hash, k.data); // C's pack [x y]: C had not seen B's, so stored x again
    await c!.flush();
    await Promise.all([a!.refresh(), b!.refresh(), c!.refresh()]);
    await rebuildChunkIndex(a!, { mayDelete: () => undefined });
    // The rebuild homes x in one of the two packs (whichever trailer it read first). The server that homes x in
    // the other pack sweeps the first: to it, that pack holds only a dead chunk (z or y), so it deletes it whole.
    const home = a!.locate(x!.hash)!.pack.name;
    const [sweeper, live] = home === b!.locate(x!.hash)!.pack.name ? [c!, [x!, y!]] : [b!, [x!, z!]];
    expect(sweeper.locate(x!.hash)!.pack.name).not.toBe(home);
    now += 60_000;
    const report = await sweepChunks(sweeper, (h) => live.some((k) => k.hash.equals(h)), { graceMs: 30_000 });
    expect(report).toMatchObject({ packsDeleted: 1, packsRepacked: 0 });
    await a!.refresh({ dropMissing: true }); // after the GC, as A's next read of the GC fence does
    expect(a!.has(x!.hash)).toBe(true);
    expect((await a!.get(x!.hash)).equals(x!.data)).toBe(true);
    await Promise.all([a!.close(), b!.close(), c!.close()]);
    await dir.remove();
  });
});
