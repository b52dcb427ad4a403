// The pipeline controller among servers sharing etcd (issue 13: "one leader
// via an etcd election; a killed leader is replaced within seconds"), on a
// shared local directory and on s3rver. Server A starts alone and runs a
// job, so it leads; B starts after it and waits as a candidate. kill -9 of
// A: B must be elected within a bound set by the election's lease, not by
// our speed (A's lease runs out ELECTION_TTL_SECONDS after its last
// keep-alive, then B's campaign wins; 4x that allows for a loaded machine),
// then run the job of a commit made through it.
import type { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createPpsClient, type PpsClient, type StrataClient } from '../../client/sdk/index.ts';
import { ELECTION_TTL_SECONDS } from '../../src/meta/leader-election.ts';
import { SHARED_STORES, startCluster, type TestCluster } from '../helpers/cluster.ts';
import { etcdMissing } from '../helpers/etcd.ts';
import { jobFor, spec, text } from '../helpers/pps.ts';
import type { TestServer } from '../helpers/server.ts';

const missing = etcdMissing();
const PREFIX = 'pps-leader';
/** The most a takeover may take: the dead leader's election lease, four times over. */
const TAKEOVER_BOUND_MS = 4 * ELECTION_TTL_SECONDS * 1000;

interface Node {
  server: TestServer;
  pfs: StrataClient;
  pps: PpsClient;
}

describe.skipIf(missing !== undefined).each(SHARED_STORES)(`the pipeline leader killed: %s${missing ? ` (${missing})` : ''}`, (store) => {
  let cluster: TestCluster;
  let admin: Etcd3;
  const nodes: Node[] = [];

  const start = async (): Promise<Node> => {
    const { server } = await cluster.start();
    const node = { server, pfs: createClient({ address: server.grpcAddress }), pps: createPpsClient({ address: server.grpcAddress }) };
    nodes.push(node);
    return node;
  };

  /** The controller's election keys (one per candidate, each on its lease), oldest (the leader) first. */
  const candidates = async (): Promise<string[]> => {
    const res = await admin.getAll().prefix(`${PREFIX}/election/`).sort('Create', 'Ascend').keys();
    return res.filter((k) => k.includes('pps-controller'));
  };

  beforeAll(async () => {
    cluster = await startCluster({ store, prefix: PREFIX, servers: 0 });
    admin = cluster.etcdClient();
  }, 60_000);

  afterAll(async () => {
    for (const n of nodes) {
      n.pfs.close();
      n.pps.close();
    }
    await cluster?.stop();
  });

  it('kill -9 of the server running the controller: the other is elected within the lease bound and runs the next job', async () => {
    const a = await start();
    await a.pfs.createRepo('src');
    await a.pps.createPipeline(spec('copy', { pfs: { repo: 'src', glob: '/*' } }, 'cp /pfs/src/* /pfs/out/'));
    const first = (await a.pfs.put('src@main:/one', Buffer.from('one'))).commit.id;
    expect(await jobFor(a.pps, 'copy', first)).toMatchObject({ state: 'success' }); // A alone: A leads
    const [leaderA] = await candidates();
    expect(leaderA).toBeDefined();
    const b = await start();
    // B campaigns as it starts: its key is there, behind A's.
    let both = await candidates();
    for (let i = 0; both.length < 2 && i < 300; i++) {
      await new Promise((r) => setTimeout(r, 100));
      both = await candidates();
    }
    expect(both).toHaveLength(2);
    expect(both[0]).toBe(leaderA);

    a.server.child.kill('SIGKILL');
    await a.server.stop();
    const killedAt = performance.now();
    // Polled up to twice the bound, so a slow takeover fails on the bound below with its time, not on the test's timeout.
    let now = await candidates();
    while (now[0] === leaderA && performance.now() - killedAt < 2 * TAKEOVER_BOUND_MS) {
      await new Promise((r) => setTimeout(r, 50));
      now = await candidates();
    }
    const takeoverMs = performance.now() - killedAt;
    expect(now, 'A gone, B leads').toEqual([both[1]]);
    expect(takeoverMs, `B elected ${(takeoverMs / 1000).toFixed(1)} s after A was killed`).toBeLessThanOrEqual(TAKEOVER_BOUND_MS);

    const second = (await b.pfs.put('src@main:/two', Buffer.from('two'))).commit.id;
    expect(await jobFor(b.pps, 'copy', second)).toMatchObject({ state: 'success', counts: { processed: 1 } });
    expect(await text(b.pfs, 'copy@main:/two')).toBe('two');
    console.log(`${store}: pipeline leader killed; the other elected after ${(takeoverMs / 1000).toFixed(1)} s (bound ${TAKEOVER_BOUND_MS / 1000} s), its job of a commit through it ended ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
  });
});
