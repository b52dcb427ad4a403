// Three real servers on one store (issue 13 asks for 2-3): metadata in a
// real etcd, chunks in one S3 bucket (s3rver) or one local directory
// (--blocks-dir, as on a shared file system), each server its own process.
// Turns on a branch are between more than two servers here: each waiter says
// it waits, and the holder's bounded runs must let both others in.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { header, oneOffCommits, putFile, SHARED_STORES, startCluster, type TestCluster } from '../helpers/cluster.ts';
import { etcdMissing } from '../helpers/etcd.ts';
import { modify, serverStream, streamBytes, unary, type RawClient, type TestServer } from '../helpers/server.ts';

const missing = etcdMissing();
/** Writes per server in the concurrent test (fewer in CI). */
const PER_SERVER = process.env.CI ? 8 : 16;

describe.skipIf(missing !== undefined).each(SHARED_STORES)(`three servers on etcd and one store: %s${missing ? ` (${missing})` : ''}`, (store) => {
  let cluster: TestCluster;
  let servers: TestServer[] = [];
  let clients: RawClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ store, prefix: 'three', servers: 3 });
    servers = cluster.nodes.map((n) => n.server);
    clients = cluster.nodes.map((n) => n.client);
  }, 120_000);

  afterAll(() => cluster?.stop());

  it('a commit through A is read through C at once, and through B', async () => {
    const [a, b, c] = clients as [RawClient, RawClient, RawClient];
    await unary(a, 'CreateRepo', { name: 'seen' });
    const bytes = randomBytes(300_000);
    const info = await modify(a, [header('seen@main'), ...putFile('/x.bin', bytes)]);
    expect((await streamBytes(c, 'GetFile', { file: `seen@${info.id}:/x.bin` })).equals(bytes)).toBe(true);
    expect((await streamBytes(c, 'GetFile', { file: 'seen@main:/x.bin' })).equals(bytes)).toBe(true);
    expect((await streamBytes(b, 'GetFile', { file: 'seen@main:/x.bin' })).equals(bytes)).toBe(true);
  });

  it('concurrent writers through three servers to one branch lose no update; every server reads every file', async () => {
    await unary(clients[0]!, 'CreateRepo', { name: 'race3' });
    // One commit through each server first: each has then found the branch written through another, so takes turns on it.
    for (const [i, c] of clients.entries()) await modify(c, [header('race3@main'), ...putFile(`/first${i}`, Buffer.from(String(i)))]);
    const before = await oneOffCommits(servers);
    const written = new Map<string, Buffer>();
    await Promise.all(
      clients.flatMap((c, s) =>
        Array.from({ length: PER_SERVER }, async (_, i) => {
          const bytes = randomBytes(1000);
          await modify(c, [header('race3@main'), ...putFile(`/s${s}-${i}`, bytes)]);
          written.set(`/s${s}-${i}`, bytes);
        }),
      ),
    );
    const after = await oneOffCommits(servers);
    expect(after.landed - before.landed).toBe(3 * PER_SERVER);
    const total = 3 * PER_SERVER + 3;
    for (const c of clients) {
      expect(await serverStream(c, 'ListFile', { dir: 'race3@main:/' })).toHaveLength(total);
      expect(await serverStream(c, 'ListCommit', { ref: 'race3@main' })).toHaveLength(total);
    }
    const c = clients[2]!;
    for (const [path, bytes] of written) expect((await streamBytes(c, 'GetFile', { file: `race3@main:${path}` })).equals(bytes)).toBe(true);
    expect((await unary(clients[1]!, 'Fsck', { verifyData: true })).problems).toEqual([]);
  });
});
