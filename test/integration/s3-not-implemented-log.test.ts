// A NotImplemented (501) is a client asking for something the gateway does
// not do, not a server fault: it is logged once per operation at info,
// without a stack, never as a warning. Gateway on a real port, @aws-sdk client.
import {
  CreateBucketCommand, GetBucketAclCommand, GetBucketCorsCommand, PutBucketVersioningCommand, S3Client,
} from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { staticKeys } from '../../server/s3/keys.ts';
import { createS3App } from '../../server/s3/plugin.ts';
import { createTestPfs, type TestPfs } from '../helpers/pfs.ts';

describe('S3 NotImplemented logging', () => {
  let t: (TestPfs & { remove(): Promise<void> }) | undefined;
  let app: FastifyInstance | undefined;
  let s3: S3Client | undefined;
  afterEach(async () => {
    s3?.destroy();
    await app?.close();
    await t?.remove();
  });

  it('says once per operation, at info and without a stack, that a client asked for something not implemented', async () => {
    const logged: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
    const log = {
      info: (obj: object, msg?: string) => logged.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
      warn: (obj: object, msg?: string) => logged.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    };
    t = await createTestPfs();
    app = createS3App({ pfs: t.pfs, keys: staticKeys([{ accessKeyId: 'K', secret: 'S' }]), log });
    await app.listen({ host: '127.0.0.1', port: 0 });
    s3 = new S3Client({ endpoint: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'K', secretAccessKey: 'S' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'nim' }));

    for (let i = 0; i < 3; i++) await expect(s3.send(new GetBucketAclCommand({ Bucket: 'nim' }))).rejects.toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
    await expect(s3.send(new GetBucketCorsCommand({ Bucket: 'nim' }))).rejects.toMatchObject({ name: 'NotImplemented' });
    for (let i = 0; i < 2; i++) {
      await expect(s3.send(new PutBucketVersioningCommand({ Bucket: 'nim', VersioningConfiguration: { Status: 'Suspended' } }))).rejects.toMatchObject({ name: 'NotImplemented' });
    }

    expect(logged.map((l) => [l.level, l.obj.operation])).toEqual([['info', 'GET ?acl'], ['info', 'GET ?cors'], ['info', 'PutBucketVersioning Suspended']]);
    expect(logged.every((l) => l.obj.err === undefined && !JSON.stringify(l).includes('    at '))).toBe(true);
    expect(logged[0]!.msg).toContain('not implemented');
  });
});
