import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  chunkAndHash,
  createChunker,
  createChunkingParams,
  createHashPool,
  hashChunk,
  hashHex,
  type HashPool,
} from '../../../src/chunking/index.ts';
import { collect, pseudoRandomBytes, splitStream } from './helpers.ts';

const SMALL = createChunkingParams({ minSize: 64, avgSize: 256, maxSize: 1024 });
const pool = createHashPool(2);
afterAll(() => pool.close());

async function sequential(bytes: Uint8Array, cuts: number[]): Promise<string[]> {
  const chunks = await collect(createChunker(SMALL).chunkStream(splitStream(bytes, cuts)));
  return chunks.map((c) => `${hashHex(hashChunk(c))}:${c.length}`);
}

async function piped(bytes: Uint8Array, cuts: number[], opts: Parameters<typeof chunkAndHash>[1]) {
  const out = await collect(chunkAndHash(splitStream(bytes, cuts), { params: SMALL, ...opts }));
  for (const { hash, data } of out) expect(hash.equals(hashChunk(data))).toBe(true);
  return out.map(({ hash, data }) => `${hashHex(hash)}:${data.length}`);
}

describe('chunkAndHash', () => {
  it('gives exactly the chunks and hashes of sequential chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 20_000 }),
        fc.array(fc.nat({ max: 20_000 }), { maxLength: 30 }),
        fc.constantFrom(1, 2, 3),
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: 1, max: 8192 }),
        async (bytes, cuts, concurrency, batchBytes, maxInFlightBytes) => {
          const expected = await sequential(bytes, cuts);
          const opts = { concurrency, batchBytes, maxInFlightBytes, pool: concurrency > 1 ? pool : undefined };
          expect(await piped(bytes, cuts, opts)).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('uses the shared pool and default sizes on a few MiB', async () => {
    const bytes = pseudoRandomBytes('pipeline', 5 * 1024 * 1024 + 17);
    const out = await collect(chunkAndHash(splitStream(bytes, [1 << 20, 3 << 20]), { concurrency: 2 }));
    expect(Buffer.concat(out.map((c) => c.data)).equals(Buffer.from(bytes))).toBe(true);
    for (const { hash, data } of out) expect(hash.equals(hashChunk(data))).toBe(true);
  });

  it('shares hashing between the workers and this thread', async () => {
    const bytes = pseudoRandomBytes('sharing', 300_000);
    const expected = await sequential(bytes, [1000]);
    let sent = 0;
    const counting: HashPool = {
      threads: pool.threads,
      get pending() {
        return pool.pending;
      },
      hashBatch: (buf, lengths) => (sent++, pool.hashBatch(buf, lengths)),
      close: async () => {},
    };
    expect(await piped(bytes, [1000], { pool: counting, batchBytes: 4096 })).toEqual(expected);
    expect(sent).toBeGreaterThan(0);
    // A pool that always looks busy gets only the first batch (sent before
    // the pool is asked); this thread hashes the rest.
    const busy: HashPool = { ...counting, pending: Infinity };
    sent = 0;
    expect(await piped(bytes, [1000], { pool: busy, batchBytes: 4096 })).toEqual(expected);
    expect(sent).toBe(1);
  });

  it('keeps at most the in-flight budget of chunked but unyielded bytes', async () => {
    const bytes = pseudoRandomBytes('budget', 400_000);
    const budget = 20_000;
    const batchBytes = 4096;
    const inputBuffer = 1000;
    let pulled = 0;
    async function* source() {
      for (let off = 0; off < bytes.length; off += inputBuffer) {
        pulled = off; // bytes handed over before this buffer
        yield bytes.subarray(off, off + inputBuffer);
      }
    }
    let consumed = 0;
    let worst = 0;
    for await (const { data } of chunkAndHash(source(), { params: SMALL, pool, batchBytes, maxInFlightBytes: budget })) {
      worst = Math.max(worst, pulled - consumed);
      consumed += data.length;
      await new Promise((r) => setImmediate(r)); // a slow consumer
    }
    // budget + the batch being filled + a chunk in the chunker + one input buffer
    expect(worst).toBeLessThanOrEqual(budget + batchBytes + SMALL.maxSize + 2 * inputBuffer);
    expect(consumed).toBe(bytes.length);
  });

  it('passes on a failing source and a failing hash pool', async () => {
    async function* broken() {
      yield new Uint8Array(5000);
      throw new Error('disk on fire');
    }
    await expect(collect(chunkAndHash(broken(), { params: SMALL, pool, batchBytes: 100 }))).rejects.toThrow(
      'disk on fire',
    );
    const failing: HashPool = {
      threads: 1,
      pending: 0,
      hashBatch: () => Promise.reject(new Error('worker died')),
      close: async () => {},
    };
    const bytes = pseudoRandomBytes('fail', 50_000);
    const run = collect(chunkAndHash(splitStream(bytes, []), { params: SMALL, pool: failing, batchBytes: 100 }));
    await expect(run).rejects.toThrow('worker died');
  });

  it('stops cleanly, closing the source, when the consumer stops early', async () => {
    const bytes = pseudoRandomBytes('early', 200_000);
    let closed = false;
    async function* source() {
      try {
        for (let off = 0; off < bytes.length; off += 10_000) yield bytes.subarray(off, off + 10_000);
      } finally {
        closed = true;
      }
    }
    let n = 0;
    for await (const _ of chunkAndHash(source(), { params: SMALL, pool, batchBytes: 2048 })) {
      if (++n === 3) break;
    }
    expect(n).toBe(3);
    expect(closed).toBe(true);
  });

  it('hashes input shorter than the minimum chunk as one chunk, and checks it is bytes', async () => {
    const bytes = pseudoRandomBytes('tiny', 50);
    const out = await collect(chunkAndHash(splitStream(bytes, [10, 20]), { params: SMALL, pool }));
    expect(out.map((c) => hashHex(c.hash))).toEqual([hashHex(hashChunk(bytes))]);
    expect(await collect(chunkAndHash(splitStream(new Uint8Array(0), []), { pool }))).toEqual([]);
    async function* text() {
      yield 'abc' as unknown as Uint8Array;
    }
    await expect(collect(chunkAndHash(text(), { pool }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('rejects bad options with InvalidArgument', async () => {
    const src = () => splitStream(new Uint8Array(10), []);
    await expect(collect(chunkAndHash(src(), { concurrency: 0 }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(collect(chunkAndHash(src(), { maxInFlightBytes: 0 }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(() => createHashPool(0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('createHashPool', () => {
  it('hashes batches and hands the buffer back', async () => {
    const a = new TextEncoder().encode('abc');
    const buf = new ArrayBuffer(6);
    new Uint8Array(buf).set([...a, ...a]);
    const { buf: back, hashes } = await pool.hashBatch(buf, Uint32Array.from([3, 3]));
    expect(buf.byteLength).toBe(0); // transferred
    expect(back.byteLength).toBe(6);
    const expected = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(hashHex(hashes.subarray(0, 32))).toBe(expected);
    expect(hashHex(hashes.subarray(32, 64))).toBe(expected);
  });

  it('fails pending and later batches once closed', async () => {
    const p = createHashPool(1);
    const pending = p.hashBatch(new ArrayBuffer(1 << 20), Uint32Array.from([1 << 20]));
    const failed = expect(pending).rejects.toMatchObject({ code: 'INTERNAL' });
    await p.close();
    await failed;
    await expect(p.hashBatch(new ArrayBuffer(1), Uint32Array.from([1]))).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
