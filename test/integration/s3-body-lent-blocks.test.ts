// The gateway lends an object body's blocks from a pool and takes each back
// once the consumer has asked for the block after next (server/s3/body.ts
// LentBlocks). That is safe only if the consumer, writeFile with one hash
// thread, holds no view of a block by then: here every block handed back is
// scribbled over at once, and the stored file must still read back as the
// bytes sent, with every chunk's hash checked on the way (the chunk store
// verifies what it reads).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openChunkStore } from '../../src/blocks/chunk-store.ts';
import { fileBytes, writeFile } from '../../src/blocks/file-io.ts';
import { createMemoryBlockStore } from '../../src/blocks/memory-block-store.ts';
import { ReadBufferPool } from '../../src/blocks/read-buffer-pool.ts';
import { LentBlocks, coalesced } from '../../server/s3/body.ts';

/** A pool that fills every buffer handed back with 0xee, so a view still in use reads garbage. */
class ScribblingPool extends ReadBufferPool {
  /** Every distinct buffer the pool handed out. */
  readonly buffers = new Set<ArrayBufferLike>();
  override take(bytes: number): Uint8Array | undefined {
    const b = super.take(bytes);
    if (b) this.buffers.add(b.buffer);
    return b;
  }
  override release(piece: Uint8Array): void {
    Buffer.from(piece.buffer, 0, this.bufferBytes).fill(0xee);
    super.release(piece);
  }
}

async function* piecesOf(data: Buffer, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield Buffer.from(data.subarray(at, at + n)); // the socket's own memory, as a server gets it
    at += n;
  }
}

describe('lent body blocks', () => {
  // Blocks smaller, equal and larger than the chunks (64 KiB average, 16 KiB to 256 KiB).
  for (const blockBytes of [16 << 10, 64 << 10, 1 << 20]) {
    it(`writeFile with one hash thread keeps no view of a block it handed back (${blockBytes >> 10} KiB blocks)`, async () => {
      const store = await openChunkStore({ blocks: createMemoryBlockStore(), packTargetBytes: 1 << 20 });
      try {
        const pool = new ScribblingPool({ bufferBytes: blockBytes, maxFree: 4 });
        const lender = new LentBlocks(pool);
        const data = randomBytes((3 << 20) + 12_345);
        let written;
        try {
          written = await writeFile(store, coalesced(piecesOf(data, [65_536, 1_000, 200_000]), blockBytes, undefined, lender), { concurrency: 1 });
        } finally {
          lender.done();
        }
        expect(written.size).toBe(data.length);
        await store.flush();
        expect(pool.buffers.size).toBeGreaterThan(0);
        expect(pool.buffers.size).toBeLessThanOrEqual(3); // blocks came back and were lent again
        const back: Buffer[] = [];
        for await (const piece of fileBytes(store, written.chunks)) back.push(Buffer.from(piece));
        expect(Buffer.concat(back).equals(data)).toBe(true);
      } finally {
        await store.close();
      }
    });
  }

  it('hands a block back once the consumer asked for the block after next, and the rest at done()', async () => {
    const pool = new ScribblingPool({ bufferBytes: 1000, maxFree: 8 });
    const lender = new LentBlocks(pool);
    const data = Buffer.alloc(5000, 7);
    const seen: Uint8Array[] = [];
    for await (const block of coalesced(piecesOf(data, [300]), 1000, undefined, lender)) {
      expect(Buffer.from(block).every((b) => b === 7)).toBe(true);
      // The block before this one is still the consumer's.
      if (seen.length > 0) expect(Buffer.from(seen[seen.length - 1]!).every((b) => b === 7)).toBe(true);
      seen.push(block);
    }
    expect(seen).toHaveLength(5);
    expect(pool.buffers.size).toBe(2); // two buffers, taken in turn
    expect(Buffer.from(seen[4]!).every((b) => b === 7)).toBe(true); // the newest is lent until done()
    lender.done();
    expect(Buffer.from(seen[4]!).every((b) => b === 0xee)).toBe(true);
    // After done() nothing is lent any more: a later block is the body's own.
    const own = lender.take();
    expect(own.length).toBe(1000);
    expect(pool.buffers.has(own.buffer)).toBe(false);
  });
});
