// Runs the BlockStore contract against every adapter: memory, a local
// directory, and S3 over HTTP against a real s3rver process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBlockStore } from '../../src/blocks/local-block-store.ts';
import { createMemoryBlockStore } from '../../src/blocks/memory-block-store.ts';
import { createS3BlockStore } from '../../src/blocks/s3-block-store.ts';
import { withKeyChecks } from '../../src/blocks/checked-block-store.ts';
import { startS3Server, type TestS3Server } from '../helpers/s3-server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';
import { describeBlockStoreContract } from './block-store.contract.ts';

describeBlockStoreContract('memory', async () => createMemoryBlockStore());

describeBlockStoreContract('memory with key checks', async () => withKeyChecks(createMemoryBlockStore()));

describe('local', () => {
  let dir: TempDir;
  let count = 0;
  beforeAll(async () => {
    dir = await createTempDir('strata-local-contract');
  });
  afterAll(async () => {
    await dir.remove();
  });
  describeBlockStoreContract('local directory', () => createLocalBlockStore({ root: `${dir.path}/store-${++count}` }));
});

describe('s3', () => {
  let server: TestS3Server;
  let count = 0;
  beforeAll(async () => {
    server = await startS3Server();
  });
  afterAll(async () => {
    await server?.stop();
  });
  // Each test gets its own prefix in the one bucket; a small page size makes listing paginate.
  describeBlockStoreContract('s3 (s3rver)', async () => {
    const store = createS3BlockStore({
      endPoint: server.endPoint,
      port: server.port,
      useSSL: false,
      bucket: server.bucket,
      prefix: `test-${++count}`,
      region: server.region,
      accessKey: server.accessKey,
      secretKey: server.secretKey,
      listPageSize: 10,
    });
    await store.check();
    return store;
  });
});

describe('withKeyChecks', () => {
  const store = withKeyChecks(createMemoryBlockStore());
  const data = new Uint8Array([1]);

  it.each(['', '/abs', 'Upper', 'a//b', 'a/', '../x', 'a/../b', '.hidden', 'sp ace', 'a\u0000b'])(
    'rejects the key %j with InvalidArgument naming it',
    async (key) => {
      const expected = { code: 'INVALID_ARGUMENT', message: expect.stringContaining(JSON.stringify(key)) };
      await expect(store.put(key, data)).rejects.toMatchObject(expected);
      await expect(store.get(key)).rejects.toMatchObject(expected);
      await expect(store.getRange(key, 0, 1)).rejects.toMatchObject(expected);
      await expect(store.stat(key)).rejects.toMatchObject(expected);
      await expect(store.has(key)).rejects.toMatchObject(expected);
      await expect(store.delete(key)).rejects.toMatchObject(expected);
    },
  );

  it.each([
    [-1, 1],
    [0, -1],
    [1.5, 1],
    [0, Number.NaN],
    [0, Number.POSITIVE_INFINITY],
  ])('rejects the range offset %d, length %d', async (offset, length) => {
    await store.put('k', data);
    await expect(store.getRange('k', offset, length)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('"k"'),
    });
  });

  it('rejects a list prefix outside the key alphabet, and data that is not bytes', async () => {
    await expect(store.list('A')[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.put('k', 'text' as unknown as Uint8Array)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
