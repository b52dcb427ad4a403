// The server lets V8's young generation grow once it serves (server/main.ts
// serveWithGrowingYoungGeneration): held at its first 1 MiB, every page of a
// ListObjectsV2 promoted its objects to the old generation and garbage
// collection took half of a listing's CPU. Seen from outside, as an operator
// would: the new space's size in /metrics grows while @aws-sdk/client-s3
// lists a few thousand keys (it stays at its start size with the
// growth factor left at 1). The keys are put through another server process
// on the same data directory: an upload lets the young generation grow
// (server/upload-heap.ts), which would leave nothing for the listing to show.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCli } from '../helpers/cli.ts';
import { startServer } from '../helpers/server.ts';
import { ACCESS_KEY, SECRET, startS3Server, type S3TestServer } from '../helpers/s3.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const KEYS = 4000;

async function newSpaceBytes(httpUrl: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const m = /^strata_nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)$/m.exec(text);
  if (!m) throw new Error('no new-space size in /metrics');
  return Number(m[1]);
}

describe('S3 gateway server: the young generation grows under load', () => {
  let server: S3TestServer;
  let tmp: TempDir;
  let sdk: S3Client;

  beforeAll(async () => {
    tmp = await createTempDir('strata-s3-heap');
    const dataDir = join(tmp.path, 'data');
    const loader = await startServer({ dataDir });
    const cli = createCli(loader.grpcAddress, join(tmp.path, 'config.json'));
    const tree = join(tmp.path, 'keys');
    for (let d = 0; d * 1000 < KEYS; d++) {
      await mkdir(join(tree, `d${d}`), { recursive: true });
      for (let i = d * 1000; i < (d + 1) * 1000; i++) await writeFile(join(tree, `d${d}`, `k${i}`), String(i));
    }
    expect((await cli.run(['repo', 'create', 'heap'])).code).toBe(0);
    expect((await cli.run(['put', '-r', 'heap@main:/keys', tree])).code).toBe(0);
    await loader.cleanup();
    server = await startS3Server({ dataDir });
    sdk = new S3Client({ endpoint: server.s3Url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET } });
  }, 120_000);

  afterAll(async () => {
    sdk?.destroy();
    await server?.cleanup();
    await tmp?.remove();
  });

  it('lists every key and the new space ends larger than it started', async () => {
    const before = await newSpaceBytes(server.httpUrl);
    for (let round = 0; round < 3; round++) {
      let seen = 0;
      let token: string | undefined;
      do {
        const page = await sdk.send(new ListObjectsV2Command({ Bucket: 'heap', Prefix: 'keys/', ContinuationToken: token }));
        seen += page.KeyCount ?? 0;
        token = page.NextContinuationToken;
      } while (token);
      expect(seen).toBe(KEYS);
    }
    expect(await newSpaceBytes(server.httpUrl)).toBeGreaterThan(before);
  }, 120_000);
});
