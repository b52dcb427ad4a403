// Parts and checksums as S3 answers them: x-amz-checksum-* sent with a PUT or
// a part (the SDK sends CRC32 by default) are verified, stored and returned
// by GET/HEAD with ChecksumMode ENABLED, by CompleteMultipartUpload and
// GetObjectAttributes; a multipart object's parts are served by
// ?partNumber=N with x-amz-mp-parts-count. Gateway on a real port,
// @aws-sdk client over HTTP; expected CRC32 values come from node:zlib.
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectAttributesCommand, GetObjectCommand, HeadObjectCommand, ListPartsCommand,
  PutObjectCommand, S3Client, UploadPartCommand, type ChecksumAlgorithm,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticKeys } from '../../server/s3/keys.ts';
import { createS3App } from '../../server/s3/plugin.ts';
import { createTestPfs, type TestPfs } from '../helpers/pfs.ts';

const crc32b64 = (b: Buffer): string => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(b));
  return out.toString('base64');
};

describe('S3 parts and checksums', () => {
  let t: TestPfs & { remove(): Promise<void> };
  let app: FastifyInstance;
  let s3: S3Client;
  beforeAll(async () => {
    t = await createTestPfs();
    app = createS3App({ pfs: t.pfs, keys: staticKeys([{ accessKeyId: 'K', secret: 'S' }]) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    s3 = new S3Client({ endpoint: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'K', secretAccessKey: 'S' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'cks' }));
  });
  afterAll(async () => {
    s3?.destroy();
    await app?.close();
    await t?.remove();
  });

  it('stores the checksum a PUT sends and returns it on GET and HEAD only when asked', async () => {
    const body = randomBytes(100_000);
    const put = await s3.send(new PutObjectCommand({ Bucket: 'cks', Key: 'crc32', Body: body })); // the SDK's default: CRC32
    expect(put.ChecksumCRC32).toBe(crc32b64(body));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'cks', Key: 'crc32', ChecksumMode: 'ENABLED' }));
    expect([head.ChecksumCRC32, head.ChecksumType]).toEqual([crc32b64(body), 'FULL_OBJECT']);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'cks', Key: 'crc32', ChecksumMode: 'ENABLED' }));
    expect(got.ChecksumCRC32).toBe(crc32b64(body));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'cks', Key: 'crc32' }))).ChecksumCRC32).toBeUndefined();
    // A range is not the object: no checksum.
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'cks', Key: 'crc32', ChecksumMode: 'ENABLED', Range: 'bytes=0-9' }))).ChecksumCRC32).toBeUndefined();
  });

  it.each(['CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as ChecksumAlgorithm[])('stores and returns %s (the SDK checks the GET against the bytes)', async (algorithm) => {
    const body = randomBytes(70_000);
    await s3.send(new PutObjectCommand({ Bucket: 'cks', Key: `a/${algorithm}`, Body: body, ChecksumAlgorithm: algorithm }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'cks', Key: `a/${algorithm}`, ChecksumMode: 'ENABLED' }));
    const field = `Checksum${algorithm}` as 'ChecksumSHA256';
    expect(got[field]).toBeTruthy();
    if (algorithm === 'SHA256') expect(got[field]).toBe(createHash('sha256').update(body).digest('base64'));
    if (algorithm === 'SHA1') expect(got[field]).toBe(createHash('sha1').update(body).digest('base64'));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it('serves a multipart object part by part, with a COMPOSITE CRC32 of its parts', async () => {
    const parts = [randomBytes(5 << 20), randomBytes((5 << 20) + 3), randomBytes(1234)];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'cks', Key: 'mp', ChecksumAlgorithm: 'CRC32' }));
    const sent = [];
    for (const [i, p] of parts.entries()) {
      const r = await s3.send(new UploadPartCommand({ Bucket: 'cks', Key: 'mp', UploadId, PartNumber: i + 1, Body: p, ChecksumAlgorithm: 'CRC32' }));
      expect(r.ChecksumCRC32).toBe(crc32b64(p));
      sent.push({ PartNumber: i + 1, ETag: r.ETag, ChecksumCRC32: r.ChecksumCRC32 });
    }
    const listed = await s3.send(new ListPartsCommand({ Bucket: 'cks', Key: 'mp', UploadId }));
    expect(listed.Parts?.map((p) => p.ChecksumCRC32)).toEqual(parts.map(crc32b64));
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'cks', Key: 'mp', UploadId, MultipartUpload: { Parts: sent } }));
    const composite = `${crc32b64(Buffer.concat(parts.map((p) => Buffer.from(crc32b64(p), 'base64'))))}-3`;
    expect(done.ChecksumCRC32).toBe(composite);

    for (const [i, p] of parts.entries()) {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'cks', Key: 'mp', PartNumber: i + 1 }));
      expect([got.PartsCount, got.ContentLength, got.$metadata.httpStatusCode]).toEqual([3, p.length, 206]);
      const start = parts.slice(0, i).reduce((n, q) => n + q.length, 0);
      expect(got.ContentRange).toBe(`bytes ${start}-${start + p.length - 1}/${parts.reduce((n, q) => n + q.length, 0)}`);
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(p)).toBe(true);
    }
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'cks', Key: 'mp', PartNumber: 3 }));
    expect([head.PartsCount, head.ContentLength]).toEqual([3, 1234]);
    await expect(s3.send(new GetObjectCommand({ Bucket: 'cks', Key: 'mp', PartNumber: 4 }))).rejects.toMatchObject({ name: 'InvalidPartNumber', $metadata: { httpStatusCode: 416 } });
    await expect(s3.send(new GetObjectCommand({ Bucket: 'cks', Key: 'mp', PartNumber: 1, Range: 'bytes=0-1' }))).rejects.toMatchObject({ name: 'InvalidRequest' });
    const whole = await s3.send(new HeadObjectCommand({ Bucket: 'cks', Key: 'mp', ChecksumMode: 'ENABLED' }));
    expect([whole.ChecksumCRC32, whole.ChecksumType]).toEqual([composite, 'COMPOSITE']);

    const attrs = await s3.send(new GetObjectAttributesCommand({ Bucket: 'cks', Key: 'mp', ObjectAttributes: ['ETag', 'Checksum', 'ObjectParts', 'ObjectSize', 'StorageClass'], MaxParts: 2 }));
    expect(attrs.ObjectSize).toBe(parts.reduce((n, q) => n + q.length, 0));
    expect(attrs.Checksum).toMatchObject({ ChecksumCRC32: composite, ChecksumType: 'COMPOSITE' });
    expect(attrs.ObjectParts).toMatchObject({ TotalPartsCount: 3, IsTruncated: true, NextPartNumberMarker: '2' }); // the SDK models markers as strings
    expect(attrs.ObjectParts?.Parts?.map((p) => p.Size)).toEqual([parts[0]!.length, parts[1]!.length]);
    expect(`"${attrs.ETag}"`).toBe(done.ETag);

    // A copy is one part and drops the COMPOSITE checksum, which described the parts.
    await s3.send(new CopyObjectCommand({ Bucket: 'cks', Key: 'mp-copy', CopySource: 'cks/mp' }));
    const copy = await s3.send(new HeadObjectCommand({ Bucket: 'cks', Key: 'mp-copy', PartNumber: 1, ChecksumMode: 'ENABLED' }));
    expect([copy.PartsCount, copy.ContentLength, copy.ChecksumCRC32]).toEqual([1, attrs.ObjectSize, undefined]);
  }, 60_000);

  it('combines the parts\' CRCs into a FULL_OBJECT checksum of the whole object', async () => {
    const parts = [randomBytes(5 << 20), randomBytes(777)];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'cks', Key: 'full', ChecksumAlgorithm: 'CRC32', ChecksumType: 'FULL_OBJECT' }));
    const sent = [];
    for (const [i, p] of parts.entries()) {
      const r = await s3.send(new UploadPartCommand({ Bucket: 'cks', Key: 'full', UploadId, PartNumber: i + 1, Body: p, ChecksumAlgorithm: 'CRC32' }));
      sent.push({ PartNumber: i + 1, ETag: r.ETag, ChecksumCRC32: r.ChecksumCRC32 });
    }
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'cks', Key: 'full', UploadId, MultipartUpload: { Parts: sent } }));
    expect(done.ChecksumCRC32).toBe(crc32b64(Buffer.concat(parts)));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'cks', Key: 'full', ChecksumMode: 'ENABLED' }));
    expect([got.ChecksumCRC32, got.ChecksumType]).toEqual([crc32b64(Buffer.concat(parts)), 'FULL_OBJECT']);
    await got.Body!.transformToByteArray();
    await expect(s3.send(new CreateMultipartUploadCommand({ Bucket: 'cks', Key: 'bad', ChecksumAlgorithm: 'SHA256', ChecksumType: 'FULL_OBJECT' }))).rejects.toMatchObject({ name: 'InvalidRequest' });
  }, 60_000);
});
