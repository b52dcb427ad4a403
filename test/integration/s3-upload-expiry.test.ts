// Abandoned multipart uploads expire: the gateway (in process, on a real
// port, driven by @aws-sdk/client-s3) over a core whose clock the test moves,
// so days pass without sleeping. An upload younger than the limit survives a
// sweep; an older one is aborted, its parts dropped, and it is NoSuchUpload.
import { CreateBucketCommand, CreateMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { staticKeys } from '../../server/s3/keys.ts';
import { createS3App } from '../../server/s3/plugin.ts';
import { DAY_MS, startUploadSweeper, type UploadSweeper } from '../../server/s3/upload-expiry.ts';
import { openPfsAt, type TestPfs } from '../helpers/pfs.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

describe('S3 multipart upload expiry', () => {
  let tmp: TempDir | undefined;
  let t: TestPfs | undefined;
  let app: FastifyInstance | undefined;
  let sweeper: UploadSweeper | undefined;
  let s3: S3Client | undefined;
  afterEach(async () => {
    sweeper?.stop();
    s3?.destroy();
    await app?.close();
    await t?.close();
    await tmp?.remove();
  });

  it('aborts uploads older than the limit by the injected clock, and only those', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    tmp = await createTempDir('strata-s3-expiry');
    t = await openPfsAt(tmp.path, { clock: { now: () => now } });
    app = createS3App({ pfs: t.pfs, keys: staticKeys([{ accessKeyId: 'K', secret: 'S' }]) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    s3 = new S3Client({ endpoint: `http://127.0.0.1:${address.port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'K', secretAccessKey: 'S' } });
    sweeper = startUploadSweeper({ pfs: t.pfs, maxAgeMs: 7 * DAY_MS, everyMs: 1e9 });

    await s3.send(new CreateBucketCommand({ Bucket: 'exp' }));
    const old = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'exp', Key: 'old.bin' }));
    await s3.send(new UploadPartCommand({ Bucket: 'exp', Key: 'old.bin', UploadId: old.UploadId, PartNumber: 1, Body: Buffer.alloc(1000, 1) }));
    now += 3 * DAY_MS;
    const young = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'exp', Key: 'young.bin' }));

    now += 4 * DAY_MS - 1; // the old one is a millisecond short of 7 days
    expect(await sweeper.sweep()).toBe(0);
    now += 1;
    expect(await sweeper.sweep()).toBe(1);

    const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'exp' }));
    expect(listed.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([['young.bin', young.UploadId]]);
    await expect(s3.send(new ListPartsCommand({ Bucket: 'exp', Key: 'old.bin', UploadId: old.UploadId }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
    await expect(s3.send(new UploadPartCommand({ Bucket: 'exp', Key: 'old.bin', UploadId: old.UploadId, PartNumber: 2, Body: 'x' }))).rejects.toMatchObject({ name: 'NoSuchUpload' });

    now += 4 * DAY_MS;
    expect(await sweeper.sweep()).toBe(1);
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: 'exp' }))).Uploads ?? []).toEqual([]);
  });

  it('refuses a non-positive age', async () => {
    tmp = await createTempDir('strata-s3-expiry');
    t = await openPfsAt(tmp.path);
    await expect(t.pfs.uploads.expire(0)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
