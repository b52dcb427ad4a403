// Auth end to end: the real server process over real gRPC (the SDK and a raw
// client with its own metadata), LevelDB on disk. A token for repo A cannot
// read repo B; a reader cannot write; expired and revoked tokens are refused
// by the next request; whoami; lists show only readable repos; the audit log
// records writes, denials and auth changes; the HTTP side follows auth.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClient, createClient, createPpsClient, StrataError, type AuthClient, type StrataClient } from '../../client/sdk/index.ts';
import { pfsClient, serverStream, unary, type RawClient } from '../helpers/server.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let root: { pfs: StrataClient; auth: AuthClient };
const opened: { close(): void }[] = [];

function as(token: string | undefined): { pfs: StrataClient; auth: AuthClient } {
  const c = { pfs: createClient({ address: server.grpcAddress, token }), auth: createAuthClient({ address: server.grpcAddress, token }) };
  opened.push(c.pfs, c.auth);
  return c;
}

function raw(token?: string): RawClient {
  const interceptor: grpc.Interceptor = (options, next) =>
    new grpc.InterceptingCall(next(options), {
      start(metadata, listener, go) {
        if (token) metadata.set('authorization', `Bearer ${token}`);
        go(metadata, listener);
      },
    });
  const c = pfsClient(server.grpcAddress, { interceptors: [interceptor] });
  opened.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<StrataError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, 'the call should have failed').toBeInstanceOf(StrataError);
  return err as StrataError;
}

async function text(pfs: StrataClient, file: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of pfs.get(file)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

let alice: string;
let aliceId: string;

beforeAll(async () => {
  server = await startServer();
  const anon = as(undefined);
  await anon.pfs.createRepo('before'); // made while auth was off
  const { rootToken } = await anon.auth.activate();
  root = as(rootToken);
  for (const repo of ['a', 'b']) {
    await root.pfs.createRepo(repo);
    await root.pfs.put(`${repo}@main:/secret.txt`, Buffer.from(`${repo} data`));
  }
  const made = await root.auth.createToken('alice', { description: 'e2e' });
  alice = made.token;
  aliceId = made.info.id;
  await root.auth.setRole('a', 'reader', 'alice');
}, 120_000);

afterAll(async () => {
  for (const c of opened) c.close();
  await server?.cleanup();
});

describe('auth over gRPC', () => {
  it('activation is once, and the root token is the cluster admin', async () => {
    expect((await failure(as(undefined).auth.activate())).code).toBe('AUTH_ALREADY_ACTIVE');
    expect(await root.auth.whoAmI()).toMatchObject({ subject: 'user:root', admin: true, authActive: true });
  });

  it('no token, a bad token, a malformed header: UNAUTHENTICATED (16), for pfs and pps alike', async () => {
    for (const token of [undefined, 'strata_not-a-real-token']) {
      const err = await failure(as(token).pfs.inspectRepo('a'));
      expect(err.code).toBe('UNAUTHENTICATED');
      expect(err.kind).toBe('Unauthenticated');
    }
    await expect(unary(raw(), 'ListRepo', {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: { code: grpc.status.UNAUTHENTICATED } });
    const pps = createPpsClient({ address: server.grpcAddress });
    opened.push(pps);
    expect((await failure(pps.listPipelines())).code).toBe('UNAUTHENTICATED');
    // Server info stays open (version checks), nothing else does.
    expect((await as(undefined).pfs.serverInfo()).version).toBeTruthy();
  });

  it('a reader of repo A reads A but not B (PERMISSION_DENIED, 7), and sees only A in lists', async () => {
    const a = as(alice);
    expect(await text(a.pfs, 'a@main:/secret.txt')).toBe('a data');
    const reads = [
      () => a.pfs.inspectRepo('b'),
      () => a.pfs.inspectFile('b@main:/secret.txt'),
      () => text(a.pfs, 'b@main:/secret.txt'),
      () => a.pfs.listBranches('b'),
      () => a.auth.getRoles('b'),
    ];
    for (const call of reads) {
      const err = await failure(call());
      expect(err.code).toBe('NOT_AUTHORIZED');
      expect(err.data).toMatchObject({ subject: 'user:alice', action: 'read', repo: 'b' });
    }
    await expect(serverStream(raw(alice), 'GetFile', { file: 'b@main:/secret.txt' })).rejects.toMatchObject({ status: { code: grpc.status.PERMISSION_DENIED } });
    // Diffing against B, copying from B into A: still a read of B.
    expect((await failure((async () => { for await (const _ of a.pfs.diff('a@main', 'b@main')); })())).code).toBe('NOT_AUTHORIZED');
    expect((await a.pfs.listRepos()).map((r) => r.name)).toEqual(['a']);
  });

  it('a reader cannot write: put, delete, branch, delete repo are refused and change nothing', async () => {
    const a = as(alice);
    const before = await root.pfs.inspectBranch('a@main');
    // Each call starts only when the loop reaches it: a promise made early
    // and rejected before its turn would be an unhandled rejection.
    const calls = [
      () => a.pfs.put('a@main:/new.txt', Buffer.from('x')),
      () => a.pfs.deleteFile('a@main:/secret.txt'),
      () => a.pfs.createBranch('a@dev'),
      () => a.pfs.deleteRepo('a'),
      () => a.auth.setRole('a', 'owner', 'alice'),
    ];
    for (const call of calls) expect((await failure(call())).code).toBe('NOT_AUTHORIZED');
    expect((await root.pfs.inspectBranch('a@main')).head).toBe(before.head);
    expect((await root.pfs.listBranches('a')).map((b) => b.name)).toEqual(['main']);
  });

  it('a writer writes; copying from a repo it cannot read is refused', async () => {
    await root.auth.setRole('a', 'writer', 'alice');
    const a = as(alice);
    await a.pfs.put('a@main:/by-alice.txt', Buffer.from('hello'));
    expect(await text(root.pfs, 'a@main:/by-alice.txt')).toBe('hello');
    expect((await failure(a.pfs.copyFile('b@main:/secret.txt', 'a@main:/stolen.txt'))).code).toBe('NOT_AUTHORIZED');
    expect((await failure(root.pfs.inspectFile('a@main:/stolen.txt'))).code).toBe('FILE_NOT_FOUND');
    await root.auth.setRole('a', 'reader', 'alice');
  });

  it('whoami names the subject, its roles and expiry; a creator owns its new repo', async () => {
    const a = as(alice);
    await a.pfs.createRepo('alices');
    const me = await a.auth.whoAmI();
    expect(me).toMatchObject({ subject: 'user:alice', admin: false, authActive: true, expiresAtMs: 0, tokenId: aliceId });
    expect(me.roles.map((r) => `${r.repo}:${r.role}`).sort()).toEqual(['a:reader', 'alices:owner']);
    expect(await root.auth.getRoles('alices')).toEqual([{ subject: 'user:alice', repo: 'alices', role: 'owner' }]);
    // Cluster-admin calls stay closed to it.
    expect((await failure(a.pfs.fsck())).code).toBe('NOT_AUTHORIZED');
    expect((await failure(a.auth.audit())).code).toBe('NOT_AUTHORIZED');
  });

  it('an expired token is refused by the next request', async () => {
    const made = await root.auth.createToken('robot:short', { ttlMs: 1 });
    await root.auth.setRole('a', 'reader', 'robot:short');
    // The server and this test share a clock: wait until it has passed the expiry.
    while (Date.now() <= made.info.expiresAtMs) await new Promise((r) => setTimeout(r, 5));
    const err = await failure(as(made.token).pfs.inspectRepo('a'));
    expect(err.code).toBe('TOKEN_EXPIRED');
    expect(err.kind).toBe('Unauthenticated');
  });

  it('a revoked token works until revoked, then is refused by the very next request on the same connection', async () => {
    const made = await root.auth.createToken('robot:ci', { ttlMs: 3_600_000 });
    await root.auth.setRole('a', 'reader', 'robot:ci');
    const ci = as(made.token);
    expect((await ci.pfs.inspectRepo('a')).name).toBe('a');
    await root.auth.revokeToken(made.info.id.slice(0, 12));
    expect((await failure(ci.pfs.inspectRepo('a'))).code).toBe('UNAUTHENTICATED');
    expect((await root.auth.listTokens()).map((t) => t.id)).not.toContain(made.info.id);
  });

  it('the audit log records writes, denials and auth changes, filtered by user, repo and time', async () => {
    const since = Date.now() - 60_000;
    const entries = await root.auth.audit({ sinceMs: since });
    const line = (e: (typeof entries)[number]): string => `${e.subject} ${e.method} ${e.repo} ${e.outcome}`;
    const lines = entries.map(line);
    expect(lines).toContain('user:root ModifyFile a ok');
    expect(lines).toContain('user:alice ModifyFile a ok');
    expect(lines).toContain('user:alice ModifyFile a denied');
    expect(lines).toContain('user:root SetRole a ok');
    expect(lines).toContain('user:root RevokeToken  ok');
    expect(lines).toContain('user:alice CreateRepo alices ok');
    // A write names the commit it made.
    const write = entries.find((e) => e.method === 'ModifyFile' && e.subject === 'user:alice' && e.outcome === 'ok')!;
    expect(write.detail.commit).toMatch(/^[0-9a-f]{32}$/);
    expect(entries.every((e) => e.timeMs >= since && e.requestId !== '')).toBe(true);
    // Never the tokens themselves.
    expect(JSON.stringify(entries)).not.toMatch(/strata_[A-Za-z0-9_-]{43}/);
    const alices = await root.auth.audit({ subject: 'user:alice' });
    expect(alices.length).toBeGreaterThan(0);
    expect(alices.every((e) => e.subject === 'user:alice')).toBe(true);
    expect((await root.auth.audit({ repo: 'b' })).every((e) => e.repo === 'b')).toBe(true);
    expect(await root.auth.audit({ untilMs: since })).toEqual([]);
  });

  it('the HTTP side: probes open, /metrics needs a token', async () => {
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.httpUrl}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${server.httpUrl}/metrics`);
    expect(metrics.status).toBe(401);
    expect(metrics.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(`${server.httpUrl}/metrics`, { headers: { authorization: `Bearer ${alice}` } })).status).toBe(200);
  });

  it('deleting a repo drops its roles: a new repo of the same name starts clean', async () => {
    await root.pfs.createRepo('reused');
    await root.auth.setRole('reused', 'owner', 'alice');
    await root.pfs.deleteRepo('reused');
    await root.pfs.createRepo('reused');
    expect(await root.auth.getRoles('reused')).toEqual([{ subject: 'user:root', repo: 'reused', role: 'owner' }]);
    expect((await failure(as(alice).pfs.inspectRepo('reused'))).code).toBe('NOT_AUTHORIZED');
  });
});
