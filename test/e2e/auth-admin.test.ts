// Three points of issue 12 the other auth e2e tests leave out, on the real
// server and CLI: cluster admins made and unmade with `strata auth admin`
// (an admin reads every repo and runs fsck; removed, the very next request is
// refused; a non-admin cannot make itself one), `/metrics` left open by
// `--open-metrics` while auth is on (the console still asks for a login),
// tokens stored hashed (the data directory holds no token, only its
// SHA-256, which is the token's id), and the audit log of writes made
// through the S3 gateway of the real server (gRPC's are in auth-grpc and
// auth-cli).
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClient, createClient, KIND_TABLE, StrataError, type StrataClient } from '../../client/sdk/index.ts';
import { createCli, jsonLines, type Cli } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let server: TestServer;
let tmp: TempDir;
let cli: Cli;
let rootToken: string;
let root: StrataClient;
let alice: { token: string; id: string; pfs: StrataClient };

async function failure(p: Promise<unknown>): Promise<StrataError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, 'the call should have failed').toBeInstanceOf(StrataError);
  return err as StrataError;
}

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer({ args: ['--open-metrics'] }), createTempDir('strata-auth-admin')]);
  cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
  const anon = createAuthClient({ address: server.grpcAddress });
  ({ rootToken } = await anon.activate());
  anon.close();
  root = createClient({ address: server.grpcAddress, token: rootToken });
  await root.createRepo('b');
  await root.put('b@main:/secret.txt', Buffer.from('b data'));
  const rootAuth = createAuthClient({ address: server.grpcAddress, token: rootToken });
  const made = await rootAuth.createToken('alice', { description: 'e2e auth-admin' });
  rootAuth.close();
  alice = { token: made.token, id: made.info.id, pfs: createClient({ address: server.grpcAddress, token: made.token }) };
}, 120_000);

afterAll(async () => {
  root?.close();
  alice?.pfs.close();
  await server?.cleanup();
  await tmp?.remove();
});

describe('cluster admins', () => {
  it('strata auth admin add/list/remove: an admin reads every repo and runs fsck; removed, the next request is refused', async () => {
    expect((await failure(alice.pfs.inspectRepo('b'))).code).toBe('NOT_AUTHORIZED');
    expect((await failure(alice.pfs.fsck())).code).toBe('NOT_AUTHORIZED');
    // A non-admin cannot make itself one.
    const self = await cli.run(['auth', 'admin', 'add', 'alice'], { env: { STRATA_TOKEN: alice.token } });
    expect(self.code).toBe(KIND_TABLE.PermissionDenied.exit);

    const add = await cli.run(['auth', 'admin', 'add', 'alice'], { env: { STRATA_TOKEN: rootToken } });
    expect(add.code, add.stderr).toBe(0);
    const list = await cli.run(['auth', 'admin', 'list'], { env: { STRATA_TOKEN: rootToken } });
    expect(list.out).toContain('user:alice');
    expect((await alice.pfs.inspectRepo('b')).name).toBe('b');
    expect((await alice.pfs.fsck()).problems).toEqual([]);

    const remove = await cli.run(['auth', 'admin', 'remove', 'alice'], { env: { STRATA_TOKEN: rootToken } });
    expect(remove.code, remove.stderr).toBe(0);
    expect((await failure(alice.pfs.inspectRepo('b'))).code).toBe('NOT_AUTHORIZED');
    expect((await cli.run(['auth', 'admin', 'list'], { env: { STRATA_TOKEN: rootToken } })).out).not.toContain('user:alice');
  }, 120_000);
});

describe('--open-metrics', () => {
  it('serves /metrics without a token while auth is on; the console still asks for a login', async () => {
    const metrics = await fetch(`${server.httpUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('strata_grpc_');
    const page = await fetch(`${server.httpUrl}/`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/login/);
  });
});

describe('tokens at rest', () => {
  it('the data directory holds no token, only its SHA-256 (the token id)', async () => {
    expect(alice.id).toBe(createHash('sha256').update(alice.token).digest('hex'));
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        if (e.isDirectory()) await walk(join(dir, e.name));
        else if (e.isFile()) files.push(join(dir, e.name));
      }
    };
    await walk(server.dataDir);
    let hashesSeen = 0;
    for (const f of files) {
      const bytes = await readFile(f);
      for (const token of [rootToken, alice.token]) expect(bytes.includes(token), `${f} holds a token`).toBe(false);
      if (bytes.includes(alice.id)) hashesSeen++;
    }
    // The scan reads what the metadata store wrote (its log holds the records as they were put).
    expect(hashesSeen).toBeGreaterThan(0);
  });
});

describe('the audit log', () => {
  it('records writes through the S3 gateway, done and denied, readable with strata auth audit', async () => {
    const s3 = (token: string): S3Client => new S3Client({ endpoint: server.s3Url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: token, secretAccessKey: token } });
    const [asRoot, asAlice] = [s3(rootToken), s3(alice.token)];
    try {
      await asRoot.send(new PutObjectCommand({ Bucket: 'b', Key: 'via-s3.txt', Body: 'from S3' }));
      await expect(asAlice.send(new PutObjectCommand({ Bucket: 'b', Key: 'denied.txt', Body: 'no' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    } finally {
      asRoot.destroy();
      asAlice.destroy();
    }
    const r = await cli.run(['auth', 'audit', '--repo', 'b', '--since', '1h', '--json'], { env: { STRATA_TOKEN: rootToken } });
    expect(r.code, r.stderr).toBe(0);
    const seen = jsonLines<{ subject: string; method: string; outcome: string; detail: { key?: string } }>(r.out).map((e) => `${e.subject} ${e.method} ${e.outcome} ${e.detail.key ?? ''}`);
    expect(seen).toContain('user:root S3 PUT ok via-s3.txt');
    expect(seen).toContain('user:alice S3 PUT denied denied.txt');
  });
});
