// Two real servers on a real 3-member etcd cluster and one S3 bucket
// (s3rver); the etcd leader is killed (SIGKILL) while both servers take
// writes. The two members left keep a quorum and elect a new leader: the
// servers keep working, a call cut by the election fails with a clear
// retryable error (never a wrong answer), the client retries it, and every
// acknowledged write reads back through both servers.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etcdMissing, startEtcd, type TestEtcd } from '../helpers/etcd.ts';
import { startS3Server, type TestS3Server } from '../helpers/s3-server.ts';
import { closeClient, modify, pfsClient, serverStream, startServer, streamBytes, unary, type RawClient, type TestServer } from '../helpers/server.ts';

const missing = etcdMissing();
const header = (target: string) => ({ header: { target } });
const put = (path: string, bytes: Buffer) => [{ putFile: { path, sizeBytes: bytes.length } }, { data: bytes }];
/** What a call cut by an etcd leader change may fail with: retry it. */
const RETRYABLE = new Set(['UNAVAILABLE', 'META_IO', 'CONCURRENT_UPDATE', 'DEADLINE_EXCEEDED']);

describe.skipIf(missing !== undefined)(`the etcd leader killed under load${missing ? ` (${missing})` : ''}`, () => {
  let etcd: TestEtcd;
  let s3: TestS3Server;
  const servers: TestServer[] = [];
  const clients: RawClient[] = [];

  beforeAll(async () => {
    [etcd, s3] = await Promise.all([startEtcd({ members: 3 }), startS3Server()]);
    for (let i = 0; i < 2; i++) {
      const server = await startServer({
        args: ['--meta', `${etcd.url}/cluster-test`, '--s3-endpoint', s3.url, '--s3-bucket', s3.bucket, '--s3-access-key', s3.accessKey, '--s3-secret-key', s3.secretKey],
      });
      servers.push(server);
      clients.push(pfsClient(server.grpcAddress));
    }
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) closeClient(c);
    await Promise.all(servers.map((s) => s.cleanup()));
    await Promise.all([etcd?.stop(), s3?.stop()]);
  });

  it('servers keep serving: cut calls fail retryably, every acknowledged write survives', async () => {
    await unary(clients[0]!, 'CreateRepo', { name: 'load' });
    const acked = new Map<string, Buffer>();
    const retried: string[] = [];
    const write = async (client: RawClient, path: string): Promise<void> => {
      const bytes = randomBytes(10_000);
      for (let attempt = 0; ; attempt++) {
        try {
          await modify(client, [header('load@main'), ...put(path, bytes)]);
          acked.set(path, bytes);
          return;
        } catch (err) {
          const code = (err as { code?: string }).code ?? String(err);
          if (!RETRYABLE.has(code) || attempt >= 40) throw err;
          retried.push(code);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    };
    let killAt!: () => void;
    const tenDone = new Promise<void>((r) => (killAt = r));
    const writers = clients.map(async (client, w) => {
      for (let i = 0; i < 20; i++) {
        await write(client, `/w${w}-${i}`);
        if (acked.size >= 10) killAt();
      }
    });
    await tenDone;
    const leader = await etcd.leader();
    await etcd.kill(leader);
    await Promise.all(writers);
    expect(acked.size).toBe(40);
    expect(leader.running()).toBe(false);
    expect(await etcd.leader()).not.toBe(leader); // the two left elected a new leader
    for (const client of clients) {
      expect((await serverStream(client, 'ListFile', { dir: 'load@main:/' })).length).toBe(40);
      for (const [path, bytes] of acked) expect((await streamBytes(client, 'GetFile', { file: `load@main:${path}` })).equals(bytes)).toBe(true);
      expect((await unary(client, 'Fsck', {})).problems).toEqual([]);
    }
    for (const server of servers) expect((await fetch(`${server.httpUrl}/readyz`)).status).toBe(200);
    console.log(`etcd leader ${leader.name} killed; calls retried: ${retried.length} (${[...new Set(retried)].join(', ') || 'none'})`);
  });
});
