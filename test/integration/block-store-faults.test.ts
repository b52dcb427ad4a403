// BlockStore adapters under failure: an S3 endpoint that is down, refuses the
// credentials, lacks the bucket or fails transiently; a local disk that fills
// up. Each error must carry its code and a message naming where and what failed.
// (kill -9 during writes is in block-store-crash.test.ts.)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBlockStore } from '../../src/blocks/local-block-store.ts';
import { createS3BlockStore, type S3BlockStoreOptions } from '../../src/blocks/s3-block-store.ts';
import { startS3Server, type TestS3Server } from '../helpers/s3-server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of keys) out.push(key);
  return out;
}

/** Forwards to s3rver, counting requests; answers the next `failures` with `fault` (default HTTP 500 InternalError). */
function faultyProxy(target: TestS3Server) {
  const state = { requests: 0, failures: 0, fault: { status: 500, code: 'InternalError' } };
  const server = http.createServer((req, res) => {
    state.requests++;
    if (state.failures > 0) {
      state.failures--;
      req.resume();
      res.writeHead(state.fault.status, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0"?><Error><Code>${state.fault.code}</Code><Message>injected</Message></Error>`);
      return;
    }
    const upstream = http.request(
      { host: target.endPoint, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  return { state, server };
}

describe('S3 block store faults', () => {
  let s3: TestS3Server;
  let proxy: ReturnType<typeof faultyProxy>;
  let proxyPort: number;
  beforeAll(async () => {
    s3 = await startS3Server();
    proxy = faultyProxy(s3);
    proxyPort = await listen(proxy.server);
  });
  afterEach(() => {
    proxy.state.failures = 0;
    proxy.state.fault = { status: 500, code: 'InternalError' };
  });
  afterAll(async () => {
    proxy?.server.close();
    await s3?.stop();
  });

  const options = (overrides: Partial<S3BlockStoreOptions> = {}): S3BlockStoreOptions => ({
    endPoint: '127.0.0.1', port: proxyPort, useSSL: false, bucket: s3.bucket, prefix: 'faults', region: 'us-east-1',
    accessKey: s3.accessKey, secretKey: s3.secretKey, retries: 2, retryBaseDelayMs: 10, ...overrides,
  });

  it('reports an endpoint that is down as STORE_UNAVAILABLE naming it', async () => {
    const closed = http.createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const store = createS3BlockStore(options({ port }));
    expect(store.description).toBe(`s3://${s3.bucket}/faults/ at http://127.0.0.1:${port}`);
    const expected = {
      code: 'STORE_UNAVAILABLE',
      kind: 'Unavailable',
      message: expect.stringContaining(`S3 endpoint http://127.0.0.1:${port} unreachable: ECONNREFUSED`),
    };
    await expect(store.check()).rejects.toMatchObject(expected);
    await expect(store.put('k', new Uint8Array(1))).rejects.toMatchObject(expected);
    await expect(store.get('k')).rejects.toMatchObject({ ...expected, data: expect.objectContaining({ endpoint: `http://127.0.0.1:${port}` }) });
    await store.close();
  });

  it('reports wrong credentials as STORE_ACCESS_DENIED, without retrying', async () => {
    const store = createS3BlockStore(options({ accessKey: 'WRONGKEY', secretKey: 'wrong-secret' }));
    const before = proxy.state.requests;
    const error = await store.check().catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'STORE_ACCESS_DENIED', kind: 'PermissionDenied' });
    const message = (error as Error).message;
    expect(message).toContain(`http://127.0.0.1:${proxyPort}`);
    expect(message).toContain(`"${s3.bucket}"`);
    expect(message).toContain('InvalidAccessKeyId');
    expect(proxy.state.requests - before).toBe(1);
    // Operations check lazily, so they fail the same way.
    await expect(store.put('k', new Uint8Array(1))).rejects.toMatchObject({ code: 'STORE_ACCESS_DENIED' });
    await store.close();
  });

  // s3rver checks the access key id but not SigV4 signatures, so a wrong secret is injected here.
  it('reports a bad signature (wrong secret) as STORE_ACCESS_DENIED, without retrying', async () => {
    const store = createS3BlockStore(options());
    await store.check();
    proxy.state.failures = 1;
    proxy.state.fault = { status: 403, code: 'SignatureDoesNotMatch' };
    const before = proxy.state.requests;
    await expect(store.put('k', new Uint8Array(1))).rejects.toMatchObject({
      code: 'STORE_ACCESS_DENIED',
      message: expect.stringMatching(/http:\/\/127\.0\.0\.1:\d+ denied access to bucket ".*": SignatureDoesNotMatch.*"k"/),
    });
    expect(proxy.state.requests - before).toBe(1);
    await store.close();
  });

  it('reports a missing bucket as STORE_BUCKET_NOT_FOUND, also for stat', async () => {
    const store = createS3BlockStore(options({ bucket: 'no-such-bucket' }));
    const expected = {
      code: 'STORE_BUCKET_NOT_FOUND',
      kind: 'FailedPrecondition',
      message: expect.stringMatching(/S3 bucket "no-such-bucket" does not exist at http:\/\/127\.0\.0\.1:\d+/),
    };
    await expect(store.check()).rejects.toMatchObject(expected);
    // A HEAD cannot tell a missing bucket from a missing object; the bucket check can.
    await expect(store.stat('k')).rejects.toMatchObject(expected);
    await store.close();
  });

  it('retries transient 5xx answers with backoff and then succeeds', async () => {
    const store = createS3BlockStore(options());
    await store.check();
    proxy.state.failures = 2;
    const before = proxy.state.requests;
    await store.put('retried', new Uint8Array([1, 2, 3]));
    expect(proxy.state.requests - before).toBe(3);
    expect([...(await store.get('retried'))]).toEqual([1, 2, 3]);
    await store.close();
  });

  it('gives up after its retries with STORE_UNAVAILABLE naming the status', async () => {
    const store = createS3BlockStore(options());
    await store.check();
    proxy.state.failures = 100;
    const before = proxy.state.requests;
    await expect(store.get('anything')).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringMatching(/S3 endpoint http:\/\/127\.0\.0\.1:\d+ failed while reading "anything" .*3 attempts: HTTP 500/),
    });
    expect(proxy.state.requests - before).toBe(3);
    await store.close();
  });

  it('does not retry a missing object', async () => {
    const store = createS3BlockStore(options());
    await store.check();
    const before = proxy.state.requests;
    await expect(store.get('missing')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND', message: expect.stringContaining('"missing"') });
    expect(proxy.state.requests - before).toBe(1);
    await store.close();
  });
});

describe('local block store faults', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await createTempDir('strata-local-faults');
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('refuses a key that is also a directory of other keys, leaving nothing behind', async () => {
    const root = join(dir.path, 'conflict');
    const store = await createLocalBlockStore({ root });
    await store.put('a', new Uint8Array([1]));
    await expect(store.put('a/b', new Uint8Array([2]))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(new RegExp(`${root}.*"a/b"`)),
    });
    await store.put('c/d', new Uint8Array([3]));
    await expect(store.put('c', new Uint8Array([4]))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
    expect(await collect(store.list(''))).toEqual(['a', 'c/d']);
  });
});

describe('local block store on a full disk', () => {
  let dir: TempDir;
  let mounted = false;
  let skipReason = '';
  beforeAll(async () => {
    dir = await createTempDir('strata-enospc');
    if (process.getuid?.() !== 0) {
      skipReason = 'needs root to mount a 1 MiB tmpfs';
      return;
    }
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir.path], { stdio: 'pipe' });
      mounted = true;
    } catch (err) {
      skipReason = `cannot mount a tmpfs here: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
    }
  });
  afterAll(async () => {
    if (mounted) execFileSync('umount', [dir.path]);
    await dir.remove();
  });

  it('fails with STORE_FULL naming root and key, and stays consistent', async (ctx) => {
    if (!mounted) ctx.skip(skipReason);
    const root = join(dir.path, 'store');
    await mkdir(root);
    const store = await createLocalBlockStore({ root });
    const kept = randomBytes(200 * 1024);
    await store.put('keep/one', kept);

    const error = await store.put('big/two', randomBytes(2 * 1024 * 1024)).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'STORE_FULL', kind: 'ResourceExhausted', data: expect.objectContaining({ root, key: 'big/two' }) });
    expect((error as Error).message).toContain(root);
    expect((error as Error).message).toContain('"big/two"');
    expect((error as Error).message).toContain('ENOSPC');

    expect(await readdir(join(root, '.tmp'))).toEqual([]);
    expect(await store.has('big/two')).toBe(false);
    expect(await collect(store.list(''))).toEqual(['keep/one']);
    expect(Buffer.from(await store.get('keep/one')).equals(kept)).toBe(true);
    // The failed write gave its space back.
    await store.put('after/three', randomBytes(100 * 1024));
    expect(await store.stat('after/three')).toEqual({ size: 100 * 1024 });
  });
});
