// The put path's reused buffers (client/sdk/chunk-message.ts,
// read-buffers.ts, SmallFileReader in sources.ts): the hand-encoded
// `chunks` message is exactly what protobuf.js encodes from the proto, and
// no buffer is handed out again while bytes in it are still held.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageBuffers, chunksMessageSize, encodeChunksMessage } from '../../client/sdk/chunk-message.ts';
import { PooledFileReader, ReadBuffers, ReleasedPrefix } from '../../client/sdk/read-buffers.ts';
import { PIECE_BYTES, SmallFileReader } from '../../client/sdk/sources.ts';
import { protoDir } from '../../src/package-dir.ts';

const definition = protoLoader.loadSync('strata/pfs/v1/pfs.proto', { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [protoDir()] });
const modifyFile = (definition['strata.pfs.v1.PfsService'] as Record<string, protoLoader.MethodDefinition<object, object>>).ModifyFile!;

const hexHash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
// Lengths around the varint steps (127/128, 16383/16384) as well as small ones.
const data = fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.integer({ min: 16_000, max: 17_000 }).map((n) => randomBytes(n)));

describe('the hand-encoded chunks message', () => {
  it('is byte for byte what protobuf.js encodes, and decodes to the same chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ hash: hexHash, data }), { minLength: 1, maxLength: 12 }), (chunks) => {
        const expected = modifyFile.requestSerialize({ chunks: { chunks } });
        const buf = Buffer.alloc(chunksMessageSize(chunks) + 7, 0xee);
        const length = encodeChunksMessage(chunks, buf);
        expect(length).toBe(chunksMessageSize(chunks));
        expect(buf.subarray(0, length).equals(expected)).toBe(true);
        const decoded = modifyFile.requestDeserialize(buf.subarray(0, length)) as { body: string; chunks: { chunks: { hash: string; data: Buffer }[] } };
        expect(decoded.body).toBe('chunks');
        expect(decoded.chunks.chunks.map((c) => [c.hash, Buffer.from(c.data).toString('hex')])).toEqual(chunks.map((c) => [c.hash, Buffer.from(c.data).toString('hex')]));
      }),
      { numRuns: 200 },
    );
  });

  it('reuses a buffer only after it was released, and keeps at most `keep` idle', () => {
    const pool = new MessageBuffers(4096, 1);
    const chunk = [{ hash: 'ab'.repeat(32), data: randomBytes(100) }];
    const a = pool.encode(chunk);
    const b = pool.encode(chunk);
    expect(b.message.bytes.buffer).not.toBe(a.message.bytes.buffer);
    a.release();
    a.release(); // twice is once
    b.release(); // beyond `keep`: dropped
    const c = pool.encode(chunk);
    expect(c.message.bytes.buffer).toBe(a.message.bytes.buffer);
    expect(pool.encode(chunk).message.bytes.buffer).not.toBe(b.message.bytes.buffer);
    // A message larger than the pooled size gets its own buffer, never kept.
    const big = pool.encode([{ hash: 'cd'.repeat(32), data: randomBytes(5000) }]);
    expect(big.message.bytes.length).toBe(chunksMessageSize([{ hash: 'cd'.repeat(32), data: randomBytes(5000) }]));
  });
});

describe('ReleasedPrefix', () => {
  it('reports the end of the longest run of released pieces from the start, whatever the release order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 3000 }), fc.integer(), (lengths, seed) => {
        const seen: number[] = [];
        const prefix = new ReleasedPrefix((offset) => seen.push(offset));
        const releases = lengths.map((n) => prefix.next(n));
        const ends = lengths.map((_, i) => lengths.slice(0, i + 1).reduce((a, b) => a + b, 0));
        const order = releases.map((_, i) => i).sort((x, y) => ((x * 7919 + seed) % 101) - ((y * 7919 + seed) % 101) || x - y);
        const released = new Set<number>();
        for (const i of order) {
          releases[i]!();
          releases[i]!(); // idempotent
          released.add(i);
          let run = 0;
          while (released.has(run)) run++;
          if (run > 0) expect(seen[seen.length - 1]).toBe(ends[run - 1]);
          else expect(seen).toEqual([]);
        }
        expect(seen[seen.length - 1]).toBe(ends[ends.length - 1]);
        expect([...seen].sort((a, b) => a - b)).toEqual(seen); // never goes back
      }),
      { numRuns: 100 },
    );
  });
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-put-buffers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(reader: PooledFileReader): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const piece of reader.bytes()) out.push(piece);
  return out;
}

describe('PooledFileReader', () => {
  it('hands a buffer back only once every byte in it was released', async () => {
    const a = randomBytes(3 * PIECE_BYTES + 12_345);
    const b = randomBytes(2 * PIECE_BYTES + 1);
    await writeFile(join(dir, 'a.bin'), a);
    await writeFile(join(dir, 'b.bin'), b);
    const pool = new ReadBuffers(8);
    const readerA = new PooledFileReader(join(dir, 'a.bin'), pool);
    const piecesA = await readAll(readerA);
    expect(Buffer.concat(piecesA).equals(a)).toBe(true);
    // Nothing of a released yet: reading b uses none of a's buffers, and a's views stay intact.
    const readerB = new PooledFileReader(join(dir, 'b.bin'), pool);
    const piecesB = await readAll(readerB);
    expect(Buffer.concat(piecesB).equals(b)).toBe(true);
    expect(Buffer.concat(piecesA).equals(a)).toBe(true);
    const buffersA = new Set(piecesA.map((p) => p.buffer));
    expect(piecesB.some((p) => buffersA.has(p.buffer))).toBe(false);
    // Released up to the middle of a's second piece: only the first piece goes back.
    readerA.releasedThrough(PIECE_BYTES + 10);
    const first = pool.take();
    expect(first.buffer).toBe(piecesA[0]!.buffer);
    expect(buffersA.has(pool.take().buffer)).toBe(false);
    readerA.releasedThrough(a.length);
    expect(buffersA.has(pool.take().buffer)).toBe(true);
  });

  it('a caller that stops early: the read started ahead finishes, its buffer goes back, the file is closed', async () => {
    const a = randomBytes(4 * PIECE_BYTES);
    await writeFile(join(dir, 'ahead.bin'), a);
    const pool = new ReadBuffers(8);
    const fds = (await readdir('/proc/self/fd')).length;
    const reader = new PooledFileReader(join(dir, 'ahead.bin'), pool);
    for await (const piece of reader.bytes()) {
      expect(Buffer.from(piece).equals(a.subarray(0, PIECE_BYTES))).toBe(true);
      break;
    }
    // The second piece was being read ahead when the caller stopped: that buffer is idle again.
    expect((pool as unknown as { free: Buffer[] }).free.length).toBe(1);
    expect((await readdir('/proc/self/fd')).length).toBe(fds);
  });

  it('reports a missing file as NOT_FOUND naming it', async () => {
    await expect(readAll(new PooledFileReader(join(dir, 'nope.bin'), new ReadBuffers(1)))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('nope.bin') });
  });
});

describe('SmallFileReader', () => {
  it('reuses a slab only when every file read into it was released', async () => {
    const files: { path: string; bytes: Buffer }[] = [];
    for (let i = 0; i < 800; i++) {
      const bytes = randomBytes(1000 + ((i * 7919) % 7000));
      const path = join(dir, `s${i}.bin`);
      await writeFile(path, bytes);
      files.push({ path, bytes });
    }
    const reader = new SmallFileReader();
    const held = files.map((f) => ({ ...f, got: reader.read(f.path, f.bytes.length)! }));
    const slabs = new Set(held.map((h) => h.got.bytes.buffer));
    expect(slabs.size).toBeGreaterThan(2); // the files filled several slabs
    // None released: every view still holds its file's bytes.
    for (const h of held) expect(h.got.bytes.equals(h.bytes)).toBe(true);
    // Release all but one file of the first slab: that slab is still not reused.
    const firstSlab = held[0]!.got.bytes.buffer;
    const inFirst = held.filter((h) => h.got.bytes.buffer === firstSlab);
    for (const h of held) if (h !== inFirst[0]) h.got.release();
    const again = files.map((f) => reader.read(f.path, f.bytes.length)!);
    expect(again.some((g) => g.bytes.buffer === firstSlab)).toBe(false);
    expect(inFirst[0]!.got.bytes.equals(inFirst[0]!.bytes)).toBe(true);
    // Other released slabs were reused.
    expect(again.some((g) => slabs.has(g.bytes.buffer))).toBe(true);
    again.forEach((g, i) => expect(g.bytes.equals(files[i]!.bytes)).toBe(true));
  });

  it('answers undefined for a file that grew past the size the walk saw', async () => {
    const path = join(dir, 'grown.bin');
    await writeFile(path, randomBytes(500));
    expect(new SmallFileReader().read(path, 400)).toBeUndefined();
  });
});
