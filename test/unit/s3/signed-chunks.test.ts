// SigV4 with signed aws-chunked bodies (STREAMING-AWS4-HMAC-SHA256-PAYLOAD),
// checked against the worked example in AWS's S3 documentation ("Signature
// calculations for the Authorization header: transferring payload in
// multiple chunks"): its seed and chunk signatures are fixed, so an error in
// the canonical request, the signing key or the chunk chain fails here. The
// gateway runs in-process (app.inject) over a real on-disk core; the clock is
// the example's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createS3App } from '../../../server/s3/plugin.ts';
import { staticKeys } from '../../../server/s3/keys.ts';
import { createTestPfs, repo, type TestPfs } from '../../helpers/pfs.ts';

const KEY = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const CHUNK_SIGS = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];

function body(sigs: string[], data = Buffer.alloc(66560, 'a')): Buffer {
  const c1 = data.subarray(0, 65536);
  const c2 = data.subarray(65536);
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`), c1, Buffer.from('\r\n'),
    Buffer.from(`400;chunk-signature=${sigs[1]}\r\n`), c2, Buffer.from('\r\n'),
    Buffer.from(`0;chunk-signature=${sigs[2]}\r\n\r\n`),
  ]);
}

function headers(payload: Buffer, seed = SEED): Record<string, string> {
  return {
    host: 's3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${seed}`,
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    'content-length': String(payload.length),
  };
}

describe('signed aws-chunked uploads (AWS documentation example)', () => {
  let t: TestPfs & { remove(): Promise<void> };
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await createTestPfs();
    await t.pfs.createRepo(repo('examplebucket'));
    app = createS3App({ pfs: t.pfs, keys: staticKeys([KEY]), now: () => Date.UTC(2013, 4, 24, 0, 5, 0) });
  });
  afterAll(async () => {
    await app?.close();
    await t?.remove();
  });

  const put = (payload: Buffer, seed?: string) => app.inject({ method: 'PUT', url: '/examplebucket/chunkObject.txt', headers: headers(payload, seed), payload });
  const commits = async () => {
    const out = [];
    try {
      for await (const c of t.pfs.log({ repo: repo('examplebucket'), target: { kind: 'branch', branch: 'main' as never }, ancestry: null, path: null, trailingSlash: false })) out.push(c);
    } catch {
      // no commit yet
    }
    return out;
  };

  it('accepts the example request and stores the decoded 66,560 bytes', async () => {
    const res = await put(body(CHUNK_SIGS));
    expect(res.statusCode, res.body).toBe(200);
    const file = await t.pfs.inspectFile({ repo: repo('examplebucket'), target: { kind: 'branch', branch: 'main' as never }, ancestry: null, path: null, trailingSlash: false }, '/chunkObject.txt' as never);
    expect(file.size).toBe(66560);
    expect(await commits()).toHaveLength(1);
  });

  it('refuses a chunk whose bytes were changed, and commits nothing', async () => {
    const tampered = Buffer.alloc(66560, 'a');
    tampered[100] = 0x62; // inside the first chunk
    const res = await put(body(CHUNK_SIGS, tampered));
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(await commits()).toHaveLength(1);
  });

  it('refuses a wrong seed signature before reading the body', async () => {
    const res = await put(body(CHUNK_SIGS), '0'.repeat(64));
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('refuses a request outside the 15-minute clock window', async () => {
    const late = createS3App({ pfs: t.pfs, keys: staticKeys([KEY]), now: () => Date.UTC(2013, 4, 24, 1, 0, 0) });
    const payload = body(CHUNK_SIGS);
    const res = await late.inject({ method: 'PUT', url: '/examplebucket/chunkObject.txt', headers: headers(payload), payload });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('<Code>RequestTimeTooSkewed</Code>');
    await late.close();
  });
});
