// The S3 gateway driven by the two JavaScript clients: @aws-sdk/client-s3
// (pinned in package.json; it sends CRC32 checksums as aws-chunked trailers)
// and the minio client the chunk store already uses (its uploads of unknown
// length go multipart and start with ListMultipartUploads).
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, DeleteBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Client as MinioClient } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unary } from '../helpers/server.ts';
import { ACCESS_KEY, SECRET, history, startS3Server, type S3TestServer } from '../helpers/s3.ts';

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) b[i] = (x = (x * 1103515245 + 12345) & 0x7fffffff) >>> 16;
  return b;
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
}

describe('S3 gateway with @aws-sdk/client-s3 and minio', () => {
  let server: S3TestServer;
  let sdk: S3Client;
  let minio: MinioClient;

  beforeAll(async () => {
    server = await startS3Server();
    sdk = new S3Client({ endpoint: server.s3Url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET } });
    const [host, port] = server.s3Address.split(':');
    minio = new MinioClient({ endPoint: host!, port: Number(port), useSSL: false, accessKey: ACCESS_KEY, secretKey: SECRET, region: 'us-east-1', pathStyle: true });
  }, 120_000);

  afterAll(async () => {
    sdk?.destroy();
    await server?.cleanup();
  });

  it('@aws-sdk/client-s3: put (checksum trailer), get, head, list, copy, delete, multipart', async () => {
    await sdk.send(new CreateBucketCommand({ Bucket: 'sdk' }));
    const body = bytes(200_000, 1);
    const put = await sdk.send(new PutObjectCommand({ Bucket: 'sdk', Key: 'a/one.bin', Body: body }));
    const got = await sdk.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'a/one.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect(got.ETag).toBe(put.ETag);
    // A stream of unknown length goes aws-chunked with a CRC32 trailer.
    const streamed = bytes(150_000, 2);
    await sdk.send(new PutObjectCommand({ Bucket: 'sdk', Key: 'a/streamed.bin', Body: Readable.from([streamed.subarray(0, 70_000), streamed.subarray(70_000)]), ContentLength: streamed.length }));
    const head = await sdk.send(new HeadObjectCommand({ Bucket: 'sdk', Key: 'a/streamed.bin' }));
    expect(head.ContentLength).toBe(streamed.length);
    await expect(sdk.send(new HeadObjectCommand({ Bucket: 'sdk', Key: 'a/streamed.bin', IfNoneMatch: head.ETag }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 304 } });
    await sdk.send(new CopyObjectCommand({ Bucket: 'sdk', Key: 'b/copy.bin', CopySource: 'sdk/a/one.bin' }));
    const listed = await sdk.send(new ListObjectsV2Command({ Bucket: 'sdk', Delimiter: '/' }));
    expect(listed.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/', 'b/']);
    await sdk.send(new DeleteObjectCommand({ Bucket: 'sdk', Key: 'a/one.bin' }));
    const { UploadId } = await sdk.send(new CreateMultipartUploadCommand({ Bucket: 'sdk', Key: 'mp.bin' }));
    const p1 = bytes(5 << 20, 3);
    const p2 = bytes(1000, 4);
    const e1 = await sdk.send(new UploadPartCommand({ Bucket: 'sdk', Key: 'mp.bin', UploadId, PartNumber: 1, Body: p1 }));
    const e2 = await sdk.send(new UploadPartCommand({ Bucket: 'sdk', Key: 'mp.bin', UploadId, PartNumber: 2, Body: p2 }));
    await sdk.send(new CompleteMultipartUploadCommand({ Bucket: 'sdk', Key: 'mp.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1.ETag }, { PartNumber: 2, ETag: e2.ETag }] } }));
    const mp = await sdk.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'mp.bin' }));
    expect(Buffer.from(await mp.Body!.transformToByteArray()).equals(Buffer.concat([p1, p2]))).toBe(true);
    await expect(sdk.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'a/one.bin' }))).rejects.toMatchObject({ name: 'NoSuchKey' });

    const changes = (await history(server.pfs, 'sdk@main')).map((c) => c.changes).reverse();
    expect(changes).toEqual([['+/a/one.bin'], ['+/a/streamed.bin'], ['+/b/copy.bin'], ['-/a/one.bin'], ['+/mp.bin']]);
    expect(server.logs.some((l) => l.includes('S3 GATEWAY IS OPEN'))).toBe(false); // it has a key
  }, 120_000);

  it('a body whose trailer checksum does not match is refused and nothing is committed', async () => {
    await sdk.send(new CreateBucketCommand({ Bucket: 'sdkbad' }));
    // The SDK signs and frames the body; a middleware then swaps the CRC32 trailer's value.
    const client = new S3Client({ endpoint: server.s3Url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET } });
    client.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { body?: unknown; headers: Record<string, string> };
        if (typeof req.body === 'object' && req.body && Symbol.asyncIterator in req.body) {
          const orig = req.body as AsyncIterable<Uint8Array>;
          req.body = Readable.from((async function* () {
            for await (const p of orig) yield Buffer.from(Buffer.from(p).toString('latin1').replace(/x-amz-checksum-crc32:[^\r]*/, 'x-amz-checksum-crc32:AAAAAA=='), 'latin1');
          })());
        }
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'breakTrailer' },
    );
    await expect(client.send(new PutObjectCommand({ Bucket: 'sdkbad', Key: 'x.bin', Body: Readable.from([bytes(1000, 5)]), ContentLength: 1000 }))).rejects.toMatchObject({ name: 'BadDigest' });
    client.destroy();
    expect(await history(server.pfs, 'sdkbad@main').catch(() => [])).toEqual([]);
    await expect(sdk.send(new HeadObjectCommand({ Bucket: 'sdkbad', Key: 'x.bin' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  }, 120_000);

  it('minio: make bucket, put (multipart for a stream of unknown size), get, partial get, list, stat, remove', async () => {
    await minio.makeBucket('mini');
    const small = bytes(10_000, 6);
    await minio.putObject('mini', 'dir/small.bin', small);
    const big = bytes(12 << 20, 7);
    // Unknown size with a 5 MiB part size: ListMultipartUploads, then three parts, then complete.
    await minio.putObject('mini', 'dir/big.bin', Readable.from([big.subarray(0, 6 << 20), big.subarray(6 << 20)]), undefined, {});
    expect((await drain(await minio.getObject('mini', 'dir/big.bin'))).equals(big)).toBe(true);
    expect((await drain(await minio.getPartialObject('mini', 'dir/small.bin', 100, 50))).equals(small.subarray(100, 150))).toBe(true);
    const names: string[] = [];
    for await (const o of minio.listObjectsV2('mini', 'dir/', true)) names.push((o as { name: string }).name);
    expect(names).toEqual(['dir/big.bin', 'dir/small.bin']);
    const stat = await minio.statObject('mini', 'dir/big.bin');
    expect(stat.size).toBe(big.length);
    await minio.removeObjects('mini', ['dir/small.bin']);
    const changes = (await history(server.pfs, 'mini@main')).map((c) => c.changes).reverse();
    expect(changes).toEqual([['+/dir/small.bin'], ['+/dir/big.bin'], ['-/dir/small.bin']]);
    const presigned = await minio.presignedGetObject('mini', 'dir/big.bin', 60);
    const res = await fetch(presigned);
    expect(createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
  }, 120_000);

  it('writes into the branch\'s open commit when one is open: many objects, one commit', async () => {
    await sdk.send(new CreateBucketCommand({ Bucket: 'job' }));
    await sdk.send(new PutObjectCommand({ Bucket: 'job', Key: 'before.txt', Body: 'before' }));
    const open = await unary<{ id: string }>(server.pfs, 'StartCommit', { branch: 'job@main', description: 'a job' });
    for (const k of ['out/1.txt', 'out/2.txt', 'out/3.txt']) await sdk.send(new PutObjectCommand({ Bucket: 'job', Key: k, Body: k }));
    await sdk.send(new DeleteObjectCommand({ Bucket: 'job', Key: 'before.txt' }));
    // Read-your-writes through the gateway while the commit is open.
    const listed = await sdk.send(new ListObjectsV2Command({ Bucket: 'job' }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['out/1.txt', 'out/2.txt', 'out/3.txt']);
    await unary(server.pfs, 'FinishCommit', { commit: 'job@main' });
    const commits = await history(server.pfs, 'job@main');
    expect(commits).toHaveLength(2);
    expect(commits[0]!.id).toBe(open.id);
    expect(commits[0]!.changes.sort()).toEqual(['+/out/1.txt', '+/out/2.txt', '+/out/3.txt', '-/before.txt']);
  }, 120_000);

  it('stores Content-Type, the other representation headers and user metadata; Last-Modified is per object', async () => {
    await sdk.send(new CreateBucketCommand({ Bucket: 'meta' }));
    const headers = { ContentType: 'text/csv; charset=utf-8', CacheControl: 'max-age=60', ContentDisposition: 'attachment; filename="t.csv"', ContentEncoding: 'identity', ContentLanguage: 'en' };
    await sdk.send(new PutObjectCommand({ Bucket: 'meta', Key: 't.csv', Body: 'a,b\n', ...headers, Metadata: { owner: 'ana', 'run-id': '42' } }));
    const listOf = async () => Object.fromEntries(((await sdk.send(new ListObjectsV2Command({ Bucket: 'meta' }))).Contents ?? []).map((c) => [c.Key, c.LastModified!.toISOString()]));
    const before = await listOf();
    // Streamed (aws-chunked): the transfer encoding is not stored as the object's.
    await sdk.send(new PutObjectCommand({ Bucket: 'meta', Key: 'later.bin', Body: Readable.from([Buffer.from('zz')]), ContentLength: 2 }));
    const after = await listOf();
    expect(after['t.csv']).toBe(before['t.csv']); // not the new head commit's time
    expect(after['later.bin']! > after['t.csv']!).toBe(true);
    for (const read of [HeadObjectCommand, GetObjectCommand]) {
      const got = await sdk.send(new read({ Bucket: 'meta', Key: 't.csv' }));
      expect(got).toMatchObject({ ...headers, Metadata: { owner: 'ana', 'run-id': '42' } });
      expect(got.LastModified!.getTime()).toBe(Math.floor(Date.parse(before['t.csv']!) / 1000) * 1000);
    }
    const later = await sdk.send(new HeadObjectCommand({ Bucket: 'meta', Key: 'later.bin' }));
    expect([later.ContentEncoding, later.Metadata]).toEqual([undefined, {}]);
    // Copy keeps metadata (COPY), or takes the request's (REPLACE); copying onto itself needs REPLACE.
    const source = await sdk.send(new HeadObjectCommand({ Bucket: 'meta', Key: 't.csv' }));
    await expect(sdk.send(new CopyObjectCommand({ Bucket: 'meta', Key: 'no.csv', CopySource: 'meta/t.csv', CopySourceIfNoneMatch: source.ETag }))).rejects.toMatchObject({ name: 'PreconditionFailed' });
    await expect(sdk.send(new CopyObjectCommand({ Bucket: 'meta', Key: 'no.csv', CopySource: 'meta/t.csv', CopySourceIfModifiedSince: new Date(Date.now() + 3_600_000) }))).rejects.toMatchObject({ name: 'PreconditionFailed' });
    await sdk.send(new CopyObjectCommand({ Bucket: 'meta', Key: 'copy.csv', CopySource: 'meta/t.csv', CopySourceIfMatch: source.ETag }));
    expect((await sdk.send(new ListObjectsV2Command({ Bucket: 'meta', FetchOwner: true }))).Contents?.[0]?.Owner).toBeDefined();
    expect(await sdk.send(new HeadObjectCommand({ Bucket: 'meta', Key: 'copy.csv' }))).toMatchObject({ ContentType: headers.ContentType, Metadata: { owner: 'ana', 'run-id': '42' } });
    await expect(sdk.send(new CopyObjectCommand({ Bucket: 'meta', Key: 't.csv', CopySource: 'meta/t.csv' }))).rejects.toMatchObject({ name: 'InvalidRequest' });
    await sdk.send(new CopyObjectCommand({ Bucket: 'meta', Key: 't.csv', CopySource: 'meta/t.csv', MetadataDirective: 'REPLACE', ContentType: 'text/plain', Metadata: { owner: 'bo' } }));
    const replaced = await sdk.send(new HeadObjectCommand({ Bucket: 'meta', Key: 't.csv' }));
    expect([replaced.ContentType, replaced.Metadata, replaced.CacheControl]).toEqual(['text/plain', { owner: 'bo' }, undefined]);
    // Multipart: metadata given at the start lands with the object.
    const { UploadId } = await sdk.send(new CreateMultipartUploadCommand({ Bucket: 'meta', Key: 'mp.json', ContentType: 'application/json', Metadata: { part: 'y' } }));
    const e1 = await sdk.send(new UploadPartCommand({ Bucket: 'meta', Key: 'mp.json', UploadId, PartNumber: 1, Body: '{}' }));
    await sdk.send(new CompleteMultipartUploadCommand({ Bucket: 'meta', Key: 'mp.json', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1.ETag }] } }));
    expect(await sdk.send(new HeadObjectCommand({ Bucket: 'meta', Key: 'mp.json' }))).toMatchObject({ ContentType: 'application/json', Metadata: { part: 'y' } });
    // Over S3's 2 KB of user metadata: refused, nothing committed.
    const commits = (await history(server.pfs, 'meta@main')).length;
    await expect(sdk.send(new PutObjectCommand({ Bucket: 'meta', Key: 'big.txt', Body: 'x', Metadata: { big: 'v'.repeat(2100) } }))).rejects.toMatchObject({ name: 'MetadataTooLarge' });
    expect((await history(server.pfs, 'meta@main')).length).toBe(commits);
  }, 120_000);

  it('concurrent GETs, slow and fast, whole and ranged, read exact bytes while sharing the gateway\'s read buffers', async () => {
    await sdk.send(new CreateBucketCommand({ Bucket: 'many' }));
    const big = bytes(40 << 20, 8);
    await sdk.send(new PutObjectCommand({ Bucket: 'many', Key: 'big.bin', Body: big }));
    const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    // Slow readers leave their pieces queued in the server's socket buffers while fast ones take buffers
    // for their own reads: a buffer handed back before the socket took its bytes would show here as wrong bytes.
    const slow = async (): Promise<string> => {
      const got = await sdk.send(new GetObjectCommand({ Bucket: 'many', Key: 'big.bin' }));
      const parts: Buffer[] = [];
      for await (const p of got.Body as AsyncIterable<Uint8Array>) {
        parts.push(Buffer.from(p));
        if (parts.length % 64 === 0) await new Promise((r) => setTimeout(r, 100));
      }
      return sha(Buffer.concat(parts));
    };
    const ranged = async (i: number): Promise<boolean> => {
      const start = (i * 7_340_033) % (big.length - (9 << 20));
      const got = await sdk.send(new GetObjectCommand({ Bucket: 'many', Key: 'big.bin', Range: `bytes=${start}-${start + (9 << 20) - 1}` }));
      return Buffer.from(await got.Body!.transformToByteArray()).equals(big.subarray(start, start + (9 << 20)));
    };
    const [slows, rangedOk] = await Promise.all([Promise.all([slow(), slow(), slow()]), Promise.all(Array.from({ length: 12 }, (_, i) => ranged(i)))]);
    expect(slows).toEqual([sha(big), sha(big), sha(big)]);
    expect(rangedOk.every(Boolean)).toBe(true);
  }, 180_000);

  it('answers bucket errors as S3 does and changes nothing', async () => {
    await sdk.send(new CreateBucketCommand({ Bucket: 'errs' }));
    await sdk.send(new PutObjectCommand({ Bucket: 'errs', Key: 'keep.txt', Body: 'x' }));
    // In us-east-1 (the gateway's default region) S3 answers 200 to re-creating your own bucket, and changes nothing (s3-conformance.test.ts checks another region).
    await expect(sdk.send(new CreateBucketCommand({ Bucket: 'errs' }))).resolves.toBeDefined();
    await expect(sdk.send(new DeleteBucketCommand({ Bucket: 'errs' }))).rejects.toMatchObject({ name: 'BucketNotEmpty' });
    await expect(sdk.send(new PutObjectCommand({ Bucket: 'errs', Key: 'keep.txt', Body: 'y', IfNoneMatch: '*' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await expect(sdk.send(new PutObjectCommand({ Bucket: 'nosuch.errs', Key: 'a', Body: 'x' }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(sdk.send(new PutObjectCommand({ Bucket: 'errs', Key: 'a/../b', Body: 'x' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    await expect(sdk.send(new GetObjectCommand({ Bucket: 'errs', Key: 'keep.txt', Range: 'bytes=5-' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 416 } });
    expect((await history(server.pfs, 'errs@main')).map((c) => c.changes)).toEqual([['+/keep.txt']]);
    await sdk.send(new DeleteObjectCommand({ Bucket: 'errs', Key: 'keep.txt' }));
    await sdk.send(new DeleteBucketCommand({ Bucket: 'errs' }));
    await expect(sdk.send(new CreateBucketCommand({ Bucket: 'errs' }))).resolves.toBeDefined();
  }, 120_000);
});
