// The S3 gateway with auth on (src/auth): an access key is a Strata token
// (key id and secret alike), and each request is checked against the
// token's roles, so a key for repo A can neither read nor write repo B.
// Driven by @aws-sdk/client-s3 against the gateway on a real port, over
// LevelDB and local chunks, with auth and pfs sharing the metadata store as
// in the server.
import { CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuth, parseSubject, type Auth } from '../../src/auth/index.ts';
import { staticKeys } from '../../server/s3/keys.ts';
import { createS3App } from '../../server/s3/plugin.ts';
import { createTestPfs, repo, type TestPfs } from '../helpers/pfs.ts';

describe('S3 gateway with auth on', () => {
  let t: (TestPfs & { remove(): Promise<void> }) | undefined;
  let app: FastifyInstance | undefined;
  const clients: S3Client[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await app?.close();
    await t?.remove();
  });

  it('maps access keys to tokens: a key for repo A cannot read or write repo B', async () => {
    t = await createTestPfs();
    const auth: Auth = createAuth({ meta: t.meta });
    app = createS3App({ pfs: t.pfs, keys: staticKeys([{ accessKeyId: 'CONFIGURED', secret: 'configured-secret' }]), auth });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const endpoint = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const client = (accessKeyId: string, secretAccessKey = accessKeyId): S3Client => {
      const c = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
      clients.push(c);
      return c;
    };

    // Auth off: the configured key pair works.
    await client('CONFIGURED', 'configured-secret').send(new CreateBucketCommand({ Bucket: 'before' }));

    const { token: rootToken } = await auth.activate();
    const root = await auth.authenticate(rootToken);
    const tokenFor = async (name: string) => (await auth.createToken(root, { subject: parseSubject(`robot:${name}`), ttlMs: null })).token;
    const [aToken, bToken, readerToken] = [await tokenFor('a'), await tokenFor('b'), await tokenFor('reader')];
    const rootS3 = client(rootToken);
    for (const b of ['repoa', 'repob']) await rootS3.send(new CreateBucketCommand({ Bucket: b }));
    await auth.setRole(root, repo('repoa'), parseSubject('robot:a'), 'writer');
    await auth.setRole(root, repo('repob'), parseSubject('robot:b'), 'writer');
    await auth.setRole(root, repo('repoa'), parseSubject('robot:reader'), 'reader');
    await client(bToken).send(new PutObjectCommand({ Bucket: 'repob', Key: 'secret.txt', Body: 'only b' }));

    const a = client(aToken);
    await a.send(new PutObjectCommand({ Bucket: 'repoa', Key: 'mine.txt', Body: 'a wrote this' }));
    expect(await (await a.send(new GetObjectCommand({ Bucket: 'repoa', Key: 'mine.txt' }))).Body!.transformToString()).toBe('a wrote this');
    expect((await a.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual(['repoa']);
    const denied = { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } };
    await expect(a.send(new GetObjectCommand({ Bucket: 'repob', Key: 'secret.txt' }))).rejects.toMatchObject(denied);
    await expect(a.send(new ListObjectsV2Command({ Bucket: 'repob' }))).rejects.toMatchObject(denied);
    await expect(a.send(new PutObjectCommand({ Bucket: 'repob', Key: 'x.txt', Body: 'no' }))).rejects.toMatchObject(denied);
    await expect(a.send(new DeleteObjectCommand({ Bucket: 'repob', Key: 'secret.txt' }))).rejects.toMatchObject(denied);
    await expect(a.send(new PutObjectCommand({ Bucket: 'dev.repob', Key: 'x.txt', Body: 'no' }))).rejects.toMatchObject(denied);
    await expect(a.send(new CreateBucketCommand({ Bucket: 'dev.repob' }))).rejects.toMatchObject(denied);
    // A copy reads its source: B's object cannot be copied into A.
    await expect(a.send(new CopyObjectCommand({ Bucket: 'repoa', Key: 'stolen.txt', CopySource: 'repob/secret.txt' }))).rejects.toMatchObject(denied);
    // A reader reads but does not write.
    const reader = client(readerToken);
    expect(await (await reader.send(new GetObjectCommand({ Bucket: 'repoa', Key: 'mine.txt' }))).Body!.transformToString()).toBe('a wrote this');
    await expect(reader.send(new PutObjectCommand({ Bucket: 'repoa', Key: 'r.txt', Body: 'no' }))).rejects.toMatchObject(denied);
    // A new repo is its creator's.
    await a.send(new CreateBucketCommand({ Bucket: 'newa' }));
    await a.send(new PutObjectCommand({ Bucket: 'newa', Key: 'k', Body: 'v' }));
    await expect(client(bToken).send(new GetObjectCommand({ Bucket: 'newa', Key: 'k' }))).rejects.toMatchObject(denied);

    // Keys that are not tokens, wrong secrets, no signature, revoked tokens.
    await expect(client('CONFIGURED', 'configured-secret').send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    await expect(client(aToken, 'not-the-token').send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    expect((await fetch(`${endpoint}/repoa/mine.txt`)).status).toBe(403);
    await auth.revokeToken(root, aToken);
    await expect(a.send(new GetObjectCommand({ Bucket: 'repoa', Key: 'mine.txt' }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });

    // Nothing of B changed, and the refused writes are in the audit log.
    const keysOfB = (await rootS3.send(new ListObjectsV2Command({ Bucket: 'repob' }))).Contents?.map((c) => c.Key);
    expect(keysOfB).toEqual(['secret.txt']);
    const audit = await auth.audit.query({ subject: 'robot:a', repo: repo('repob') });
    expect(audit.filter((r) => r.outcome === 'denied').length).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
