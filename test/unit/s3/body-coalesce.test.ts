// The gateway gathers an object body into blocks before chunking
// (server/s3/body.ts coalesced): the bytes and their order are unchanged
// whatever the pieces, blocks are full but the last, a short body declared
// in advance takes a block of its own size, and a large piece passes as it is.
import { describe, expect, it } from 'vitest';
import { coalesced } from '../../../server/s3/body.ts';

async function* piecesOf(data: Buffer, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield data.subarray(at, at + n);
    at += n;
  }
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const b of source) out.push(Buffer.from(b)); // copied: each block is its own buffer
  return out;
}

describe('coalesced object bodies', () => {
  const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 251));

  it('keeps the bytes and fills every block but the last', async () => {
    for (const sizes of [[1], [7, 300, 13], [999], [1000], [1001], [4096]]) {
      const blocks = await collect(coalesced(piecesOf(data, sizes), 1000));
      expect(Buffer.concat(blocks).equals(data)).toBe(true);
      for (const b of blocks.slice(0, -1)) expect(b.length).toBeGreaterThanOrEqual(1000);
    }
  });

  it('passes a piece of a block or more through without copying it, when nothing waits', async () => {
    const big = data.subarray(0, 4096);
    const out: Uint8Array[] = [];
    for await (const b of coalesced(piecesOf(big, [4096]), 1000)) out.push(b);
    expect(out).toHaveLength(1);
    expect(out[0]!.buffer).toBe(big.buffer); // the same memory: a view, not a copy
    expect(out[0]!.byteOffset).toBe(big.byteOffset);
  });

  it('sizes the blocks of a short declared body to the body', async () => {
    const small = data.subarray(0, 300);
    const out: Uint8Array[] = [];
    for await (const b of coalesced(piecesOf(small, [100]), 1 << 20, 300)) out.push(b);
    expect(out).toHaveLength(1);
    expect(out[0]!.buffer.byteLength).toBe(300);
    // A declared length that is wrong changes nothing but the block sizes.
    expect(Buffer.concat(await collect(coalesced(piecesOf(data, [64]), 1000, 10)))).toEqual(data);
    expect(Buffer.concat(await collect(coalesced(piecesOf(data, [64]), 1000, 50_000)))).toEqual(data);
  });

  it('passes a failure of the source on, without yielding what it held back', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield data.subarray(0, 10);
      throw new Error('bad digest');
    }
    const seen: Uint8Array[] = [];
    await expect((async () => {
      for await (const b of coalesced(failing(), 1000)) seen.push(b);
    })()).rejects.toThrow('bad digest');
    expect(seen).toHaveLength(0);
  });
});
