// The S3 backend killed (-9) in the middle of an upload through the real
// server, then brought back on the same port and directory: the cut upload
// fails with a clear error and commits nothing, the server stays up, and
// once S3 is back the same upload succeeds, earlier commits read back, fsck
// is clean. (Transient S3 errors and wrong credentials are in
// test/integration/block-store-faults.test.ts.)
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type TestS3Server } from '../helpers/s3-server.ts';
import { clientStream, modify, pfsClient, serverStream, startServer, streamBytes, unary, type CallError, type RawClient, type TestServer } from '../helpers/server.ts';

let s3: TestS3Server;
let server: TestServer;
let client: RawClient;

beforeAll(async () => {
  s3 = await startS3Server();
  server = await startServer({
    args: ['--s3-endpoint', s3.url, '--s3-bucket', s3.bucket, '--s3-access-key', s3.accessKey],
    env: { STRATA_S3_SECRET_KEY: s3.secretKey },
  });
  client = pfsClient(server.grpcAddress);
});

afterAll(async () => {
  client?.close();
  await server?.cleanup();
  await s3?.stop();
});

const MiB = 1 << 20;

describe('S3 backend killed mid-upload and brought back', () => {
  it('fails the cut upload clearly, commits nothing, and works again once S3 is back', async () => {
    await unary(client, 'CreateRepo', { name: 's3f' });
    const before = randomBytes(300 << 10);
    await modify(client, [{ header: { target: 's3f@main' } }, { putFile: { path: '/before' } }, { data: before }]);
    const head = (await unary(client, 'InspectBranch', { branch: 's3f@main' })).head;

    // 20 MiB of new bytes in 1 MiB messages: packs (8 MiB) go to S3 during the upload; S3 dies after 3 MiB.
    const big = randomBytes(20 * MiB);
    let sent = 0;
    async function* messages(): AsyncGenerator<object> {
      yield { header: { target: 's3f@main' } };
      yield { putFile: { path: '/big' } };
      for (let at = 0; at < big.length; at += MiB) {
        if (sent === 3) await s3.kill();
        sent++;
        yield { data: big.subarray(at, at + MiB) };
      }
      yield { done: {} };
    }
    const err = await (async () => {
      try {
        await clientStream(client, 'ModifyFile', messages());
      } catch (e) {
        return e as CallError;
      }
      throw new Error('the upload succeeded with S3 down');
    })();
    expect(err.status.code).not.toBe(grpc.status.INTERNAL);
    expect(err.status.code).not.toBe(grpc.status.UNKNOWN);
    expect(err.kind).toBe('Unavailable');
    expect(err.message).toMatch(/S3|store|ECONNREFUSED/i);

    // The server is up and answers what needs no S3; nothing was committed.
    expect((await unary(client, 'InspectBranch', { branch: 's3f@main' })).head).toBe(head);

    await s3.restart();
    await modify(client, [{ header: { target: 's3f@main' } }, { putFile: { path: '/big' } }, ...chunksOf(big)]);
    expect((await streamBytes(client, 'GetFile', { file: 's3f@main:/big' })).equals(big)).toBe(true);
    expect((await streamBytes(client, 'GetFile', { file: 's3f@main:/before' })).equals(before)).toBe(true);
    expect((await serverStream(client, 'WalkFile', { dir: 's3f@main:/' })).map((f) => f.path)).toEqual(['/before', '/big']);
    const fsck = await unary(client, 'Fsck', { verifyData: true });
    expect(fsck.problems).toEqual([]);
  }, 180_000);
});

function chunksOf(buf: Buffer): object[] {
  const out: object[] = [];
  for (let at = 0; at < buf.length; at += MiB) out.push({ data: buf.subarray(at, at + MiB) });
  return out;
}
