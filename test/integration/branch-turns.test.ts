// Turns on one branch written through two servers (src/pfs/branch-turn.ts):
// two servers' cores on one real etcd and one chunk directory. A server with
// writers of the branch queued keeps the turn for them instead of handing
// it over after every commit, but for at most KEEP_COMMITS commits in a row
// while the other server waits for it. (Writers that can be handed to the
// holder's group are, test/e2e/scale-handoff.test.ts; appends here cannot.)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChunkStore } from '../../src/blocks/chunk-store.ts';
import { createLocalBlockStore } from '../../src/blocks/local-block-store.ts';
import { createEtcdMetaStore } from '../../src/meta/etcd-meta-store.ts';
import { turnKey } from '../../src/meta/keys.ts';
import { KEEP_COMMITS } from '../../src/pfs/branch-turn.ts';
import { createPfs, type Pfs } from '../../src/pfs/pfs.ts';
import { streamOf } from '../helpers/bytes.ts';
import { etcdMissing, startEtcd, type TestEtcd } from '../helpers/etcd.ts';
import { all, branch, path, put, ref, repo } from '../helpers/pfs.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const missing = etcdMissing();
const WRITERS = 12;

describe.skipIf(missing !== undefined)(`turns on a branch written through two servers${missing ? ` (${missing})` : ''}`, () => {
  let etcd: TestEtcd;
  let tmp: TempDir;
  const closers: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    [etcd, tmp] = await Promise.all([startEtcd(), createTempDir('strata-turns')]);
  }, 60_000);
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await Promise.all([etcd?.stop(), tmp?.remove()]);
  });

  const server = async (prefix: string, name: string): Promise<Pfs> => {
    const meta = await createEtcdMetaStore({ endpoints: etcd.endpoints, prefix });
    const blocks = await createLocalBlockStore({ root: `${tmp.path}/${prefix}blocks` });
    const chunks = await openChunkStore({ blocks, indexDir: `${tmp.path}/${prefix}${name}-index` });
    closers.push(() => chunks.close(), () => meta.close(), () => blocks.close());
    return createPfs({ meta, chunks });
  };

  const until = async (what: () => boolean): Promise<void> => {
    while (!what()) await new Promise((r) => setTimeout(r, 10));
  };

  it('queued writers land in runs under one turn, none longer than KEEP_COMMITS while the other server waits; no update lost, none built twice', async () => {
    const prefix = `turns-${randomUUID()}/`;
    const a = await server(prefix, 'a');
    const b = await server(prefix, 'b');
    const [r, main] = [repo('r'), branch('main')];
    await a.createRepo(r);
    // One commit through each: each has then found the branch written through the other, so takes turns on it.
    // The first makes the files the writers below append to.
    const w = await a.openWriter(r, { branch: main });
    for (const s of ['a', 'b']) for (let i = 0; i < WRITERS; i++) await w.put(path(`/${s}${i}`), streamOf(Buffer.from('start ')));
    await w.close();
    await put(b, 'r@main:/first-b', 'b');

    // A third holder has the turn while both servers' writers queue: both wait for it, and each learns the other waits.
    const meta = a.context.meta;
    // B keeps the turn a moment after landing, for handoffs: wait until it gave it back.
    while ((await meta.get(turnKey(r, main))) !== undefined) await new Promise((res) => setTimeout(res, 10));
    const lease = await meta.grantLease!(30_000);
    expect(await meta.batch([{ type: 'put', key: turnKey(r, main), value: Buffer.from('third/1'), lease }], [{ key: turnKey(r, main), expected: undefined }])).toBe(true);
    const rebuilt0 = a.context.oneOff.rebuilt + b.context.oneOff.rebuilt;
    const by = new Map<string, 'a' | 'b'>();
    const writes = [a, b].flatMap((pfs, s) =>
      Array.from({ length: WRITERS }, async (_, i) => {
        // Appends: their rebase check reads the files, so they wait for the turn rather than be handed off.
        const info = await pfs.putFile(r, { branch: main }, path(`/${s ? 'b' : 'a'}${i}`), streamOf(Buffer.from(`${s}-${i}`)), { append: true });
        by.set(info.id, s ? 'b' : 'a');
      }),
    );
    await until(() => a.context.turns.othersWaiting(r, main) === 1 && b.context.turns.othersWaiting(r, main) === 1);
    await meta.batch([{ type: 'del', key: turnKey(r, main) }], []);
    await Promise.all(writes);
    await lease.revoke();

    const log = await all(a.log(ref('r@main')));
    expect(log).toHaveLength(2 * WRITERS + 2);
    const files = await all(b.listFiles(ref('r@main'), path('/')));
    expect(files).toHaveLength(2 * WRITERS + 1);
    for (const f of files) if (f.path !== '/first-b') expect(f.size).toBe('start '.length + 3 + (f.path.length > 3 ? 1 : 0));
    expect(a.context.oneOff.rebuilt + b.context.oneOff.rebuilt - rebuilt0).toBe(0);
    // Runs of consecutive commits through one server, oldest first.
    const runs: { server: string; length: number }[] = [];
    for (const c of log.slice(0, 2 * WRITERS).reverse()) {
      const s = by.get(c.id)!;
      if (runs.at(-1)?.server === s) runs.at(-1)!.length++;
      else runs.push({ server: s, length: 1 });
    }
    // Handing the turn over after every commit made ~2 x WRITERS runs of 1; keeping it without a bound, 2 runs of WRITERS.
    expect(Math.max(...runs.map((x) => x.length)), JSON.stringify(runs)).toBeLessThanOrEqual(KEEP_COMMITS);
    expect(runs.length, JSON.stringify(runs)).toBeLessThanOrEqual(2 * Math.ceil(WRITERS / KEEP_COMMITS) + 1);
  });
});
