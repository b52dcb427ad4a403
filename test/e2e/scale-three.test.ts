// Three real servers on one store (issue 13 asks for 2-3): metadata in a
// real etcd, chunks in one S3 bucket (s3rver) or one local directory
// (--blocks-dir, as on a shared file system), each server its own process.
// Turns on a branch are between more than two servers here: each waiter says
// it waits, and the holder's bounded runs must let both others in.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etcdMissing, startEtcd, type TestEtcd } from '../helpers/etcd.ts';
import { startS3Server, type TestS3Server } from '../helpers/s3-server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';
import { closeClient, modify, pfsClient, serverStream, startServer, streamBytes, unary, type RawClient, type TestServer } from '../helpers/server.ts';

const missing = etcdMissing();
const header = (target: string) => ({ header: { target } });
const put = (path: string, bytes: Buffer) => [{ putFile: { path, sizeBytes: bytes.length } }, { data: bytes }];
/** Writes per server in the concurrent test (fewer in CI). */
const PER_SERVER = process.env.CI ? 8 : 16;

describe.skipIf(missing !== undefined).each(['s3rver', 'local directory'] as const)(`three servers on etcd and one store: %s${missing ? ` (${missing})` : ''}`, (store) => {
  let etcd: TestEtcd;
  let s3: TestS3Server | undefined;
  let shared: TempDir | undefined;
  const servers: TestServer[] = [];
  const clients: RawClient[] = [];

  beforeAll(async () => {
    etcd = await startEtcd();
    if (store === 's3rver') s3 = await startS3Server();
    else shared = await createTempDir('strata-three-blocks');
    const chunks = s3
      ? ['--s3-endpoint', s3.url, '--s3-bucket', s3.bucket, '--s3-access-key', s3.accessKey, '--s3-secret-key', s3.secretKey]
      : ['--blocks-dir', shared!.path];
    const started = await Promise.all([0, 1, 2].map(() => startServer({ args: ['--meta', `${etcd.url}/three`, ...chunks] })));
    servers.push(...started);
    clients.push(...started.map((s) => pfsClient(s.grpcAddress)));
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) closeClient(c);
    await Promise.all(servers.map((s) => s.cleanup()));
    await Promise.all([etcd?.stop(), s3?.stop(), shared?.remove()]);
  });

  /** strata_one_off_commits_total of all three servers, by outcome. */
  const oneOffs = async (): Promise<{ landed: number; rebuilt: number }> => {
    const n = { landed: 0, rebuilt: 0 };
    for (const s of servers) {
      const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
      for (const m of text.matchAll(/^strata_one_off_commits_total\{outcome="(landed|rebuilt)"\} (\d+)$/gm)) n[m[1] as 'landed' | 'rebuilt'] += Number(m[2]);
    }
    return n;
  };

  it('a commit through A is read through C at once, and through B', async () => {
    const [a, b, c] = clients as [RawClient, RawClient, RawClient];
    await unary(a, 'CreateRepo', { name: 'seen' });
    const bytes = randomBytes(300_000);
    const info = await modify(a, [header('seen@main'), ...put('/x.bin', bytes)]);
    expect((await streamBytes(c, 'GetFile', { file: `seen@${info.id}:/x.bin` })).equals(bytes)).toBe(true);
    expect((await streamBytes(c, 'GetFile', { file: 'seen@main:/x.bin' })).equals(bytes)).toBe(true);
    expect((await streamBytes(b, 'GetFile', { file: 'seen@main:/x.bin' })).equals(bytes)).toBe(true);
  });

  it('concurrent writers through three servers to one branch lose no update; every server reads every file', async () => {
    await unary(clients[0]!, 'CreateRepo', { name: 'race3' });
    // One commit through each server first: each has then found the branch written through another, so takes turns on it.
    for (const [i, c] of clients.entries()) await modify(c, [header('race3@main'), ...put(`/first${i}`, Buffer.from(String(i)))]);
    const before = await oneOffs();
    const written = new Map<string, Buffer>();
    await Promise.all(
      clients.flatMap((c, s) =>
        Array.from({ length: PER_SERVER }, async (_, i) => {
          const bytes = randomBytes(1000);
          await modify(c, [header('race3@main'), ...put(`/s${s}-${i}`, bytes)]);
          written.set(`/s${s}-${i}`, bytes);
        }),
      ),
    );
    const after = await oneOffs();
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
