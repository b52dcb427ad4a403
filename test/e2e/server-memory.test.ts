// The server's memory settings (server/config.ts MemoryConfig) reach what
// they bound: a real server process with small bounds keeps its index cache,
// chunk cache and in-memory chunk index within them while serving more than
// they hold (read back from its /metrics), still answers every read and a GC
// with a tiny in-memory mark set; the same store under the defaults holds
// more than those bounds, so the test fails if a flag is ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modify, pfsClient, serverStream, startServer, streamBytes, unary, type RawClient, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const FILES = 3_000;
const STEP = 7; // every 7th file: ~430 reads
const SMALL = ['--index-cache', '128KiB', '--chunk-cache', '128KiB', '--chunk-index-mem-entries', '100', '--gc-mark-mem-entries', '16', '--meta-cache', '1MiB'];

const body = (i: number): Buffer => Buffer.from(`file ${i} `.padEnd(1000, String.fromCharCode(97 + (i % 26))));

async function gauges(server: TestServer): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^(strata_(?:index_cache_bytes|chunk_cache_bytes|chunk_index_memory_entries)) (\d+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

/** Walks the whole repo and reads every STEP-th file through the server: what fills the caches. */
async function serve(client: RawClient): Promise<void> {
  const files = await serverStream(client, 'WalkFile', { dir: 'mem@main:/' });
  expect(files).toHaveLength(FILES);
  for (let i = 0; i < FILES; i += STEP) {
    expect((await streamBytes(client, 'GetFile', { file: `mem@main:/d${i % 30}/f${i}` })).equals(body(i))).toBe(true);
  }
}

describe('memory settings', () => {
  let dir: TempDir;

  beforeAll(async () => {
    dir = await createTempDir('strata-memory');
  });

  afterAll(async () => {
    await dir?.remove();
  });

  it('bound the caches and the in-memory chunk index of a running server', async () => {
    const small = await startServer({ dataDir: dir.path, args: SMALL });
    const client = pfsClient(small.grpcAddress);
    try {
      await unary(client, 'CreateRepo', { name: 'mem' });
      const puts = Array.from({ length: FILES }, (_, i) => [{ putFile: { path: `/d${i % 30}/f${i}` } }, { data: body(i) }]).flat();
      await modify(client, [{ header: { target: 'mem@main' } }, ...puts]);
      await serve(client);
      const g = await gauges(small);
      expect(g.strata_index_cache_bytes).toBeGreaterThan(0);
      expect(g.strata_index_cache_bytes).toBeLessThanOrEqual(128 << 10);
      expect(g.strata_chunk_cache_bytes).toBeGreaterThan(0);
      expect(g.strata_chunk_cache_bytes).toBeLessThanOrEqual(128 << 10);
      expect(g.strata_chunk_index_memory_entries).toBeLessThan(100);
      // GC marks 3,000 chunks with 16 in memory (the rest on disk) and keeps every one.
      await modify(client, [{ header: { target: 'mem@main' } }, { putFile: { path: '/gone' } }, { data: Buffer.alloc(5000, 7) }]);
      await modify(client, [{ header: { target: 'mem@main' } }, { deleteFile: { path: '/gone', dir: false } }]);
      const report = await unary(client, 'GarbageCollect', { graceMs: 0 });
      expect(Number(report.liveChunks)).toBeGreaterThanOrEqual(FILES);
      await serve(client);
    } finally {
      client.close();
      await small.stop();
    }

    // The same store under the defaults holds more than the small bounds: the flags above were not ignored.
    const roomy = await startServer({ dataDir: dir.path });
    const again = pfsClient(roomy.grpcAddress);
    try {
      await serve(again);
      const g = await gauges(roomy);
      expect(g.strata_index_cache_bytes).toBeGreaterThan(128 << 10);
      expect(g.strata_chunk_cache_bytes).toBeGreaterThan(128 << 10);
      expect(g.strata_chunk_index_memory_entries).toBeGreaterThanOrEqual(FILES);
    } finally {
      again.close();
      await roomy.stop();
    }
  }, 180_000);

  it('refuses a bad size with one clear line and starts nothing', async () => {
    await expect(startServer({ args: ['--index-cache', '64MB'] })).rejects.toThrow(/invalid --index-cache "64MB": expected a size in bytes, e.g. 67108864, 64MiB or 1GiB/);
    await expect(startServer({ args: ['--chunk-index-mem-entries', '0'] })).rejects.toThrow(/invalid --chunk-index-mem-entries "0": expected a whole number of at least 1/);
  });
});
