// The MetaStore contract against a real etcd (one member started here), each
// test under its own key prefix; plus what only the etcd adapter has.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createEtcdMetaStore } from '../../src/meta/etcd-meta-store.ts';
import { etcdMissing, startEtcd, type TestEtcd } from '../helpers/etcd.ts';
import { describeMetaStoreContract } from './meta-store.contract.ts';
import { b, collect, rejectsWith } from './meta-store-helpers.ts';

const missing = etcdMissing();
let etcd: Promise<TestEtcd> | undefined;
const shared = (): Promise<TestEtcd> => (etcd ??= startEtcd());
afterAll(async () => {
  if (etcd) await (await etcd).stop();
});

if (missing) {
  describe.skip(`MetaStore contract: etcd (${missing})`, () => it('needs etcd', () => undefined));
} else {
  describeMetaStoreContract('etcd', async () => {
    const { endpoints } = await shared();
    const prefix = `t-${randomUUID()}/`;
    return {
      open: () => createEtcdMetaStore({ endpoints, prefix }),
      persistent: true,
      exclusive: false,
      cleanup: async () => {
        const store = await createEtcdMetaStore({ endpoints, prefix });
        for await (const [key] of store.scan()) await store.del(key);
        await store.close();
      },
    };
  });

  describe('createEtcdMetaStore', () => {
    it('keeps each prefix apart: a store sees only its own keys', async () => {
      const { endpoints } = await shared();
      const [a, c] = await Promise.all([createEtcdMetaStore({ endpoints, prefix: `p-${randomUUID()}/` }), createEtcdMetaStore({ endpoints, prefix: `p-${randomUUID()}/` })]);
      try {
        await a.put('k', b('a'));
        expect(await c.get('k')).toBeUndefined();
        expect(await collect(c.scan())).toEqual([]);
        expect(await collect(a.scan())).toEqual(['k']);
      } finally {
        await Promise.all([a.close(), c.close()]);
      }
    });

    it('pages a scan of more keys than one page, in both directions, from one snapshot', async () => {
      const { endpoints } = await shared();
      const store = await createEtcdMetaStore({ endpoints, prefix: `p-${randomUUID()}/` });
      try {
        const keys = Array.from({ length: 300 }, (_, i) => `k/${String(i).padStart(4, '0')}`);
        for (let i = 0; i < keys.length; i += 100) await store.batch(keys.slice(i, i + 100).map((key) => ({ type: 'put' as const, key, value: b(key) })));
        const seen: string[] = [];
        for await (const [key] of store.scan({ prefix: 'k/' })) {
          if (seen.length === 150) await store.put('k/9999', b('late'));
          seen.push(key);
        }
        expect(seen).toEqual(keys);
        expect(await collect(store.scan({ prefix: 'k/', reverse: true, limit: 200 }))).toEqual([...keys, 'k/9999'].reverse().slice(0, 200));
      } finally {
        await store.close();
      }
    });

    it('fails with META_IO naming the endpoints when etcd does not answer', async () => {
      const err = await rejectsWith(createEtcdMetaStore({ endpoints: ['127.0.0.1:1'], prefix: 'x/', dialTimeoutMs: 500 }), 'META_IO');
      expect(err.message).toContain('etcd at 127.0.0.1:1');
    });
  });
}
