// The pipeline controller among servers sharing etcd (issue 13: "one leader
// via an etcd election; a killed leader is replaced within seconds"). Server
// A starts alone and runs a job, so it leads; B starts after it and waits
// as a candidate. kill -9 of A: B must take the controller over and run the
// job of a commit made through it. How long the takeover took is printed,
// not judged (the election's lease is 5 s; the machine is shared).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createPpsClient, type PpsClient, type StrataClient } from '../../client/sdk/index.ts';
import { etcdMissing, startEtcd, type TestEtcd } from '../helpers/etcd.ts';
import { jobFor, spec, text } from '../helpers/pps.ts';
import { startS3Server, type TestS3Server } from '../helpers/s3-server.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const missing = etcdMissing();

interface Node {
  server: TestServer;
  pfs: StrataClient;
  pps: PpsClient;
}

describe.skipIf(missing !== undefined)(`the pipeline leader killed${missing ? ` (${missing})` : ''}`, () => {
  let etcd: TestEtcd;
  let s3: TestS3Server;
  const nodes: Node[] = [];

  const start = async (): Promise<Node> => {
    const server = await startServer({
      args: ['--meta', `${etcd.url}/pps-leader`, '--s3-endpoint', s3.url, '--s3-bucket', s3.bucket, '--s3-access-key', s3.accessKey, '--s3-secret-key', s3.secretKey],
    });
    const node = { server, pfs: createClient({ address: server.grpcAddress }), pps: createPpsClient({ address: server.grpcAddress }) };
    nodes.push(node);
    return node;
  };

  beforeAll(async () => {
    [etcd, s3] = await Promise.all([startEtcd(), startS3Server()]);
  }, 60_000);

  afterAll(async () => {
    for (const n of nodes) {
      n.pfs.close();
      n.pps.close();
    }
    await Promise.all(nodes.map((n) => n.server.cleanup()));
    await Promise.all([etcd?.stop(), s3?.stop()]);
  });

  it('kill -9 of the server running the controller: the other takes it over and runs the next job', async () => {
    const a = await start();
    await a.pfs.createRepo('src');
    await a.pps.createPipeline(spec('copy', { pfs: { repo: 'src', glob: '/*' } }, 'cp /pfs/src/* /pfs/out/'));
    const first = (await a.pfs.put('src@main:/one', Buffer.from('one'))).commit.id;
    expect(await jobFor(a.pps, 'copy', first)).toMatchObject({ state: 'success' }); // A alone: A leads
    const b = await start();

    a.server.child.kill('SIGKILL');
    await a.server.stop();
    const killedAt = performance.now();
    const second = (await b.pfs.put('src@main:/two', Buffer.from('two'))).commit.id;
    expect(await jobFor(b.pps, 'copy', second)).toMatchObject({ state: 'success', counts: { processed: 1 } });
    expect(await text(b.pfs, 'copy@main:/two')).toBe('two');
    console.log(`pipeline leader killed; the job of a commit through the other server ended ${((performance.now() - killedAt) / 1000).toFixed(1)} s later`);
  });
});
