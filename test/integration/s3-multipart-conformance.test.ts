// Multipart behaviours where S3 is particular: a retried Complete (the client
// lost the first answer) gets the same 200; parts under 5 MiB but the last
// and malformed copy ranges are refused. Gateway on a real port,
// @aws-sdk client over HTTP.
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, ListPartsCommand, PutObjectCommand, S3Client, UploadPartCommand, UploadPartCopyCommand,
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

  async function start(): Promise<S3Client> {
    t = await createTestPfs();
    app = createS3App({ pfs: t.pfs, keys: staticKeys([{ accessKeyId: 'K', secret: 'S' }]) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    s3 = new S3Client({ endpoint: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'K', secretAccessKey: 'S' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'mpu' }));
    return s3;
  }

  async function upload(c: S3Client, key: string, body: string): Promise<{ UploadId: string; Parts: { PartNumber: number; ETag: string }[] }> {
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: key }));
    const part = await c.send(new UploadPartCommand({ Bucket: 'mpu', Key: key, UploadId, PartNumber: 1, Body: body }));
    return { UploadId: UploadId!, Parts: [{ PartNumber: 1, ETag: part.ETag! }] };
  }

  it('answers a retried Complete with the first answer while the key holds that upload\'s object', async () => {
    const c = await start();
    const u = await upload(c, 'k.bin', 'first');
    const complete = (parts = u.Parts, key = 'k.bin') => c.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: key, UploadId: u.UploadId, MultipartUpload: { Parts: parts } }));
    const first = await complete();
    const again = await complete();
    expect([again.ETag, again.VersionId, again.Key]).toEqual([first.ETag, first.VersionId, 'k.bin']);
    expect(await (await c.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'k.bin' }))).Body!.transformToString()).toBe('first');

    // Not the same parts list, or another key: the upload is gone, as on S3.
    await expect(complete([{ PartNumber: 1, ETag: '"0-1"' }])).rejects.toMatchObject({ name: 'NoSuchUpload' });
    await expect(complete(u.Parts, 'other.bin')).rejects.toMatchObject({ name: 'NoSuchUpload' });
    // Once the key holds something else, a late retry must not claim it.
    await c.send(new PutObjectCommand({ Bucket: 'mpu', Key: 'k.bin', Body: 'newer' }));
    await expect(complete()).rejects.toMatchObject({ name: 'NoSuchUpload' });
  });

  it('answers a retried Complete the same after the gateway and its core restart (the record is in the metadata store)', async () => {
    let c = await start();
    const u = await upload(c, 'r.bin', 'durable');
    const complete = () => c.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'r.bin', UploadId: u.UploadId, MultipartUpload: { Parts: u.Parts } }));
    const first = await complete();
    s3!.destroy();
    await app!.close();
    const reopened = await t!.reopen();
    t = { ...reopened, remove: t!.remove };
    app = createS3App({ pfs: t.pfs, keys: staticKeys([{ accessKeyId: 'K', secret: 'S' }]) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    c = s3 = new S3Client({ endpoint: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'K', secretAccessKey: 'S' } });
    const again = await complete();
    expect([again.ETag, again.VersionId]).toEqual([first.ETag, first.VersionId]);
  });

  it('refuses a part under 5 MiB that is not the last with EntityTooSmall, committing nothing', async () => {
    const c = await start();
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'big.bin' }));
    const put = (n: number, body: Buffer) => c.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'big.bin', UploadId, PartNumber: n, Body: body }));
    const small = await put(1, Buffer.alloc((5 << 20) - 1, 1));
    const last = await put(2, Buffer.alloc(10, 2));
    const complete = (parts: { PartNumber: number; ETag?: string }[]) => c.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'big.bin', UploadId, MultipartUpload: { Parts: parts } }));
    await expect(complete([{ PartNumber: 1, ETag: small.ETag }, { PartNumber: 2, ETag: last.ETag }])).rejects.toMatchObject({ name: 'EntityTooSmall', $metadata: { httpStatusCode: 400 } });
    await expect(c.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big.bin' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect((await c.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'big.bin', UploadId }))).Parts?.length).toBe(2); // the upload is still there

    const full = await put(1, Buffer.alloc(5 << 20, 1)); // exactly 5 MiB is enough
    await complete([{ PartNumber: 1, ETag: full.ETag }, { PartNumber: 2, ETag: last.ETag }]);
    const got = await c.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big.bin' }));
    expect(got.ContentLength).toBe((5 << 20) + 10);
    await got.Body!.transformToByteArray();
  });

  it('refuses a malformed x-amz-copy-source-range with InvalidArgument and one outside the source with InvalidRange', async () => {
    const c = await start();
    await c.send(new PutObjectCommand({ Bucket: 'mpu', Key: 'src', Body: 'abcdefghij' }));
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'dst' }));
    const copy = (range: string) => c.send(new UploadPartCopyCommand({ Bucket: 'mpu', Key: 'dst', UploadId, PartNumber: 1, CopySource: 'mpu/src', CopySourceRange: range }));
    for (const range of ['0-2', 'bytes=0', 'bytes=hello-world', 'bytes=0-bar', 'bytes=hello-', 'bytes=0-2,3-5', 'bytes=-3', 'bytes=3-', 'bytes=5-2']) {
      await expect(copy(range), range).rejects.toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
    }
    await expect(copy('bytes=0-10')).rejects.toMatchObject({ name: 'InvalidRange', $metadata: { httpStatusCode: 416 } });
    expect((await c.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'dst', UploadId }))).Parts ?? []).toEqual([]);

    await copy('bytes=2-4');
    await c.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'dst', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1 }] } }));
    expect(await (await c.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'dst' }))).Body!.transformToString()).toBe('cde');
  });
});
