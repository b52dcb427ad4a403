// One token, every transport of the real server process: a token that may
// read repo a only reads a and not b through gRPC, the console (HTTP, with
// its login cookie, and with a bearer header), and the S3 gateway (the token
// as access key and secret, @aws-sdk/client-s3); and a revoked or expired
// token is refused by the very next request on each of them, on connections
// already open. (The mount, with its own cache, is test/e2e/auth-mount.test.ts.)
import { GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClient, createClient, StrataError, type AuthClient, type StrataClient } from '../../client/sdk/index.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let root: { pfs: StrataClient; auth: AuthClient };
const opened: { close(): void; destroy?: () => void }[] = [];

beforeAll(async () => {
  server = await startServer();
  const anon = createAuthClient({ address: server.grpcAddress });
  const { rootToken } = await anon.activate();
  anon.close();
  root = { pfs: createClient({ address: server.grpcAddress, token: rootToken }), auth: createAuthClient({ address: server.grpcAddress, token: rootToken }) };
  for (const repo of ['a', 'b']) {
    await root.pfs.createRepo(repo);
    await root.pfs.put(`${repo}@main:/secret.txt`, Buffer.from(`${repo} data`));
  }
}, 120_000);

afterAll(async () => {
  for (const c of opened) (c.destroy ?? c.close).call(c);
  root?.pfs.close();
  root?.auth.close();
  await server?.cleanup();
});

/** A new token that is reader on repo a. */
async function readerOfA(name: string, ttlMs?: number): Promise<{ token: string; id: string; expiresAtMs: number | null }> {
  const made = await root.auth.createToken(`robot:${name}`, ttlMs === undefined ? {} : { ttlMs });
  await root.auth.setRole('a', 'reader', `robot:${name}`);
  return { token: made.token, id: made.info.id, expiresAtMs: made.info.expiresAtMs ?? null };
}

/** The three transports, each holding its connection open across requests. */
function transports(token: string) {
  const pfs = createClient({ address: server.grpcAddress, token });
  const s3 = new S3Client({ endpoint: server.s3Url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: token, secretAccessKey: token }, maxAttempts: 1 });
  opened.push(pfs, s3 as unknown as { close(): void; destroy(): void });
  const grpcRead = async (repo: string): Promise<string> => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of pfs.get(`${repo}@main:/secret.txt`)) chunks.push(Buffer.from(c));
      return `ok:${Buffer.concat(chunks).toString()}`;
    } catch (err) {
      return err instanceof StrataError ? err.code : String(err);
    }
  };
  const consoleRead = async (repo: string, how: 'cookie' | 'bearer'): Promise<string> => {
    const headers: Record<string, string> = how === 'cookie' ? { cookie: `strata_session=${token}` } : { authorization: `Bearer ${token}` };
    const res = await fetch(`${server.httpUrl}/repos/${repo}/raw/main/secret.txt`, { headers, redirect: 'manual' });
    const body = await res.text();
    return res.status === 200 ? `ok:${body}` : String(res.status);
  };
  const s3Read = async (repo: string): Promise<string> => {
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: repo, Key: 'secret.txt' }));
      return `ok:${await got.Body!.transformToString()}`;
    } catch (err) {
      return (err as { name?: string }).name ?? String(err);
    }
  };
  return { pfs, s3, grpcRead, consoleRead, s3Read };
}

describe('a token for repo a, through every transport', () => {
  it('reads a and not b: gRPC, console (cookie and bearer), S3', async () => {
    const t = transports((await readerOfA('isolated')).token);
    expect(await t.grpcRead('a')).toBe('ok:a data');
    expect(await t.grpcRead('b')).toBe('NOT_AUTHORIZED');
    expect(await t.consoleRead('a', 'cookie')).toBe('ok:a data');
    expect(await t.consoleRead('b', 'cookie')).toBe('403');
    expect(await t.consoleRead('b', 'bearer')).toBe('403');
    expect(await t.s3Read('a')).toBe('ok:a data');
    expect(await t.s3Read('b')).toBe('AccessDenied');
    await expect(t.s3.send(new ListObjectsV2Command({ Bucket: 'b' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    expect((await t.s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual(['a']);
    expect((await t.pfs.listRepos()).map((r) => r.name)).toEqual(['a']);
  });

  it('revoked: the very next request is refused on each transport', async () => {
    const made = await readerOfA('revoked');
    const t = transports(made.token);
    // Warm every connection (and any cache) first.
    expect([await t.grpcRead('a'), await t.consoleRead('a', 'cookie'), await t.s3Read('a')]).toEqual(['ok:a data', 'ok:a data', 'ok:a data']);
    await root.auth.revokeToken(made.id);
    expect(await t.grpcRead('a')).toBe('UNAUTHENTICATED');
    expect(await t.consoleRead('a', 'cookie')).toBe('303'); // back to the login form
    expect(await t.consoleRead('a', 'bearer')).toBe('303');
    expect(await t.s3Read('a')).toBe('InvalidAccessKeyId');
  });

  it('expired: the first request after the expiry is refused on each transport', async () => {
    const made = await readerOfA('short', 3_000);
    const t = transports(made.token);
    const before = [await t.grpcRead('a'), await t.consoleRead('a', 'cookie'), await t.s3Read('a')];
    // The server and this test share a clock: wait until it has passed the expiry.
    while (Date.now() <= made.expiresAtMs!) await new Promise((r) => setTimeout(r, 20));
    const after = [await t.grpcRead('a'), await t.consoleRead('a', 'cookie'), await t.s3Read('a')];
    // On a loaded machine the first requests may already come after the expiry: then they are refused too.
    for (const b of before) expect(['ok:a data', 'TOKEN_EXPIRED', '303', 'ExpiredToken']).toContain(b);
    expect(after).toEqual(['TOKEN_EXPIRED', '303', 'ExpiredToken']);
  });
});

describe('writes through the console', () => {
  it('are in the audit log: done and denied, with who, what and which repo', async () => {
    const made = await root.auth.createToken('robot:console-writer');
    await root.auth.setRole('a', 'writer', 'robot:console-writer');
    await root.auth.setRole('b', 'reader', 'robot:console-writer');
    const post = async (path: string, form: Record<string, string>): Promise<number> => {
      const res = await fetch(`${server.httpUrl}${path}`, { method: 'POST', headers: { cookie: `strata_session=${made.token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString(), redirect: 'manual' });
      await res.arrayBuffer();
      return res.status;
    };
    expect(await post('/repos/a/branches', { name: 'from-console', from: '' })).toBe(303);
    expect(await post('/repos/b/branches', { name: 'from-console', from: '' })).toBe(403);
    expect(await post('/repos/b/delete', { confirm: 'b' })).toBe(403);
    expect((await root.pfs.listBranches('b')).map((br) => br.name)).not.toContain('from-console');
    // Written before the answer left: the records are there as soon as the page is.
    const lines = (await root.auth.audit({ subject: 'robot:console-writer' })).map((e) => `${e.method} ${e.repo} ${e.outcome} ${e.code ?? ''}`);
    expect(lines).toEqual(['console POST /repos/:repo/branches a ok ', 'console POST /repos/:repo/branches b denied NOT_AUTHORIZED', 'console POST /repos/:repo/delete b denied NOT_AUTHORIZED']);
  });
});
