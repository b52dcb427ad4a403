// Parts of a multipart upload are staged durably: kill -9 of the real
// server right after UploadPart was acknowledged (with another part still
// streaming into a pack of its own, half written), then a restart on the
// same data directory. The acknowledged parts are listed, the upload
// completes, and the object reads back byte for byte. Each part's chunks go
// into packs of its own that are written while they fill
// (src/blocks/chunk-store.ts lanes): the acknowledgement must still wait for
// the pack to be whole and renamed into place.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, ListPartsCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, SECRET, startS3Server, type S3TestServer } from '../helpers/s3.ts';
import { signRequest } from '../helpers/sigv4-sign.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const MiB = 1 << 20;

function client(server: S3TestServer): S3Client {
  return new S3Client({ endpoint: server.s3Url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET } });
}

/** Starts an UploadPart of `total` bytes, sends `sent` of them and leaves the request open. */
async function halfPart(server: S3TestServer, key: string, uploadId: string, part: number, total: number, sent: number): Promise<void> {
  const rawPath = `/crash/${key}`;
  const rawQuery = `partNumber=${part}&uploadId=${uploadId}`;
  const signed = signRequest({ method: 'PUT', rawPath, rawQuery, host: server.s3Address, headers: [['content-length', String(total)]], payloadHash: 'UNSIGNED-PAYLOAD', key: { accessKeyId: ACCESS_KEY, secret: SECRET }, now: Date.now() });
  const req = request(`${server.s3Url}${rawPath}?${rawQuery}`, { method: 'PUT', headers: { host: server.s3Address, ...Object.fromEntries(signed.headers) } });
  req.on('error', () => undefined); // the server dies under it
  await new Promise<void>((resolve) => req.write(randomBytes(sent), () => resolve()));
  await new Promise((r) => setTimeout(r, 300)); // let the server take (and write ahead) what was sent
}

describe('S3 multipart: an acknowledged part survives kill -9', () => {
  let tmp: TempDir;
  let server: S3TestServer | undefined;

  beforeAll(async () => {
    tmp = await createTempDir('strata-s3-crash');
  });

  afterAll(async () => {
    await server?.cleanup();
    await tmp?.remove();
  });

  it('completes the upload after a restart, and the object reads back whole', async () => {
    const dataDir = `${tmp.path}/data`;
    server = await startS3Server({ dataDir });
    let s3 = client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'crash' }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'crash', Key: 'big.bin' }));
    const parts = [randomBytes(6 * MiB + 12_345), randomBytes(3 * MiB + 7)];
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) {
      etags.push((await s3.send(new UploadPartCommand({ Bucket: 'crash', Key: 'big.bin', UploadId, PartNumber: i + 1, Body: body }))).ETag!);
    }
    await halfPart(server, 'big.bin', UploadId!, 3, 8 * MiB, 3 * MiB + 5);
    server.child.kill('SIGKILL');
    expect((await server.stop()).signal).toBe('SIGKILL');
    s3.destroy();

    server = await startS3Server({ dataDir });
    s3 = client(server);
    const listed = await s3.send(new ListPartsCommand({ Bucket: 'crash', Key: 'big.bin', UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([[1, parts[0]!.length, etags[0]], [2, parts[1]!.length, etags[1]]]);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'crash', Key: 'big.bin', UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
    const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'crash', Key: 'big.bin' }))).Body!.transformToByteArray());
    expect(got.equals(Buffer.concat(parts))).toBe(true);
    s3.destroy();
  }, 120_000);
});
