// etcd requests per one-off commit, counted by etcd itself (its /metrics:
// grpc_server_handled_total of the KV service), with real server processes
// on one real etcd and one shared store (s3rver, and a local directory). Issue 13: commits through two
// servers on one branch were held back by ~12 round trips per commit (the
// repo, branch and head records each read twice, the reply's children
// listed, the pipeline leader scanning every pipeline record twice per
// commit). What is left per commit on a branch one server writes: the auth
// check, one read of fence, repo and branch (one transaction), and the
// landing transaction (the branch is not read again when it is as this
// server's last landing left it). Counts, not timings: the bounds hold on
// a loaded machine.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPpsClient } from '../../client/sdk/index.ts';
import { header, SHARED_STORES, startCluster, type TestCluster } from '../helpers/cluster.ts';
import { etcdMissing, type TestEtcd } from '../helpers/etcd.ts';
import { spec } from '../helpers/pps.ts';
import { modify, unary, type RawClient } from '../helpers/server.ts';

const missing = etcdMissing();
const COMMITS = 20;

/** KV requests etcd answered so far (Range, Txn, Put, DeleteRange), summed over its members. */
async function kvRequests(etcd: TestEtcd): Promise<number> {
  let n = 0;
  for (const endpoint of etcd.endpoints) {
    const text = await (await fetch(`http://${endpoint}/metrics`)).text();
    for (const m of text.matchAll(/^grpc_server_handled_total\{([^}]*)\} (\d+)$/gm)) if (/grpc_service="etcdserverpb\.KV"/.test(m[1]!)) n += Number(m[2]);
  }
  return n;
}

describe.skipIf(missing !== undefined).each(SHARED_STORES)(`etcd round trips per commit: %s${missing ? ` (${missing})` : ''}`, (store) => {
  let cluster: TestCluster;
  let etcd: TestEtcd;
  let clients: RawClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster({
      store,
      prefix: 'round-trips',
      sequential: true,
      // The pipeline leader's safety-net poll far out: it is not per commit.
      serverArgs: ['--pps-poll-ms', '600000'],
    });
    etcd = cluster.etcd;
    clients = cluster.nodes.map((n) => n.client);
    await unary(clients[0]!, 'CreateRepo', { name: 'rt' });
    // A pipeline (on another repo), so the leader has one to match every commit against.
    await unary(clients[0]!, 'CreateRepo', { name: 'other' });
    const pps = createPpsClient({ address: cluster.nodes[0]!.server.grpcAddress });
    try {
      await pps.createPipeline(spec('copy', { pfs: { repo: 'other', glob: '/*' } }, 'cp /pfs/other/* /pfs/out/'));
    } finally {
      pps.close();
    }
  }, 240_000);

  afterAll(() => cluster?.stop());

  /** Commits to `branch`, one after another, through server `through`; etcd KV requests per commit. */
  const perCommit = async (through: number, branch: string): Promise<number> => {
    await modify(clients[through]!, [header(`rt@${branch}`), { putFile: { path: '/first', sizeBytes: 1 } }, { data: Buffer.from('x') }]);
    await new Promise((r) => setTimeout(r, 200)); // the other server's watch events of the first commit
    const before = await kvRequests(etcd);
    for (let k = 0; k < COMMITS; k++) {
      const bytes = randomBytes(200);
      await modify(clients[through]!, [header(`rt@${branch}`), { putFile: { path: `/f${k}`, sizeBytes: bytes.length } }, { data: bytes }]);
    }
    await new Promise((r) => setTimeout(r, 200)); // what the commits' watch events make the other server do
    return ((await kvRequests(etcd)) - before) / COMMITS;
  };

  it('a one-off commit costs at most 3 etcd requests, whichever server leads the pipelines', async () => {
    const a = await perCommit(0, 'a');
    const b = await perCommit(1, 'b');
    console.log(`${store}: etcd KV requests per commit: through A ${a.toFixed(2)}, through B ${b.toFixed(2)}`);
    expect(a).toBeLessThanOrEqual(3);
    expect(b).toBeLessThanOrEqual(3);
  });
});
