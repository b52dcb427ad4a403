// What a server reads from the object store when it looks at a commit another
// server made: two servers' cores on one real etcd and one chunk directory.
// Inspecting or waiting for the commit needs its record only; reading its
// files needs its index, found in the packs its record names. (Every commit
// moves a head, and each server's pipeline controller looks at the commit:
// that once cost a whole-pack GET per commit made through another server.)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockStore } from '../../src/blocks/block-store.ts';
import { openChunkStore } from '../../src/blocks/chunk-store.ts';
import { createLocalBlockStore } from '../../src/blocks/local-block-store.ts';
import { createEtcdMetaStore } from '../../src/meta/etcd-meta-store.ts';
import { createPfs, type Pfs } from '../../src/pfs/pfs.ts';
import { etcdMissing, startEtcd, type TestEtcd } from '../helpers/etcd.ts';
import { branch, get, path, put, ref, repo } from '../helpers/pfs.ts';
import { streamOf } from '../helpers/bytes.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const missing = etcdMissing();

describe.skipIf(missing !== undefined)(`a commit made through another server${missing ? ` (${missing})` : ''}`, () => {
  let etcd: TestEtcd;
  let tmp: TempDir;
  const closers: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    [etcd, tmp] = await Promise.all([startEtcd(), createTempDir('strata-shared-reads')]);
  }, 60_000);
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await Promise.all([etcd?.stop(), tmp?.remove()]);
  });

  /** A server's core whose object-store reads are counted. */
  const server = async (prefix: string, name: string): Promise<{ pfs: Pfs; reads: string[] }> => {
    const meta = await createEtcdMetaStore({ endpoints: etcd.endpoints, prefix });
    const local = await createLocalBlockStore({ root: `${tmp.path}/${prefix}blocks` });
    const reads: string[] = [];
    const blocks: BlockStore = {
      ...local,
      get: (key) => (reads.push(`get ${key}`), local.get(key)),
      getRange: (key, offset, length) => (reads.push(`getRange ${key}`), local.getRange(key, offset, length)),
      stat: (key) => (reads.push(`stat ${key}`), local.stat(key)),
      list: (p) => (reads.push(`list ${p}`), local.list(p)),
    };
    const chunks = await openChunkStore({ blocks, indexDir: `${tmp.path}/${prefix}${name}-index` });
    closers.push(() => chunks.close(), () => meta.close(), () => local.close());
    return { pfs: await createPfs({ meta, chunks }), reads };
  };

  it('is inspected and waited for without an object-store read; its files are read from the packs its record names', async () => {
    const prefix = `reads-${randomUUID()}/`;
    const a = await server(prefix, 'a');
    const b = await server(prefix, 'b');
    await a.pfs.createRepo(repo('r'));
    await put(a.pfs, 'r@main:/f', 'made through A');
    const head = await a.pfs.inspectCommit(ref('r@main'));

    b.reads.length = 0;
    expect((await b.pfs.inspectCommit(ref(`r@${head.id}`))).state).toBe('finished');
    expect((await b.pfs.inspectCommit(ref('r@main'))).id).toBe(head.id);
    expect((await b.pfs.waitCommit(ref(`r@${head.id}`))).id).toBe(head.id);
    expect(b.reads).toEqual([]);

    expect(await get(b.pfs, 'r@main:/f')).toBe('made through A');
    expect(b.reads.length).toBeGreaterThan(0);
    expect(b.reads.filter((r) => r.startsWith('list'))).toEqual([]); // found through the record's packs, not a listing
  });

  it('a writer that builds on its own server\'s last landing without reading the branch again loses no update when another server moved the branch meanwhile', async () => {
    const prefix = `landed-${randomUUID()}/`;
    const a = await server(prefix, 'a');
    const b = await server(prefix, 'b');
    await a.pfs.createRepo(repo('r'));
    await put(a.pfs, 'r@main:/one', 'one through A'); // A's last landing on r@main
    const w = await a.pfs.openWriter(repo('r'), { branch: branch('main') }); // finds the branch as A left it
    await w.put(path('/two'), streamOf(Buffer.from('two through A')));
    await put(b.pfs, 'r@main:/three', 'three through B'); // moves the head before A's writer lands
    const rebuilt = a.pfs.context.oneOff.rebuilt;
    const landed = await w.close();
    expect(a.pfs.context.oneOff.rebuilt).toBe(rebuilt + 1); // the landing on the stale record was refused by compare-and-set, then built again
    const head = await b.pfs.inspectCommit(ref('r@main'));
    expect(head.id).toBe(landed.id);
    for (const [f, text] of [['one', 'one through A'], ['two', 'two through A'], ['three', 'three through B']]) expect(await get(b.pfs, `r@main:/${f}`)).toBe(text);
  });
});
