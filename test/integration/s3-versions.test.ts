// ListObjectVersions beyond the walked history: a key last written before
// the commits the listing walks still shows its current version (the head
// commit), so a client that deletes every listed version (s3-tests' cleanup,
// rclone purge) empties the bucket. Gateway on a real port, @aws-sdk client.
import {
  CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, GetBucketVersioningCommand, GetObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { staticKeys } from '../../server/s3/keys.ts';
import { createS3App } from '../../server/s3/plugin.ts';
import { createTestPfs, type TestPfs } from '../helpers/pfs.ts';

describe('S3 ListObjectVersions', () => {
  let t: (TestPfs & { remove(): Promise<void> }) | undefined;
  let app: FastifyInstance | undefined;
  let s3: S3Client | undefined;
  afterEach(async () => {
    s3?.destroy();
    await app?.close();
    await t?.remove();
  });

  it('lists every current key, even one older than the walked history, and pages by markers', async () => {
    t = await createTestPfs();
    app = createS3App({ pfs: t.pfs, keys: staticKeys([{ accessKeyId: 'K', secret: 'S' }]), historyLimit: 2 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    s3 = new S3Client({ endpoint: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'K', secretAccessKey: 'S' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'vers' }));
    for (const k of ['a', 'b', 'c', 'd']) await s3.send(new PutObjectCommand({ Bucket: 'vers', Key: k, Body: k }));

    const versions: { Key?: string; VersionId?: string; IsLatest?: boolean }[] = [];
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: 'vers', MaxKeys: 1, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
      versions.push(...(page.Versions ?? []));
      if (!page.IsTruncated) break;
      [keyMarker, versionMarker] = [page.NextKeyMarker, page.NextVersionIdMarker];
    }
    expect(versions.map((v) => [v.Key, v.IsLatest])).toEqual([['a', true], ['b', true], ['c', true], ['d', true]]);
    // The old keys' version is a commit that reads them.
    const a = await s3.send(new GetObjectCommand({ Bucket: 'vers', Key: 'a', VersionId: versions[0]!.VersionId }));
    expect(await a.Body!.transformToString()).toBe('a');

    await s3.send(new DeleteObjectsCommand({ Bucket: 'vers', Delete: { Objects: versions.map((v) => ({ Key: v.Key, VersionId: v.VersionId })) } }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'vers' }));
  });

  it('takes versioning Enabled (always on), refuses Suspended, and deletes keys made of spaces', async () => {
    t = await createTestPfs();
    app = createS3App({ pfs: t.pfs, keys: staticKeys([{ accessKeyId: 'K', secret: 'S' }]) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    s3 = new S3Client({ endpoint: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'K', secretAccessKey: 'S' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'wver' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'wver', VersioningConfiguration: { Status: 'Enabled' } }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'wver' }))).Status).toBe('Enabled');
    await expect(s3.send(new PutBucketVersioningCommand({ Bucket: 'wver', VersioningConfiguration: { Status: 'Suspended' } }))).rejects.toMatchObject({ name: 'NotImplemented' });
    for (const k of [' ', 'a b ']) await s3.send(new PutObjectCommand({ Bucket: 'wver', Key: k, Body: 'x' }));
    const res = await s3.send(new DeleteObjectsCommand({ Bucket: 'wver', Delete: { Objects: [{ Key: ' ' }, { Key: 'a b ' }] } }));
    expect(res.Deleted?.map((d) => d.Key).sort()).toEqual([' ', 'a b ']);
    await s3.send(new DeleteBucketCommand({ Bucket: 'wver' }));
  });
});
