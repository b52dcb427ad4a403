// Two real servers on a real 3-member etcd cluster and one shared store (an
// S3 bucket on s3rver, or one local directory); the etcd leader is killed
// (SIGKILL) while both servers take writes, with commits in flight. The two
// members left keep a quorum and elect a new leader: the servers keep
// working, a call cut by the election fails with a clear retryable error
// (never a wrong answer), the client retries it through the other server,
// and every acknowledged write reads back through both servers.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { header, putFile, SHARED_STORES, startCluster, type TestCluster } from '../helpers/cluster.ts';
import { etcdMissing, type TestEtcd } from '../helpers/etcd.ts';
import { modify, serverStream, streamBytes, unary, type RawClient, type TestServer } from '../helpers/server.ts';

const missing = etcdMissing();
/** What a call cut by an etcd leader change may fail with: retry it. */
const RETRYABLE = new Set(['UNAVAILABLE', 'META_IO', 'CONCURRENT_UPDATE', 'DEADLINE_EXCEEDED']);

describe.skipIf(missing !== undefined).each(SHARED_STORES)(`the etcd leader killed under load: %s${missing ? ` (${missing})` : ''}`, (store) => {
  let cluster: TestCluster;
  let etcd: TestEtcd;
  let servers: TestServer[] = [];
  let clients: RawClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ store, prefix: 'cluster-test', etcdMembers: 3, sequential: true });
    etcd = cluster.etcd;
    servers = cluster.nodes.map((n) => n.server);
    clients = cluster.nodes.map((n) => n.client);
  }, 120_000);

  afterAll(() => cluster?.stop());

  it('servers keep serving: cut calls fail retryably, every acknowledged write survives', async () => {
    await unary(clients[0]!, 'CreateRepo', { name: 'load' });
    const acked = new Map<string, Buffer>();
    const retried: string[] = [];
    let inFlight = 0;
    /** Writer w writes through server w, and retries a cut call through the other server. */
    const write = async (w: number, path: string): Promise<void> => {
      const bytes = randomBytes(10_000);
      for (let attempt = 0; ; attempt++) {
        let failure: unknown;
        inFlight++;
        try {
          await modify(clients[(w + attempt) % clients.length]!, [header('load@main'), ...putFile(path, bytes)]);
        } catch (err) {
          failure = err;
        } finally {
          inFlight--;
        }
        if (failure === undefined) {
          acked.set(path, bytes);
          return;
        }
        const code = (failure as { code?: string }).code ?? String(failure);
        if (!RETRYABLE.has(code) || attempt >= 40) throw failure;
        retried.push(code);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    let killAt!: () => void;
    const tenDone = new Promise<void>((r) => (killAt = r));
    const writers = clients.map(async (_, w) => {
      for (let i = 0; i < 20; i++) {
        await write(w, `/w${w}-${i}`);
        if (acked.size >= 10) killAt();
      }
    });
    await tenDone;
    const leader = await etcd.leader();
    while (inFlight === 0) await new Promise((r) => setImmediate(r)); // the writers never pause: only between two calls
    const cut = inFlight; // commits the kill lands in the middle of
    await etcd.kill(leader);
    await Promise.all(writers);
    expect(cut).toBeGreaterThan(0);
    expect(acked.size).toBe(40);
    expect(leader.running()).toBe(false);
    expect(await etcd.leader()).not.toBe(leader); // the two left elected a new leader
    for (const client of clients) {
      expect((await serverStream(client, 'ListFile', { dir: 'load@main:/' })).length).toBe(40);
      for (const [path, bytes] of acked) expect((await streamBytes(client, 'GetFile', { file: `load@main:${path}` })).equals(bytes)).toBe(true);
      expect((await unary(client, 'Fsck', {})).problems).toEqual([]);
    }
    for (const server of servers) expect((await fetch(`${server.httpUrl}/readyz`)).status).toBe(200);
    console.log(`etcd leader ${leader.name} killed with ${cut} commit(s) in flight; calls retried: ${retried.length} (${[...new Set(retried)].join(', ') || 'none'})`);
  });
});
