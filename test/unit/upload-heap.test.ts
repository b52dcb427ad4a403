// The server's heap setting for uploads (server/upload-heap.ts): V8's
// growing factor is raised while at least one client stream or S3 object
// body runs and given back to V8 when the last one ends, however it ends.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InFlight, createRpc } from '../../server/grpc/rpc.ts';
import { createLogger } from '../../server/log.ts';
import { createMetrics } from '../../server/metrics.ts';
import { createUploadHeap } from '../../server/upload-heap.ts';
import { createS3App } from '../../server/s3/plugin.ts';
import { staticKeys } from '../../server/s3/keys.ts';
import { createTestPfs, repo } from '../helpers/pfs.ts';
import { StrataError } from '../../src/errors/index.ts';

const UP = '--heap-growing-percent=300';
// The young generation's growth is not touched: it grows while serving.
const DOWN = '--heap-growing-percent=0';

describe('the upload heap setting', () => {
  it('is raised by the first upload and given back after the last', () => {
    const flags: string[] = [];
    const heap = createUploadHeap((f) => flags.push(f));
    const a = heap.enter();
    const b = heap.enter();
    expect(flags).toEqual([UP]);
    a();
    a(); // a second call does nothing
    expect(heap.active).toBe(1);
    expect(flags).toHaveLength(1);
    b();
    expect(heap.active).toBe(0);
    expect(flags).toEqual([UP, DOWN]);
    heap.enter()();
    expect(flags).toHaveLength(4);
  });

  it('spans every client stream the gRPC layer runs, ending in success or failure', async () => {
    const flags: string[] = [];
    const uploadHeap = createUploadHeap((f) => flags.push(f));
    const rpc = createRpc({ service: 's', log: createLogger({ level: 'silent' }), metrics: createMetrics(), shutdown: new AbortController().signal, uploadHeap }, new InFlight());
    const fakeCall = (messages: object[]) => Object.assign(Readable.from(messages), { getPeer: () => 'test', metadata: undefined, sendMetadata: () => undefined });
    const during: number[] = [];
    const ok = rpc.clientStream('Up', async (input) => {
      during.push(uploadHeap.active);
      while ((await input.next()) !== undefined);
      return {};
    });
    const bad = rpc.clientStream('Up', async () => {
      during.push(uploadHeap.active);
      throw new StrataError('INVALID_ARGUMENT', 'refused');
    });
    const run = (handler: typeof ok, messages: object[]) =>
      new Promise<unknown>((resolve) => (handler as unknown as (call: unknown, cb: (err: unknown) => void) => void)(fakeCall(messages), resolve));
    expect(await run(ok, [{ a: 1 }, { a: 2 }])).toBeNull();
    expect(await run(bad, [])).toMatchObject({ details: 'refused' });
    expect(during).toEqual([1, 1]);
    expect(uploadHeap.active).toBe(0);
    expect(flags).toEqual([UP, DOWN, UP, DOWN]);
  });

  it('spans every S3 PutObject and UploadPart body, stored or refused', async () => {
    const flags: string[] = [];
    const uploadHeap = createUploadHeap((f) => flags.push(f));
    const t = await createTestPfs();
    const app = createS3App({ pfs: t.pfs, keys: staticKeys([]), uploadHeap });
    try {
      await t.pfs.createRepo(repo('b'));
      const body = Buffer.alloc(300_000, 7);
      expect((await app.inject({ method: 'PUT', url: '/b/ok.bin', payload: body })).statusCode).toBe(200);
      // A body that does not match its Content-MD5 is refused, and the setting is still given back.
      const bad = await app.inject({ method: 'PUT', url: '/b/bad.bin', payload: body, headers: { 'content-md5': Buffer.alloc(16).toString('base64') } });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('BadDigest');
      const created = await app.inject({ method: 'POST', url: '/b/mp.bin?uploads' });
      const id = /<UploadId>([^<]+)</.exec(created.body)![1]!;
      expect((await app.inject({ method: 'PUT', url: `/b/mp.bin?uploadId=${id}&partNumber=1`, payload: body })).statusCode).toBe(200);
      expect(uploadHeap.active).toBe(0);
      expect(flags).toEqual([UP, DOWN, UP, DOWN, UP, DOWN]);
    } finally {
      await app.close();
      await t.remove();
    }
  });
});
