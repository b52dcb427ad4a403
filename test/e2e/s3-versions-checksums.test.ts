// The S3 gateway's versioning and multipart checksums, driven by
// @aws-sdk/client-s3 (pinned) against the real server:
// - versions are commits: ListObjectVersions, GetObject by version, what a
//   delete does with and without a versionId (a non-current version is
//   never removed and the current object is never lost by naming an old
//   version), delete markers, GetBucketVersioning;
// - CompleteMultipartUpload with a whole-object checksum (FULL_OBJECT CRCs
//   and COMPOSITE SHA-256), the part checksums in its body, x-amz-checksum-type
//   and x-amz-mp-object-size, each refused as S3 refuses it with nothing
//   committed, and the values kept on the object.
// Expected checksums are computed here with node:crypto and node:zlib over
// the whole bytes, independently of the gateway's part combination.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand, DeleteObjectsCommand, GetBucketVersioningCommand,
  GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client, UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, SECRET, history, startS3Server, type S3TestServer } from '../helpers/s3.ts';

const MiB = 1 << 20;

function sha256b64(...parts: Buffer[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('base64');
}

function crc32b64(data: Buffer): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(data) >>> 0);
  return b.toString('base64');
}

describe('S3 gateway: versions are commits; multipart whole-object checksums', () => {
  let server: S3TestServer;
  let sdk: S3Client;
  /** Sends no checksum the caller did not ask for (so a part can arrive without one). */
  let plain: S3Client;

  beforeAll(async () => {
    server = await startS3Server();
    const base = { endpoint: server.s3Url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET } };
    sdk = new S3Client(base);
    plain = new S3Client({ ...base, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  }, 120_000);

  afterAll(async () => {
    sdk?.destroy();
    plain?.destroy();
    await server?.cleanup();
  });

  const read = async (key: string, VersionId?: string): Promise<string> =>
    (await (await sdk.send(new GetObjectCommand({ Bucket: 'ver', Key: key, VersionId }))).Body!.transformToString());

  it('versions: listing, reads by version, and what deletes with and without a versionId do', async () => {
    await sdk.send(new CreateBucketCommand({ Bucket: 'ver' }));
    expect((await sdk.send(new GetBucketVersioningCommand({ Bucket: 'ver' }))).Status).toBe('Enabled');
    const v1 = (await sdk.send(new PutObjectCommand({ Bucket: 'ver', Key: 'k', Body: 'one' }))).VersionId!;
    const v2 = (await sdk.send(new PutObjectCommand({ Bucket: 'ver', Key: 'k', Body: 'two' }))).VersionId!;
    await sdk.send(new PutObjectCommand({ Bucket: 'ver', Key: 'other', Body: 'x' }));
    // A write's version id is the commit it landed in.
    const commits = await history(server.pfs, 'ver@main');
    expect(commits.map((c) => c.id).slice(1)).toEqual([v2, v1]);

    const listed = await sdk.send(new ListObjectVersionsCommand({ Bucket: 'ver', Prefix: 'k' }));
    expect(listed.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest, v.Size])).toEqual([['k', v2, true, 3], ['k', v1, false, 3]]);
    expect(listed.DeleteMarkers ?? []).toEqual([]);
    expect(await read('k', v1)).toBe('one');
    expect(await read('k')).toBe('two');

    // Deleting a version that is not the current object removes nothing: every commit is kept, and the current object stays.
    const old = await sdk.send(new DeleteObjectCommand({ Bucket: 'ver', Key: 'k', VersionId: v1 }));
    expect([old.VersionId, old.DeleteMarker]).toEqual([v1, undefined]);
    expect(await read('k')).toBe('two');
    expect(await history(server.pfs, 'ver@main')).toHaveLength(commits.length);
    // A version id that is no commit id is refused, naming it.
    await expect(sdk.send(new DeleteObjectCommand({ Bucket: 'ver', Key: 'k', VersionId: 'not-a-commit' }))).rejects.toMatchObject({ name: 'InvalidArgument' });
    expect(await read('k')).toBe('two');

    // The current object by the version id a HEAD shows (the commit read): the key is deleted, in one commit.
    const headVersion = (await sdk.send(new HeadObjectCommand({ Bucket: 'ver', Key: 'k' }))).VersionId!;
    expect(headVersion).toBe(commits[0]!.id); // not the commit that wrote it: reading either gives the same object
    const current = await sdk.send(new DeleteObjectCommand({ Bucket: 'ver', Key: 'k', VersionId: headVersion }));
    expect(current.VersionId).toBe(headVersion);
    const afterDelete = await history(server.pfs, 'ver@main');
    expect(afterDelete[0]!.changes).toEqual(['-/k']);
    await expect(read('k')).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(await read('k', v2)).toBe('two'); // history is never rewritten

    // A delete without a version: the commit that removes the key is its delete marker.
    const plainDelete = await sdk.send(new DeleteObjectCommand({ Bucket: 'ver', Key: 'other' }));
    const markerCommit = (await history(server.pfs, 'ver@main'))[0]!;
    expect(markerCommit.changes).toEqual(['-/other']);
    expect([plainDelete.DeleteMarker, plainDelete.VersionId]).toEqual([true, markerCommit.id]);
    const again = await sdk.send(new DeleteObjectCommand({ Bucket: 'ver', Key: 'other' })); // already gone: no commit
    expect(again.DeleteMarker).toBeUndefined();
    expect(await history(server.pfs, 'ver@main')).toHaveLength(afterDelete.length + 1);
    const markers = await sdk.send(new ListObjectVersionsCommand({ Bucket: 'ver', Prefix: 'other' }));
    expect(markers.DeleteMarkers?.map((m) => [m.Key, m.VersionId, m.IsLatest])).toEqual([['other', markerCommit.id, true]]);
    // GET and HEAD of the delete marker's version are S3's 405 MethodNotAllowed, naming the marker.
    for (const Command of [GetObjectCommand, HeadObjectCommand]) {
      const err = await sdk.send(new Command({ Bucket: 'ver', Key: 'other', VersionId: markerCommit.id })).then(() => undefined, (e: unknown) => e as { $metadata: { httpStatusCode?: number }; $response?: { headers: Record<string, string> }; name: string });
      expect(err?.$metadata.httpStatusCode).toBe(405);
      expect(err?.$response?.headers['x-amz-delete-marker']).toBe('true');
      expect(err?.$response?.headers['x-amz-version-id']).toBe(markerCommit.id);
    }
    const getErr = await sdk.send(new GetObjectCommand({ Bucket: 'ver', Key: 'other', VersionId: markerCommit.id })).catch((e: unknown) => e as { name: string });
    expect(getErr).toMatchObject({ name: 'MethodNotAllowed' });
    // A version in which the key never existed stays NoSuchKey.
    await expect(read('other', v1)).rejects.toMatchObject({ name: 'NoSuchKey' });
  }, 120_000);

  it('versions: DeleteObjects with and without versionIds, in one commit', async () => {
    const a1 = (await sdk.send(new PutObjectCommand({ Bucket: 'ver', Key: 'm/a', Body: 'a1' }))).VersionId!;
    const a2 = (await sdk.send(new PutObjectCommand({ Bucket: 'ver', Key: 'm/a', Body: 'a2' }))).VersionId!;
    await sdk.send(new PutObjectCommand({ Bucket: 'ver', Key: 'm/b', Body: 'b' }));
    await sdk.send(new PutObjectCommand({ Bucket: 'ver', Key: 'm/c', Body: 'c' }));
    const before = await history(server.pfs, 'ver@main');
    const res = await sdk.send(new DeleteObjectsCommand({
      Bucket: 'ver',
      Delete: { Objects: [{ Key: 'm/a', VersionId: a1 }, { Key: 'm/b' }, { Key: 'm/c', VersionId: 'nope' }, { Key: 'm/none' }] },
    }));
    const after = await history(server.pfs, 'ver@main');
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]!.changes).toEqual(['-/m/b']); // m/a's named version is not current: m/a stays
    expect(res.Deleted?.map((d) => [d.Key, d.VersionId, d.DeleteMarker, d.DeleteMarkerVersionId])).toEqual([
      ['m/a', a1, undefined, undefined],
      ['m/b', undefined, true, after[0]!.id],
      ['m/none', undefined, undefined, undefined],
    ]);
    expect(res.Errors?.map((e) => [e.Key, e.VersionId, e.Code])).toEqual([['m/c', 'nope', 'InvalidArgument']]);
    expect(await read('m/a')).toBe('a2');
    expect(await read('m/c')).toBe('c');
    // Every version listed, deleted by version as s3-tests' and rclone's cleanups do: the branch ends empty.
    const all = await sdk.send(new ListObjectVersionsCommand({ Bucket: 'ver', Prefix: 'm/' }));
    const objects = [...(all.Versions ?? []), ...(all.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId! }));
    expect(objects).toContainEqual({ Key: 'm/a', VersionId: a2 });
    await sdk.send(new DeleteObjectsCommand({ Bucket: 'ver', Delete: { Objects: objects, Quiet: true } }));
    expect((await history(server.pfs, 'ver@main'))[0]!.changes.sort()).toEqual(['-/m/a', '-/m/c']);
  }, 120_000);

  /** Three parts of 5 MiB, 5 MiB and 1 MiB. */
  const bodies = [Buffer.alloc(5 * MiB, 'A'), Buffer.alloc(5 * MiB, 'B'), Buffer.alloc(MiB, 'C')];
  const whole = Buffer.concat(bodies);

  async function upload(client: S3Client, key: string, algorithm: 'CRC32' | 'SHA256' | undefined, type?: 'FULL_OBJECT' | 'COMPOSITE'): Promise<{ UploadId: string; parts: CompletedPart[] }> {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'sums', Key: key, ChecksumAlgorithm: algorithm, ChecksumType: type }));
    const parts: CompletedPart[] = [];
    for (const [i, Body] of bodies.entries()) {
      const r = await client.send(new UploadPartCommand({ Bucket: 'sums', Key: key, UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm: client === plain ? undefined : algorithm }));
      parts.push({ PartNumber: i + 1, ETag: r.ETag, ...(r.ChecksumCRC32 ? { ChecksumCRC32: r.ChecksumCRC32 } : {}), ...(r.ChecksumSHA256 ? { ChecksumSHA256: r.ChecksumSHA256 } : {}) });
    }
    return { UploadId: UploadId!, parts };
  }

  async function expectNothingCommitted(key: string, UploadId: string, commits: number): Promise<void> {
    expect(await history(server.pfs, 'sums@main').catch(() => [])).toHaveLength(commits); // an unborn branch has no history
    await expect(sdk.send(new HeadObjectCommand({ Bucket: 'sums', Key: key }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    const uploads = await sdk.send(new ListMultipartUploadsCommand({ Bucket: 'sums' }));
    expect(uploads.Uploads?.map((u) => u.UploadId)).toContain(UploadId); // kept: the client can complete it right
  }

  it('FULL_OBJECT CRC32: the whole-object checksum on Complete is checked, then kept', async () => {
    await sdk.send(new CreateBucketCommand({ Bucket: 'sums' }));
    const { UploadId, parts } = await upload(sdk, 'full.bin', 'CRC32', 'FULL_OBJECT');
    expect(parts.map((p) => p.ChecksumCRC32)).toEqual(bodies.map(crc32b64));
    const expected = crc32b64(whole);
    const complete = (extra: object) => sdk.send(new CompleteMultipartUploadCommand({ Bucket: 'sums', Key: 'full.bin', UploadId, MultipartUpload: { Parts: parts }, ...extra }));
    const wrong = crc32b64(Buffer.concat([whole, Buffer.from('x')]));
    await expect(complete({ ChecksumCRC32: wrong, ChecksumType: 'FULL_OBJECT' })).rejects.toMatchObject({ name: 'BadDigest' });
    await expect(complete({ ChecksumCRC32: expected, ChecksumType: 'COMPOSITE' })).rejects.toMatchObject({ name: 'InvalidRequest' });
    await expect(complete({ ChecksumCRC32: expected, MpuObjectSize: whole.length + 1 })).rejects.toMatchObject({ name: 'InvalidRequest' });
    await expect(sdk.send(new CompleteMultipartUploadCommand({
      Bucket: 'sums', Key: 'full.bin', UploadId, MultipartUpload: { Parts: [parts[0]!, { ...parts[1]!, ChecksumCRC32: parts[2]!.ChecksumCRC32 }, parts[2]!] },
    }))).rejects.toMatchObject({ name: 'InvalidPart' });
    await expectNothingCommitted('full.bin', UploadId, 0);

    const done = await complete({ ChecksumCRC32: expected, ChecksumType: 'FULL_OBJECT', MpuObjectSize: whole.length });
    expect([done.ChecksumCRC32, done.ChecksumType]).toEqual([expected, 'FULL_OBJECT']);
    const head = await sdk.send(new HeadObjectCommand({ Bucket: 'sums', Key: 'full.bin', ChecksumMode: 'ENABLED' }));
    expect([head.ChecksumCRC32, head.ChecksumType, head.ContentLength]).toEqual([expected, 'FULL_OBJECT', whole.length]);
    // The SDK checks the bytes it reads against the FULL_OBJECT CRC32.
    const got = await sdk.send(new GetObjectCommand({ Bucket: 'sums', Key: 'full.bin', ChecksumMode: 'ENABLED' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(whole)).toBe(true);
    expect((await history(server.pfs, 'sums@main')).map((c) => c.changes)).toEqual([['+/full.bin']]);
    const part2 = await sdk.send(new HeadObjectCommand({ Bucket: 'sums', Key: 'full.bin', PartNumber: 2, ChecksumMode: 'ENABLED' }));
    expect([part2.ChecksumCRC32, part2.ChecksumType, part2.ContentLength]).toEqual([crc32b64(bodies[1]!), 'FULL_OBJECT', bodies[1]!.length]);
  }, 120_000);

  it('FULL_OBJECT CRC32 with parts sent without a checksum: the gateway computes each part\'s, as S3 does', async () => {
    const { UploadId, parts } = await upload(plain, 'computed.bin', 'CRC32', 'FULL_OBJECT');
    expect(parts.every((p) => p.ChecksumCRC32 === undefined)).toBe(true); // nothing was sent, nothing echoed
    const done = await plain.send(new CompleteMultipartUploadCommand({ Bucket: 'sums', Key: 'computed.bin', UploadId, MultipartUpload: { Parts: parts }, ChecksumCRC32: crc32b64(whole) }));
    expect(done.ChecksumCRC32).toBe(crc32b64(whole));
  }, 120_000);

  it('COMPOSITE SHA-256: the checksum of the parts\' checksums, with or without -<parts>; part checksums required on Complete', async () => {
    const { UploadId, parts } = await upload(sdk, 'comp.bin', 'SHA256');
    expect(parts.map((p) => p.ChecksumSHA256)).toEqual(bodies.map((b) => sha256b64(b)));
    const composite = `${sha256b64(...bodies.map((b) => createHash('sha256').update(b).digest()))}-3`;
    const complete = (Parts: CompletedPart[], extra: object = {}) => sdk.send(new CompleteMultipartUploadCommand({ Bucket: 'sums', Key: 'comp.bin', UploadId, MultipartUpload: { Parts }, ...extra }));
    const commits = (await history(server.pfs, 'sums@main').catch(() => [])).length;
    await expect(complete(parts, { ChecksumSHA256: sha256b64(whole) })).rejects.toMatchObject({ name: 'BadDigest' }); // the plain SHA-256 is not the composite
    await expect(complete(parts, { ChecksumSHA256: composite.replace(/-3$/, '-2') })).rejects.toMatchObject({ name: 'BadDigest' });
    await expect(complete([parts[0]!, { PartNumber: 2, ETag: parts[1]!.ETag }, parts[2]!])).rejects.toMatchObject({ name: 'InvalidRequest' });
    await expect(complete([parts[0]!, parts[2]!].map((p, i) => ({ ...p, PartNumber: [1, 3][i] })))).rejects.toMatchObject({ name: 'InvalidPartOrder' });
    await expectNothingCommitted('comp.bin', UploadId, commits);

    const done = await complete(parts, { ChecksumSHA256: composite.replace(/-3$/, '') });
    expect([done.ChecksumSHA256, done.ChecksumType]).toEqual([composite, 'COMPOSITE']);
    const head = await sdk.send(new HeadObjectCommand({ Bucket: 'sums', Key: 'comp.bin', ChecksumMode: 'ENABLED' }));
    expect([head.ChecksumSHA256, head.ChecksumType]).toEqual([composite, 'COMPOSITE']);
    const got = await sdk.send(new GetObjectCommand({ Bucket: 'sums', Key: 'comp.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(whole)).toBe(true);
    // A part read answers the part's own checksum (the SDK then checks the part's bytes against it).
    for (const [i, body] of bodies.entries()) {
      const part = await sdk.send(new GetObjectCommand({ Bucket: 'sums', Key: 'comp.bin', PartNumber: i + 1, ChecksumMode: 'ENABLED' }));
      expect([part.ChecksumSHA256, part.ChecksumType, part.PartsCount, part.ContentLength]).toEqual([sha256b64(body), 'COMPOSITE', 3, body.length]);
      expect(Buffer.from(await part.Body!.transformToByteArray()).equals(body)).toBe(true);
      const headPart = await sdk.send(new HeadObjectCommand({ Bucket: 'sums', Key: 'comp.bin', PartNumber: i + 1, ChecksumMode: 'ENABLED' }));
      expect(headPart.ChecksumSHA256).toBe(sha256b64(body));
    }
  }, 120_000);

  it('an upload created without a checksum: Complete cannot check one it has no parts for', async () => {
    const { UploadId, parts } = await upload(plain, 'none.bin', undefined);
    const commits = (await history(server.pfs, 'sums@main').catch(() => [])).length;
    await expect(plain.send(new CompleteMultipartUploadCommand({ Bucket: 'sums', Key: 'none.bin', UploadId, MultipartUpload: { Parts: parts }, ChecksumSHA256: sha256b64(whole) })))
      .rejects.toMatchObject({ name: 'InvalidRequest' });
    await expectNothingCommitted('none.bin', UploadId, commits);
    await plain.send(new CompleteMultipartUploadCommand({ Bucket: 'sums', Key: 'none.bin', UploadId, MultipartUpload: { Parts: parts } }));
    const head = await plain.send(new HeadObjectCommand({ Bucket: 'sums', Key: 'none.bin', ChecksumMode: 'ENABLED' }));
    expect([head.ContentLength, head.ChecksumCRC32, head.ChecksumSHA256]).toEqual([whole.length, undefined, undefined]);
  }, 120_000);
});
