// Leases on etcd need no agreement between clocks: a holder paused past its
// lease (SIGSTOP, as a long GC pause or a frozen VM would) finds, when it
// resumes, that every write it makes under the lease is refused, by its own
// check and, without that check, by etcd's transaction. Real etcd, the real
// lease code in a child process (etcd-lease-holder.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createEtcdMetaStore } from '../../src/meta/etcd-meta-store.ts';
import type { PfsContext } from '../../src/pfs/context.ts';
import { takeLease } from '../../src/pfs/lease.ts';
import { etcdMissing, startEtcd, type TestEtcd } from '../helpers/etcd.ts';

const missing = etcdMissing();
const holder = fileURLToPath(new URL('./etcd-lease-holder.ts', import.meta.url));
const LEASE_MS = 2000;

describe.skipIf(missing !== undefined)(`etcd leases fence a paused holder${missing ? ` (${missing})` : ''}`, () => {
  let etcd: TestEtcd | undefined;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await etcd?.stop();
  });

  it('a holder stopped past its lease, resumed after another server took the lease over, cannot write under it', async () => {
    etcd = await startEtcd();
    const prefix = `fence-${randomUUID()}/`;
    const key = 'gc/lock';
    child = spawn(process.execPath, ['--import', 'tsx', holder, etcd.endpoints[0]!, prefix, key, String(LEASE_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const next = async (): Promise<string> => {
      const { value, done } = await lines.next();
      if (done) throw new Error('holder exited early');
      return value as string;
    };
    const held = await next();
    expect(held).toMatch(/^held \{"owner":"[^"]+","lease":"\d+"\}$/);

    const meta = await createEtcdMetaStore({ endpoints: etcd.endpoints, prefix });
    try {
      child.kill('SIGSTOP');
      // No keep-alives now: etcd ends the lease and deletes the record by itself (no clock of ours decides).
      while ((await meta.get(key)) !== undefined) await new Promise((r) => setTimeout(r, 100));
      const ctx = { meta, clock: { now: () => Date.now() }, leaseMs: LEASE_MS, log: { info: () => undefined, warn: () => undefined } } as unknown as PfsContext;
      const mine = await takeLease(ctx, key, undefined);
      expect(mine).toBeDefined();
      const taken = await meta.get(key);

      child.kill('SIGCONT');
      child.stdin!.write('write\n');
      const result = JSON.parse(await next()) as { pinned: string; raw: string };
      expect(result.pinned).toMatch(/^refused here: lost the lease on gc\/lock/);
      expect(result.raw).toBe('refused by etcd');
      expect(await meta.get('victim')).toBeUndefined();
      expect(Buffer.from((await meta.get(key))!).equals(Buffer.from(taken!))).toBe(true); // the new holder's record, untouched
      mine!.check(); // and the new holder still holds it
      await mine!.release();
      expect(await meta.get(key)).toBeUndefined();
    } finally {
      await meta.close();
    }
  }, 60_000);
});
