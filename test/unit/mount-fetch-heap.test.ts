// The mount's heap setting while chunks stream in (client/mount/fetch-heap.ts):
// V8's growing factor is raised while at least one GetChunks call of the
// chunk fetcher runs, and given back to V8 when the last one ends, however
// it ends.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ChunkFetcher } from '../../client/mount/chunk-fetcher.ts';
import type { ChunkCache } from '../../client/mount/chunk-cache.ts';
import { createFetchHeap } from '../../client/mount/fetch-heap.ts';
import type { ChunkRef, StrataClient } from '../../client/sdk/index.ts';
import { StrataError } from '../../src/errors/index.ts';

const UP = '--heap-growing-percent=300';
const DOWN = '--heap-growing-percent=0';

function memoryCache(): ChunkCache {
  const m = new Map<string, Buffer>();
  return { peek: (h: string) => m.get(h), has: (h: string) => m.has(h), get: async (h: string) => m.get(h), put: (h: string, b: Buffer) => void m.set(h, b) } as unknown as ChunkCache;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function layoutOf(chunks: Buffer[]) {
  let offset = 0;
  return {
    size: chunks.reduce((n, c) => n + c.length, 0),
    chunks: chunks.map((c) => {
      const span = { hash: sha(c), offset, size: c.length };
      offset += c.length;
      return span;
    }),
  };
}

describe('the mount heap setting', () => {
  it('is raised by the first fetch and given back after the last', () => {
    const flags: string[] = [];
    const heap = createFetchHeap((f) => flags.push(f));
    const a = heap.enter();
    const b = heap.enter();
    expect(flags).toEqual([UP]);
    a();
    a(); // a second call does nothing
    expect(flags).toEqual([UP]);
    b();
    expect(flags).toEqual([UP, DOWN]);
  });

  it('spans each GetChunks call of the fetcher, ending in success or failure', async () => {
    const flags: string[] = [];
    const chunks = [Buffer.from('one'), Buffer.from('two')];
    let fail = false;
    const during: string[][] = [];
    const client = {
      async *getChunkPieces(refs: ChunkRef[]) {
        during.push([...flags]);
        if (fail) throw new StrataError('CHUNK_CORRUPT', 'bad');
        for (const r of refs) yield [chunks.find((c) => sha(c) === r.hash)!];
      },
    } as unknown as StrataClient;
    const fetcher = new ChunkFetcher(client, memoryCache(), { heap: createFetchHeap((f) => flags.push(f)) });
    const layout = layoutOf(chunks);
    const got = await Promise.all(fetcher.load('r@c:/f', layout, 0, 1));
    expect(Buffer.concat(got.flat()).toString()).toBe('onetwo');
    expect(during).toEqual([[UP]]);
    expect(flags).toEqual([UP, DOWN]);
    fail = true;
    const other = layoutOf([Buffer.from('three')]);
    await expect(Promise.all(fetcher.load('r@c:/g', other, 0, 0))).rejects.toMatchObject({ code: 'CHUNK_CORRUPT' });
    expect(flags).toEqual([UP, DOWN, UP, DOWN]);
  });
});
