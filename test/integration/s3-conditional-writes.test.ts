// Conditional writes are atomic: the If-None-Match / If-Match check is part
// of the commit's compare-and-set, not a read before the write. The race is
// forced: both requests pass the early check (made before the body is read)
// and only then may land. Gateway on a real port, @aws-sdk client over HTTP.
import { CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { staticKeys } from '../../server/s3/keys.ts';
import { createS3App } from '../../server/s3/plugin.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import { createTestPfs, ref, type TestPfs } from '../helpers/pfs.ts';

/**
 * A pfs whose writes (a writer opening, an upload completing) wait, once
 * armed for `n`, until `n` of them have asked: every request has passed its
 * early check (made before its body is read) by then, so they truly race.
 */
function gatedPfs(pfs: Pfs): { pfs: Pfs; arm(n: number): void } {
  let gate: { n: number; waiting: number; release: () => void; open: Promise<void> } | undefined;
  const pass = async (): Promise<void> => {
    if (!gate) return;
    if (++gate.waiting === gate.n) gate.release();
    await gate.open;
  };
  return {
    pfs: {
      ...pfs,
      openWriter: async (...args: Parameters<Pfs['openWriter']>) => (await pass(), pfs.openWriter(...args)),
      uploads: { ...pfs.uploads, complete: async (...args: Parameters<Pfs['uploads']['complete']>) => (await pass(), pfs.uploads.complete(...args)) },
    },
    arm(n) {
      let release!: () => void;
      const open = new Promise<void>((r) => (release = r));
      gate = { n, waiting: 0, release, open };
    },
  };
}

describe('S3 conditional writes are atomic', () => {
  let t: (TestPfs & { remove(): Promise<void> }) | undefined;
  let app: FastifyInstance | undefined;
  let s3: S3Client | undefined;
  afterEach(async () => {
    s3?.destroy();
    await app?.close();
    await t?.remove();
  });

  let arm: (n: number) => void;

  async function start(): Promise<S3Client> {
    t = await createTestPfs();
    const gated = gatedPfs(t.pfs);
    arm = gated.arm;
    app = createS3App({ pfs: gated.pfs, keys: staticKeys([{ accessKeyId: 'K', secret: 'S' }]) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    s3 = new S3Client({ endpoint: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'K', secretAccessKey: 'S' } });
    await t.pfs.createRepo(ref('cw').repo);
    return s3;
  }

  async function commits(): Promise<number> {
    let n = 0;
    for await (const _ of t!.pfs.log(ref('cw@main'))) n++;
    return n;
  }

  it('lets one of two racing If-None-Match: * PUTs win; the other is PreconditionFailed and commits nothing', async () => {
    const c = await start();
    arm(2);
    const results = await Promise.allSettled(['first', 'second'].map((body) => c.send(new PutObjectCommand({ Bucket: 'cw', Key: 'lock', Body: body, IfNoneMatch: '*' }))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } } });
    const winner = results[0]!.status === 'fulfilled' ? 'first' : 'second';
    expect(await (await c.send(new GetObjectCommand({ Bucket: 'cw', Key: 'lock' }))).Body!.transformToString()).toBe(winner);
    expect(await commits()).toBe(1);
  });

  it('lets one of two racing If-Match PUTs over the same ETag win', async () => {
    const c = await start();
    const v1 = await c.send(new PutObjectCommand({ Bucket: 'cw', Key: 'doc', Body: 'v1' }));
    arm(2);
    const results = await Promise.allSettled(['a', 'b'].map((body) => c.send(new PutObjectCommand({ Bucket: 'cw', Key: 'doc', Body: body, IfMatch: v1.ETag }))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { name: 'PreconditionFailed' } });
    expect(await commits()).toBe(2);
  });

  it('checks a conditional Complete as it lands: of a Complete and a PUT, both If-None-Match: *, one wins', async () => {
    const c = await start();
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: 'cw', Key: 'mp' }));
    const part = await c.send(new UploadPartCommand({ Bucket: 'cw', Key: 'mp', UploadId, PartNumber: 1, Body: 'multipart' }));
    arm(2);
    const results = await Promise.allSettled([
      c.send(new PutObjectCommand({ Bucket: 'cw', Key: 'mp', Body: 'plain', IfNoneMatch: '*' })),
      c.send(new CompleteMultipartUploadCommand({ Bucket: 'cw', Key: 'mp', UploadId, IfNoneMatch: '*', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } })),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { name: 'PreconditionFailed' } });
    expect(await commits()).toBe(1);
  });
});
