// Streaming a file out of packs: the chunks of one ranged read come out as
// one piece (a socket write per run, not per chunk), and bytes and ranges
// are exact.
import { describe, expect, it } from 'vitest';
import { openChunkStore } from '../../src/blocks/chunk-store.ts';
import { fileBytes, readFile, writeFile } from '../../src/blocks/file-io.ts';
import { createLocalBlockStore } from '../../src/blocks/local-block-store.ts';
import { seededBytes } from '../helpers/bytes.ts';
import { createTempDir } from '../helpers/tmp.ts';

async function pieces(stream: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const p of stream) out.push(p);
  return out;
}

describe('readFile from packs', () => {
  it('yields each run as one piece, exact for any range', async () => {
    const tmp = await createTempDir('strata-read-runs');
    try {
      const blocks = await createLocalBlockStore({ root: `${tmp.path}/blocks` });
      const store = await openChunkStore({ blocks, packTargetBytes: 8 << 20, indexDir: `${tmp.path}/idx` });
      const data = seededBytes('read-runs', 6 << 20);
      const file = await writeFile(store, (async function* () { yield data; })());
      await store.flush();
      expect(file.chunks.length).toBeGreaterThan(20);
      const whole = await pieces(readFile(store, file.chunks));
      expect(Buffer.concat(whole).equals(data)).toBe(true);
      expect(whole.length).toBeLessThan(file.chunks.length / 10); // one pack: one or a few pieces
      for (const [offset, length] of [[0, 1], [100_000, 3_000_000], [(6 << 20) - 5, 5], [12345, (6 << 20) - 12345]] as const) {
        const got = Buffer.concat(await pieces(readFile(store, file.chunks, { offset, length })));
        expect(got.equals(data.subarray(offset, offset + length))).toBe(true);
      }
      // Into buffers the reader hands out: each piece lies in one of them, no two pieces share one, bytes exact.
      const taken: Uint8Array[] = [];
      const buffers = { take: (n: number) => { const b = new Uint8Array(n + 7); taken.push(b); return b; } };
      for (const [offset, length] of [[0, 6 << 20], [100_000, 3_000_000], [(6 << 20) - 5, 5]] as const) {
        taken.length = 0;
        const got = await pieces(fileBytes(store, file.chunks, { offset, length, buffers, maxRunBytes: 1 << 20 }));
        expect(Buffer.concat(got).equals(data.subarray(offset, offset + length))).toBe(true);
        const owners = got.map((p) => taken.findIndex((t) => t.buffer === p.buffer));
        expect(owners.every((i) => i >= 0)).toBe(true);
        expect(new Set(owners).size).toBe(got.length);
      }
      await store.close();
      await blocks.close();
    } finally {
      await tmp.remove();
    }
  });
});
