// Child process for etcd-lease-fencing.test.ts: takes a lease (the code GC
// locks and finish claims use) on a real etcd, says so, and waits. When told
// "write" on stdin (after the test paused it past the lease and resumed it),
// it tries two writes under the lease it believed it held and prints what
// became of each: one through the lease (pinned), one with the raw fencing
// condition alone, bypassing the holder's own check, so only etcd decides.
import { createInterface } from 'node:readline';
import { createEtcdMetaStore } from '../../src/meta/etcd-meta-store.ts';
import type { PfsContext } from '../../src/pfs/context.ts';
import { takeLease } from '../../src/pfs/lease.ts';

const [endpoint, prefix, key, leaseMs] = process.argv.slice(2) as [string, string, string, string];
const meta = await createEtcdMetaStore({ endpoints: [endpoint], prefix });
const ctx = { meta, clock: { now: () => Date.now() }, leaseMs: Number(leaseMs), log: { info: () => undefined, warn: () => undefined } } as unknown as PfsContext;
const lease = await takeLease(ctx, key, undefined);
if (!lease) throw new Error('lease not taken');
const record = await meta.get(key);
process.stdout.write(`held ${Buffer.from(record!).toString()}\n`);

const outcome = async (fn: () => Promise<boolean>): Promise<string> => {
  try {
    return (await fn()) ? 'written' : 'refused by etcd';
  } catch (err) {
    return `refused here: ${(err as Error).message}`;
  }
};
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'write') continue;
  const pinned = await outcome(() => lease.pinned((held) => meta.batch([{ type: 'put', key: 'victim', value: Buffer.from('pinned') }], [held])));
  const raw = await outcome(() => meta.batch([{ type: 'put', key: 'victim', value: Buffer.from('raw') }], [{ key, expected: record }]));
  process.stdout.write(`${JSON.stringify({ pinned, raw })}\n`);
  break;
}
await meta.close();
