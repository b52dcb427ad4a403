// deploy/compose/nginx.conf, run by a real nginx in front of two real servers
// on one etcd and one shared store (s3rver, and a local directory), as
// docker-compose.yml's "scale" profile runs
// it: the file is used as it is, only its upstream addresses and listen
// ports are replaced by this machine's. gRPC (unary, client and server
// streaming) is balanced per call over both servers; HTTP and the S3 gateway
// (signed requests, so the Host header must survive) go through too.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_STORES, startCluster, type TestCluster } from '../helpers/cluster.ts';
import { etcdMissing } from '../helpers/etcd.ts';
import { closeClient, modify, pfsClient, streamBytes, unary, type RawClient, type TestServer } from '../helpers/server.ts';
import { ACCESS_KEY, SECRET, skipReason } from '../helpers/s3.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const CONF = fileURLToPath(new URL('../../deploy/compose/nginx.conf', import.meta.url));
const nginxFound = spawnSync('nginx', ['-v'], { stdio: 'ignore' }).status === 0 ? 'nginx' : undefined;
const missing = etcdMissing() ?? skipReason('nginx', nginxFound);

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Handled gRPC calls a server counts in its /metrics. */
async function handledCalls(s: TestServer): Promise<number> {
  const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^grpc_server_handled_total\{[^}]*grpc_service="strata\.pfs[^}]*\} (\d+)$/gm)) n += Number(m[1]);
  return n;
}

describe.skipIf(missing !== undefined).each(SHARED_STORES)(`deploy/compose/nginx.conf in front of two servers: %s${missing ? ` (${missing})` : ''}`, (store) => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let nginx: ChildProcess;
  const nginxLog: string[] = [];
  let servers: TestServer[] = [];
  const ports = { grpc: 0, http: 0, s3: 0 };
  let client: RawClient;

  beforeAll(async () => {
    [cluster, tmp] = await Promise.all([
      startCluster({ store, prefix: 'lb', sequential: true, serverArgs: ['--s3-gateway-keys', `${ACCESS_KEY}:${SECRET}`, '--log-level', 'warn'] }),
      createTempDir('strata-nginx'),
    ]);
    servers = cluster.nodes.map((n) => n.server);
    ports.grpc = await freePort();
    ports.http = await freePort();
    ports.s3 = await freePort();
    const [a, b] = servers as [TestServer, TestServer];
    const hostPort = (url: string) => url.replace(/^https?:\/\//, '');
    const addresses: Record<string, string> = {
      'strata-a:7730': a.grpcAddress, 'strata-b:7730': b.grpcAddress,
      'strata-a:7731': hostPort(a.httpUrl), 'strata-b:7731': hostPort(b.httpUrl),
      'strata-a:7732': hostPort(a.s3Url), 'strata-b:7732': hostPort(b.s3Url),
    };
    let conf = readFileSync(CONF, 'utf8').replace(/strata-[ab]:773[0-2]/g, (m) => addresses[m]!);
    conf = conf.replace(/listen 7730\b/, `listen 127.0.0.1:${ports.grpc}`).replace(/listen 7731\b/, `listen 127.0.0.1:${ports.http}`).replace(/listen 7732\b/, `listen 127.0.0.1:${ports.s3}`);
    // Where this nginx keeps its scratch files and logs: the test's directory, not the system's.
    const scratch = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(tmp.path, t)};`).join('\n');
    conf = conf.replace('http {', `http {\n  access_log ${join(tmp.path, 'access.log')};\n${scratch}`);
    mkdirSync(join(tmp.path, 'logs'));
    writeFileSync(join(tmp.path, 'nginx.conf'), conf);
    const args = ['-p', tmp.path, '-c', join(tmp.path, 'nginx.conf'), '-g', `daemon off; pid ${join(tmp.path, 'nginx.pid')}; error_log stderr;`];
    const check = spawnSync('nginx', ['-t', ...args], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`nginx -t refused the config:\n${check.stderr}`);
    nginx = spawn('nginx', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stderr!.on('data', (d: Buffer) => nginxLog.push(d.toString()));
    for (;;) {
      const res = await fetch(`http://127.0.0.1:${ports.http}/readyz`).catch(() => undefined);
      if (res?.status === 200) break;
      if (nginx.exitCode !== null) throw new Error(`nginx exited:\n${nginxLog.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    client = pfsClient(`127.0.0.1:${ports.grpc}`);
  }, 120_000);

  afterAll(async () => {
    if (client) closeClient(client);
    nginx?.kill('SIGQUIT');
    await cluster?.stop();
    await tmp?.remove();
  });

  it('gRPC through nginx: calls of one client are spread over both servers; uploads and downloads stream through', async () => {
    const before = await Promise.all(servers.map(handledCalls));
    await unary(client, 'CreateRepo', { name: 'lb' });
    const bytes = randomBytes(3 << 20);
    const info = await modify(client, [{ header: { target: 'lb@main' } }, { putFile: { path: '/big.bin', sizeBytes: bytes.length } }, { data: bytes }]);
    for (let i = 0; i < 10; i++) expect((await streamBytes(client, 'GetFile', { file: `lb@${info.id}:/big.bin` })).equals(bytes)).toBe(true);
    for (let i = 0; i < 10; i++) await unary(client, 'InspectRepo', { name: 'lb' });
    const after = await Promise.all(servers.map(handledCalls));
    // Round robin per call: each server answered several of the 22 calls.
    expect(after[0]! - before[0]!).toBeGreaterThanOrEqual(5);
    expect(after[1]! - before[1]!).toBeGreaterThanOrEqual(5);
    // A Strata error keeps its code through the proxy (trailers pass).
    await expect(unary(client, 'InspectRepo', { name: 'nope' })).rejects.toMatchObject({ code: 'REPO_NOT_FOUND' });
  });

  it('HTTP and the S3 gateway through nginx: readiness, and signed S3 requests (Host kept) with a body streamed through', async () => {
    expect((await fetch(`http://127.0.0.1:${ports.http}/readyz`)).status).toBe(200);
    const sdk = new S3Client({ endpoint: `http://127.0.0.1:${ports.s3}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET } });
    try {
      await sdk.send(new CreateBucketCommand({ Bucket: 'lbs3' }));
      const body = randomBytes(2 << 20);
      await sdk.send(new PutObjectCommand({ Bucket: 'lbs3', Key: 'k/one.bin', Body: body }));
      for (let i = 0; i < 4; i++) {
        const got = await sdk.send(new GetObjectCommand({ Bucket: 'lbs3', Key: 'k/one.bin' }));
        expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
      }
    } finally {
      sdk.destroy();
    }
  });
});
