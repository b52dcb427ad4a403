// Multipart behaviours where S3 is particular: a retried Complete (the client
// lost the first answer) gets the same 200. Gateway on a real port,
// @aws-sdk client over HTTP.
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { staticKeys } from '../../server/s3/keys.ts';
import { createS3App } from '../../server/s3/plugin.ts';
import { createTestPfs, type TestPfs } from '../helpers/pfs.ts';

describe('S3 multipart conformance', () => {
  let t: (TestPfs & { remove(): Promise<void> }) | undefined;
  let app: FastifyInstance | undefined;
  let s3: S3Client | undefined;
  afterEach(async () => {
    s3?.destroy();
    await app?.close();
    await t?.remove();
  });

  async function start(opts: { completedUploadsKept?: number } = {}): Promise<S3Client> {
    t = await createTestPfs();
    app = createS3App({ pfs: t.pfs, keys: staticKeys([{ accessKeyId: 'K', secret: 'S' }]), ...opts });
    await app.listen({ host: '127.0.0.1', port: 0 });
    s3 = new S3Client({ endpoint: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'K', secretAccessKey: 'S' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'mp' }));
    return s3;
  }

  async function upload(c: S3Client, key: string, body: string): Promise<{ UploadId: string; Parts: { PartNumber: number; ETag: string }[] }> {
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: 'mp', Key: key }));
    const part = await c.send(new UploadPartCommand({ Bucket: 'mp', Key: key, UploadId, PartNumber: 1, Body: body }));
    return { UploadId: UploadId!, Parts: [{ PartNumber: 1, ETag: part.ETag! }] };
  }

  it('answers a retried Complete with the first answer while the key holds that upload\'s object', async () => {
    const c = await start();
    const u = await upload(c, 'k.bin', 'first');
    const complete = (parts = u.Parts, key = 'k.bin') => c.send(new CompleteMultipartUploadCommand({ Bucket: 'mp', Key: key, UploadId: u.UploadId, MultipartUpload: { Parts: parts } }));
    const first = await complete();
    const again = await complete();
    expect([again.ETag, again.VersionId, again.Key]).toEqual([first.ETag, first.VersionId, 'k.bin']);
    expect(await (await c.send(new GetObjectCommand({ Bucket: 'mp', Key: 'k.bin' }))).Body!.transformToString()).toBe('first');

    // Not the same parts list, or another key: the upload is gone, as on S3.
    await expect(complete([{ PartNumber: 1, ETag: '"0-1"' }])).rejects.toMatchObject({ name: 'NoSuchUpload' });
    await expect(complete(u.Parts, 'other.bin')).rejects.toMatchObject({ name: 'NoSuchUpload' });
    // Once the key holds something else, a late retry must not claim it.
    await c.send(new PutObjectCommand({ Bucket: 'mp', Key: 'k.bin', Body: 'newer' }));
    await expect(complete()).rejects.toMatchObject({ name: 'NoSuchUpload' });
  });

  it('remembers a bounded number of completions: the oldest is forgotten', async () => {
    const c = await start({ completedUploadsKept: 1 });
    const a = await upload(c, 'a.bin', 'a');
    await c.send(new CompleteMultipartUploadCommand({ Bucket: 'mp', Key: 'a.bin', UploadId: a.UploadId, MultipartUpload: { Parts: a.Parts } }));
    const b = await upload(c, 'b.bin', 'b');
    await c.send(new CompleteMultipartUploadCommand({ Bucket: 'mp', Key: 'b.bin', UploadId: b.UploadId, MultipartUpload: { Parts: b.Parts } }));
    await expect(c.send(new CompleteMultipartUploadCommand({ Bucket: 'mp', Key: 'a.bin', UploadId: a.UploadId, MultipartUpload: { Parts: a.Parts } }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
    await c.send(new CompleteMultipartUploadCommand({ Bucket: 'mp', Key: 'b.bin', UploadId: b.UploadId, MultipartUpload: { Parts: b.Parts } }));
  });
});
