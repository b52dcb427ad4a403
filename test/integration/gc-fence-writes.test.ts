// Leases (src/pfs/lease.ts) and the GC fence over every write that makes
// chunks referenced before a commit does: multipart parts (S3 gateway) and
// pipeline datum outputs. Each fence test runs two servers' cores on one
// real etcd and one chunk directory: B dedups against chunks nothing refers
// to, A's GC sweeps them, then B tries to land its record. It must be
// refused, never land a reference to a swept chunk.
import { randomUUID } from 'node:crypto';
import { Etcd3 } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from '../../src/blocks/file-io.ts';
import { openChunkStore } from '../../src/blocks/chunk-store.ts';
import { createLocalBlockStore } from '../../src/blocks/local-block-store.ts';
import type { BlockStore } from '../../src/blocks/block-store.ts';
import { createEtcdMetaStore } from '../../src/meta/etcd-meta-store.ts';
import { GC_LOCK_KEY, GC_SWEEPING_KEY } from '../../src/meta/keys.ts';
import { leaseExpired, takeLease } from '../../src/pfs/lease.ts';
import { createPfs, type Pfs } from '../../src/pfs/pfs.ts';
import { DatumFences } from '../../src/pps/fenced-datums.ts';
import type { DatumRecord } from '../../src/pps/records.ts';
import { PpsStore } from '../../src/pps/store.ts';
import { collect, seededBytes, streamOf } from '../helpers/bytes.ts';
import { etcdMissing, startEtcd, type TestEtcd } from '../helpers/etcd.ts';
import { branch, openPfsAt, path, put, ref, repo, type TestPfs } from '../helpers/pfs.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const LEASE_MS = 300;
const missing = etcdMissing();

describe('leases and the GC fence', () => {
  let tmp: TempDir | undefined;
  let t: TestPfs | undefined;
  afterEach(async () => {
    await t?.close();
    await tmp?.remove();
  });

  const open = async (clock?: { now(): number }): Promise<TestPfs> => {
    tmp = await createTempDir('strata-fence');
    return (t = await openPfsAt(tmp.path, { clock, leaseMs: LEASE_MS }));
  };

  it('a held lease is renewed past its first term; a dead holder is taken over; a stalled holder stops trusting it', async () => {
    let now = 1_000_000;
    const ctx = (await open({ now: () => now })).pfs.context;
    const lease = (await takeLease(ctx, GC_LOCK_KEY, undefined))!;
    const first = (await ctx.meta.get(GC_LOCK_KEY))!;
    now += LEASE_MS / 2;
    while (Buffer.from((await ctx.meta.get(GC_LOCK_KEY))!).equals(Buffer.from(first))) await new Promise((r) => setTimeout(r, 20));
    now += LEASE_MS / 2 + 1; // past the first term, within the renewed one
    expect(leaseExpired(first, now)).toBe(true);
    expect(leaseExpired((await ctx.meta.get(GC_LOCK_KEY))!, now)).toBe(false);
    expect(() => lease.check()).not.toThrow();
    lease.forget(); // the holder dies: no more renewals
    now += LEASE_MS * 2; // (and, had it lived, it would no longer trust its lease)
    expect(() => lease.check()).toThrow(/could not be renewed/);
    const taken = await takeLease(ctx, GC_LOCK_KEY, await ctx.meta.get(GC_LOCK_KEY));
    expect(taken).toBeDefined();
    await taken!.release();
    expect(await ctx.meta.get(GC_LOCK_KEY)).toBeUndefined();
  });

  it('a holder whose lease another server replaced sees it lost', async () => {
    const ctx = (await open()).pfs.context;
    const lease = (await takeLease(ctx, GC_LOCK_KEY, undefined))!;
    await ctx.meta.put(GC_LOCK_KEY, Buffer.from('{"owner":"other","until":0}'));
    while (!lease.lost.aborted) await new Promise((r) => setTimeout(r, 20));
    await expect(lease.pinned(async () => 'acted')).rejects.toMatchObject({ code: 'CONCURRENT_UPDATE' });
  });

});

describe.skipIf(missing !== undefined)(`the GC fence across two servers on etcd${missing ? ` (${missing})` : ''}`, () => {
  let etcd: TestEtcd;
  let tmp: TempDir;
  const closers: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    [etcd, tmp] = await Promise.all([startEtcd(), createTempDir('strata-fence2')]);
  }, 60_000);
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await Promise.all([etcd?.stop(), tmp?.remove()]);
  });

  /** Two servers' cores: one etcd prefix, one chunk directory, a chunk index each. */
  const servers = async (): Promise<[Pfs, Pfs]> => {
    const prefix = `fence-${randomUUID()}/`;
    const open = async (name: string): Promise<Pfs> => {
      const meta = await createEtcdMetaStore({ endpoints: etcd.endpoints, prefix });
      const blocks = await createLocalBlockStore({ root: `${tmp.path}/${prefix}blocks` });
      const chunks = await openChunkStore({ blocks, packTargetBytes: 1 << 20, indexDir: `${tmp.path}/${prefix}${name}-index` });
      closers.push(() => chunks.close(), () => meta.close(), () => blocks.close());
      return createPfs({ meta, chunks });
    };
    return [await open('a'), await open('b')];
  };

  /** Garbage: the bytes of a deleted repo (written through `pfs`), so nothing refers to their chunks. */
  const garbage = async (pfs: Pfs): Promise<Buffer> => {
    await pfs.createRepo(repo('r'));
    await pfs.createRepo(repo('gone'));
    const bytes = seededBytes('garbage', 2 << 20);
    await put(pfs, 'gone@main:/g', bytes);
    await pfs.deleteRepo(repo('gone'), { force: true });
    return bytes;
  };

  it('a one-off write opened while a sweep runs and landed after it never refers to a chunk the sweep deleted', async () => {
    const prefix = `fence-${randomUUID()}/`;
    const root = `${tmp.path}/${prefix}blocks`;
    let beforeIndexPut: (() => Promise<void>) | undefined;
    const open = async (name: string, hooked: boolean): Promise<Pfs> => {
      const meta = await createEtcdMetaStore({ endpoints: etcd.endpoints, prefix });
      const local = await createLocalBlockStore({ root });
      // A's sweep writes its new index after it chose what to delete, before it deletes anything: the test acts there.
      const blocks: BlockStore = hooked
        ? {
            ...local,
            async put(key, data) {
              const hook = key.startsWith('index/') ? beforeIndexPut : undefined;
              beforeIndexPut = undefined;
              await hook?.();
              return local.put(key, data);
            },
          }
        : local;
      const chunks = await openChunkStore({ blocks, packTargetBytes: 1 << 20, indexDir: `${tmp.path}/${prefix}${name}-index` });
      closers.push(() => chunks.close(), () => meta.close(), () => local.close());
      return createPfs({ meta, chunks });
    };
    const [a, b] = [await open('a', true), await open('b', false)];
    const bytes = await garbage(b);
    await put(b, 'r@main:/live', seededBytes('live', 100_000)); // live chunks: the sweep writes a new index
    let resume!: () => void;
    const paused = new Promise<void>((r) => {
      beforeIndexPut = async () => {
        r();
        await new Promise<void>((go) => (resume = go));
      };
    });
    const gc = a.gc({ graceMs: 0 });
    await paused; // A's fence is up and its sweep chose the garbage's pack; nothing is deleted yet
    // B opens a one-off write now (it reads the GC generation this sweep set) and deduplicates against the garbage.
    const w = await b.openWriter(repo('r'), { branch: branch('main') });
    await w.put(path('/again'), streamOf(bytes));
    resume();
    expect((await gc).packsDeleted).toBeGreaterThan(0);
    // The sweep is over and its fence down, and the chunks B's write names are gone: it must be refused, not take
    // the generation it read mid-sweep as clean (it landed, and read back as 'chunk ... is missing: no pack holds it').
    await expect(w.close()).rejects.toMatchObject({ code: 'CONCURRENT_UPDATE' });
    for (const pfs of [a, b]) {
      await expect(pfs.inspectFile(ref('r@main'), path('/again'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
      expect((await pfs.fsck({ verifyData: true })).problems).toEqual([]);
    }
  });

  it('a multipart part that deduplicated against chunks a sweep deleted is refused', async () => {
    const [a, pfs] = await servers();
    const bytes = await garbage(pfs);
    const up = await pfs.uploads.create(repo('r'), branch('main'), path('/big'));
    let resume!: () => void;
    const gate = new Promise<void>((r) => (resume = r));
    let sent!: () => void;
    const halfway = new Promise<void>((r) => (sent = r));
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield* streamOf(bytes); // deduplicated against the garbage as it streams...
      yield* streamOf(seededBytes('more', 8 << 20)); // ...which the chunking pipeline's read-ahead has passed by now
      sent();
      await gate;
      yield Buffer.from('tail');
    }
    const part = pfs.uploads.putPart(repo('r'), up.id, 1, slow());
    await halfway;
    await a.gc({ graceMs: 0 });
    resume();
    await expect(part).rejects.toMatchObject({ code: 'CONCURRENT_UPDATE' });
    expect(await pfs.uploads.listParts(repo('r'), up.id)).toEqual([]);
    expect((await a.fsck({})).problems).toEqual([]);
  });

  it('a sweep whose etcd lease ended before its deletes (revoked in etcd) deletes nothing; the next GC does', async () => {
    const prefix = `fence-${randomUUID()}/`;
    const meta = await createEtcdMetaStore({ endpoints: etcd.endpoints, prefix });
    const local = await createLocalBlockStore({ root: `${tmp.path}/${prefix}blocks` });
    const deleted: string[] = [];
    let beforeIndexPut: (() => Promise<void>) | undefined;
    // The local store, seeing every delete, and letting the test act when the sweep writes its new index (after
    // it has chosen what to delete, before it deletes anything).
    const blocks: BlockStore = {
      ...local,
      async put(key, data) {
        const hook = key.startsWith('index/') ? beforeIndexPut : undefined;
        beforeIndexPut = undefined;
        await hook?.();
        return local.put(key, data);
      },
      async delete(key) {
        deleted.push(key);
        return local.delete(key);
      },
    };
    const chunks = await openChunkStore({ blocks, packTargetBytes: 1 << 20, indexDir: `${tmp.path}/${prefix}index` });
    const admin = new Etcd3({ hosts: etcd.endpoints.map((e) => `http://${e}`) });
    closers.push(() => chunks.close(), () => meta.close(), () => local.close(), async () => admin.close());
    // A long lease: this process renews it every 10 s, so only etcd can tell it was revoked in between.
    const pfs = await createPfs({ meta, chunks, leaseMs: 30_000 });
    await garbage(pfs);
    const live = seededBytes('live', 300_000);
    await put(pfs, 'r@main:/live', live);

    beforeIndexPut = async () => {
      const record = JSON.parse(Buffer.from((await meta.get(GC_SWEEPING_KEY))!).toString()) as { lease: string };
      await admin.leaseClient.leaseRevoke({ ID: record.lease }); // as `etcdctl lease revoke` would: etcd drops the fence
      expect(await meta.get(GC_SWEEPING_KEY)).toBeUndefined();
    };
    await expect(pfs.gc({ graceMs: 0 })).rejects.toMatchObject({ code: 'CONCURRENT_UPDATE', message: expect.stringContaining('no longer holds its lease') });
    expect(beforeIndexPut).toBeUndefined(); // the revocation happened, mid-sweep
    expect(deleted).toEqual([]);
    const at = ref('r@main:/live');
    expect((await collect(await pfs.getFile(at, at.path!))).equals(live)).toBe(true);

    // The same sweep with its lease: it deletes the garbage packs the first one was refused.
    const report = await pfs.gc({ graceMs: 0 });
    expect(report.packsDeleted).toBeGreaterThan(0);
    expect(deleted.filter((k) => k.startsWith('packs/')).length).toBe(report.packsDeleted);
    expect((await pfs.fsck({ verifyData: true })).problems).toEqual([]);
  });

  it('rebuilding the chunk index takes the GC lock: refused while a GC runs elsewhere; a lock revoked in etcd mid-rebuild deletes nothing', async () => {
    const prefix = `fence-${randomUUID()}/`;
    const local = await createLocalBlockStore({ root: `${tmp.path}/${prefix}blocks` });
    const deleted: string[] = [];
    let beforeIndexPut: (() => Promise<void>) | undefined;
    const blocks: BlockStore = {
      ...local,
      async put(key, data) {
        const hook = key.startsWith('index/') ? beforeIndexPut : undefined;
        beforeIndexPut = undefined;
        await hook?.();
        return local.put(key, data);
      },
      async delete(key) {
        deleted.push(key);
        return local.delete(key);
      },
    };
    const open = async (name: string): Promise<Pfs> => {
      const meta = await createEtcdMetaStore({ endpoints: etcd.endpoints, prefix });
      // One index object per pack: the rebuild replaces several by one, so it has old ones to delete.
      const chunks = await openChunkStore({ blocks, packTargetBytes: 64 << 10, indexEveryPacks: 1, indexDir: `${tmp.path}/${prefix}${name}-index` });
      closers.push(() => chunks.close(), () => meta.close());
      return createPfs({ meta, chunks, leaseMs: 30_000 });
    };
    closers.push(() => local.close());
    const [a, b] = [await open('a'), await open('b')];
    await b.createRepo(repo('r'));
    const bytes = seededBytes('rebuild', 1 << 20);
    await put(b, 'r@main:/f', bytes);
    for (let i = 0; i < 3; i++) await put(b, `r@main:/more${i}`, seededBytes(`more${i}`, 100_000)); // a flush, a pack and an index object each
    const indexObjects = async (): Promise<string[]> => {
      const out: string[] = [];
      for await (const k of local.list('index/')) out.push(k);
      return out;
    };
    expect((await indexObjects()).length).toBeGreaterThan(1);

    // A's GC holds the lock (as mid-sweep, when it rewrites index objects itself): B's rebuild is refused, deleting nothing.
    const gc = (await takeLease(a.context, GC_LOCK_KEY, undefined))!;
    await expect(b.rebuildChunkIndex()).rejects.toMatchObject({ code: 'CONCURRENT_UPDATE' });
    expect(deleted).toEqual([]);
    await gc.release();

    // The lock B's rebuild holds is revoked in etcd after it wrote its fresh index, before it deleted the old one.
    const admin = new Etcd3({ hosts: etcd.endpoints.map((e) => `http://${e}`) });
    closers.push(async () => admin.close());
    beforeIndexPut = async () => {
      const record = JSON.parse(Buffer.from((await b.context.meta.get(GC_LOCK_KEY))!).toString()) as { lease: string };
      await admin.leaseClient.leaseRevoke({ ID: record.lease });
    };
    await expect(b.rebuildChunkIndex()).rejects.toMatchObject({ code: 'CONCURRENT_UPDATE', message: expect.stringContaining('no longer holds its lease') });
    expect(beforeIndexPut).toBeUndefined();
    expect(deleted).toEqual([]);

    // With the lock held throughout, it deletes the old objects; every byte reads back through both servers.
    const result = await b.rebuildChunkIndex();
    expect(result.corruptPacks).toEqual([]);
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.every((k) => k.startsWith('index/'))).toBe(true);
    for (const pfs of [a, b]) {
      const at = ref('r@main:/f');
      expect((await collect(await pfs.getFile(at, at.path!))).equals(bytes)).toBe(true);
      expect((await pfs.fsck({ verifyData: true })).problems).toEqual([]);
    }
  });

  it('datum outputs that deduplicated against chunks a sweep deleted are not recorded', async () => {
    const [a, pfs] = await servers();
    const bytes = await garbage(pfs);
    const fences = new DatumFences(pfs);
    const store = new PpsStore(pfs.context.meta);
    const datum = async (id: string): Promise<DatumRecord> => {
      const fence = await fences.read(); // as processDatum does, before storing outputs
      const out = await writeFile(pfs.context.chunks, streamOf(bytes));
      const r: DatumRecord = { id, job: 'j', hash: `h${id}`, state: 'success', inputs: [], outputs: [{ path: '/o', ...out }], fromJob: null, tries: 1, reason: '', startedAt: 0, finishedAt: 0 };
      fences.remember(r, fence);
      return r;
    };
    const kept = await datum('a');
    await store.putDatums('p', [kept], fences.writer([kept], 'datum a')); // no sweep meanwhile: lands
    await store.deletePipeline('p');
    const swept = await datum('b');
    await a.gc({ graceMs: 0 });
    await expect(store.putDatums('p', [swept], fences.writer([swept], 'datum b'))).rejects.toMatchObject({ code: 'CONCURRENT_UPDATE' });
    expect((await store.done('p')).size).toBe(0);
  });
});
