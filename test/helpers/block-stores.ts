// One factory per BlockStore adapter, so suites above the block layer run on
// all of them: memory, a local directory, and S3 over HTTP to a real
// S3-protocol server started for the test.
import type { BlockStore } from '../../src/blocks/block-store.ts';
import { createLocalBlockStore } from '../../src/blocks/local-block-store.ts';
import { createMemoryBlockStore } from '../../src/blocks/memory-block-store.ts';
import { createS3BlockStore } from '../../src/blocks/s3-block-store.ts';
import { startS3Server } from './s3-server.ts';
import { createTempDir } from './tmp.ts';

export interface BlockStoreFactory {
  name: string;
  create(): Promise<{ blocks: BlockStore; stop: () => Promise<void> }>;
}

export function blockStoreFactories(): BlockStoreFactory[] {
  return [
    { name: 'memory', create: async () => ({ blocks: createMemoryBlockStore(), stop: async () => undefined }) },
    {
      name: 'local directory',
      create: async () => {
        const dir = await createTempDir('strata-blocks');
        const blocks = await createLocalBlockStore({ root: dir.path });
        return { blocks, stop: async () => { await blocks.close(); await dir.remove(); } };
      },
    },
    {
      name: 's3 (s3rver over HTTP)',
      create: async () => {
        const s3 = await startS3Server();
        const blocks = createS3BlockStore({
          endPoint: s3.endPoint, port: s3.port, useSSL: false, bucket: s3.bucket, prefix: 'strata',
          accessKey: s3.accessKey, secretKey: s3.secretKey, region: s3.region, pathStyle: true,
        });
        await blocks.check();
        return { blocks, stop: async () => { await blocks.close(); await s3.stop(); } };
      },
    },
  ];
}
