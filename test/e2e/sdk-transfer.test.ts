// The SDK's transfers against the real server: client-side dedup (only
// missing chunks cross the wire, counted by the SDK and by the server's
// metrics), raw puts, directory trees, bounded memory, cancellation that
// commits nothing, and retries for idempotent calls only.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, StrataError, type StrataClient } from '../../client/sdk/index.ts';
import { collect, seededBytes, sha256 } from '../helpers/bytes.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const MiB = 1 << 20;
let server: TestServer;
let client: StrataClient;
let tmp: TempDir;

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-sdk-transfer')]);
  client = createClient({ address: server.grpcAddress });
  await client.createRepo('xfer');
});

afterAll(async () => {
  client?.close();
  await server?.cleanup();
  await tmp?.remove();
});

const digest = (b: Uint8Array) => `${b.length}:${sha256(b).toString('hex')}`;

/** Bytes the server counted as received, by method (its Prometheus counter). */
async function receivedBytes(method: string): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const m = new RegExp(`^strata_grpc_received_bytes_total\\{grpc_method="${method}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** `size` random bytes, generated piece by piece (never held whole). */
async function* generated(size: number, piece = MiB): AsyncGenerator<Buffer> {
  for (let at = 0; at < size; at += piece) yield randomBytes(Math.min(piece, size - at));
}

describe('client-side dedup', () => {
  const original = seededBytes('dedup', 20 * MiB);
  const changed = Buffer.from(original);
  seededBytes('dedup-change', MiB).copy(changed, 10 * MiB);

  it('re-putting a 20 MiB file with 1 MiB changed sends under 10% of the bytes', async () => {
    const first = await client.put('xfer@main:/big.bin', original);
    expect(first.stats).toMatchObject({ files: 1, bytes: 20 * MiB, sentBytes: 20 * MiB, reusedChunks: 0 });
    const [chunksBefore, modifyBefore] = [await receivedBytes('UploadChunks'), await receivedBytes('ModifyFile')];
    const second = await client.put('xfer@main:/big.bin', changed);
    expect(second.stats.bytes).toBe(20 * MiB);
    expect(second.stats.sentBytes).toBeLessThan(0.1 * 20 * MiB);
    expect(second.stats.sentBytes).toBeGreaterThanOrEqual(MiB);
    expect(second.stats.reusedChunks).toBeGreaterThan(second.stats.sentChunks * 5);
    // The server saw exactly what the SDK says it sent: the missing chunks, on the ModifyFile stream itself.
    expect((await receivedBytes('ModifyFile')) - modifyBefore).toBe(second.stats.sentBytes);
    expect((await receivedBytes('UploadChunks')) - chunksBefore).toBe(0);
    expect(digest(await collect(client.get('xfer@main:/big.bin')))).toBe(digest(changed));
    const diff = [];
    for await (const d of client.diff('xfer@main')) diff.push(d);
    expect(diff).toMatchObject([{ type: 'modified', path: '/big.bin', newSizeBytes: 20 * MiB, oldSizeBytes: 20 * MiB }]);
  });

  it('a raw put ({ dedup: false }) sends every byte in ModifyFile', async () => {
    const before = await receivedBytes('ModifyFile');
    const r = await client.put('xfer@main:/raw.bin', changed, { dedup: false });
    expect(r.stats).toMatchObject({ bytes: 20 * MiB, sentBytes: 20 * MiB, sentChunks: 0 });
    expect((await receivedBytes('ModifyFile')) - before).toBe(20 * MiB);
    expect((await client.inspectFile('xfer@main:/raw.bin')).hash).toBe((await client.inspectFile('xfer@main:/big.bin')).hash);
  });
});

describe('directory trees', () => {
  it('puts a tree concurrently in one commit, reads it back identical, and re-puts it sending nothing', async () => {
    const root = join(tmp.path, 'tree');
    const files = new Map<string, Buffer>();
    for (let i = 0; i < 40; i++) {
      const rel = `d${i % 4}/sub${i % 3}/f${i}.bin`;
      files.set(rel, seededBytes(`tree-${i}`, (i * 7919) % 200_000));
    }
    for (const [rel, data] of files) {
      await mkdir(join(root, rel, '..'), { recursive: true });
      await writeFile(join(root, rel), data);
    }
    const seen: number[] = [];
    const r = await client.putDirectory('xfer@main:/tree', root, { concurrency: 4, onProgress: (p) => seen.push(p.files) });
    expect(r.stats.files).toBe(40);
    expect(r.commit.fileCount).toBeGreaterThanOrEqual(40);
    expect(Math.max(...seen)).toBe(40);
    const got = new Map<string, string>();
    const extract = tar.extract();
    const feeding = pipeline(client.getTar('xfer@main:/tree'), extract as unknown as NodeJS.WritableStream);
    for await (const entry of extract) got.set(entry.header.name.slice('tree/'.length), digest(await collect(entry as AsyncIterable<Uint8Array>)));
    await feeding;
    expect(got).toEqual(new Map([...files].map(([k, v]) => [k, digest(v)])));
    const again = await client.putDirectory('xfer@main:/tree', root);
    expect(again.stats).toMatchObject({ files: 40, sentBytes: 0, sentChunks: 0 });
    // No files cache here, so every file was read; all hash as the head's: no commit.
    expect(again).toMatchObject({ committed: false, commit: { id: r.commit.id } });
  });

  it('puts local files through reused buffers (large files with shared chunks, 1,500 small ones) and reads back the same bytes', async () => {
    // Read buffers and small-file slabs are used again once their chunks are
    // sent (client/sdk/read-buffers.ts): a buffer reused too early would send
    // other bytes under a chunk's hash, which the server refuses.
    const root = join(tmp.path, 'reuse');
    const files = new Map<string, Buffer>();
    const big = seededBytes('reuse-big', 9 * MiB);
    const edited = Buffer.from(big);
    seededBytes('reuse-edit', MiB).copy(edited, 4 * MiB);
    files.set('big/a.bin', big);
    files.set('big/b.bin', edited);
    files.set('big/c.bin', seededBytes('reuse-odd', 5 * MiB + 123));
    for (let i = 0; i < 1500; i++) files.set(`small/d${i % 10}/f${i}.bin`, seededBytes(`reuse-${i}`, 1024 + ((i * 7919) % 7168)));
    for (const [rel, bytes] of files) {
      await mkdir(join(root, rel, '..'), { recursive: true });
      await writeFile(join(root, rel), bytes);
    }
    const r = await client.putDirectory('xfer@main:/reuse', root, { concurrency: 4 });
    expect(r.stats.files).toBe(files.size);
    expect(r.stats.reusedChunks).toBeGreaterThan(0); // b shares most of a's chunks
    const one = await client.put('xfer@main:/reuse-one.bin', join(root, 'big/c.bin'));
    expect(one.stats.bytes).toBe(5 * MiB + 123);
    const got = new Map<string, string>();
    const extract = tar.extract();
    const feeding = pipeline(client.getTar('xfer@main:/reuse'), extract as unknown as NodeJS.WritableStream);
    for await (const entry of extract) got.set(entry.header.name.slice('reuse/'.length), digest(await collect(entry as AsyncIterable<Uint8Array>)));
    await feeding;
    expect(got).toEqual(new Map([...files].map(([k, v]) => [k, digest(v)])));
    expect(digest(await collect(client.get('xfer@main:/reuse-one.bin')))).toBe(digest(files.get('big/c.bin')!));
  });

  it('a file under the minimum chunk size, put with the size a walk saw, hashes as the server does; one grown since is put whole', async () => {
    const small = join(tmp.path, 'small.bin');
    const grown = join(tmp.path, 'grown.bin');
    await writeFile(small, seededBytes('small', 5000));
    await writeFile(grown, seededBytes('grown', 40_000)); // the walk saw 1,000 bytes
    const hashes: (string | undefined)[] = [];
    await client.modify('xfer@main', async (m) => {
      hashes.push((await m.put('/walk/small.bin', small, { statSize: 5000 })).hash);
      hashes.push((await m.put('/walk/grown.bin', grown, { statSize: 1000 })).hash);
    });
    expect(hashes.every((h) => h !== undefined)).toBe(true);
    expect((await client.inspectFile('xfer@main:/walk/small.bin')).hash).toBe(hashes[0]);
    expect((await client.inspectFile('xfer@main:/walk/grown.bin')).hash).toBe(hashes[1]);
    expect(digest(await collect(client.get('xfer@main:/walk/grown.bin')))).toBe(digest(seededBytes('grown', 40_000)));
  });

  it('a tree of 1,500 small files (read into shared buffers, staged in batches) reads back identical', async () => {
    const root = join(tmp.path, 'smalls');
    const files = new Map<string, Buffer>();
    for (let i = 0; i < 1500; i++) files.set(`s${i % 7}/f${i}.txt`, seededBytes(`small-${i}`, 1 + ((i * 7919) % 4000)));
    for (let d = 0; d < 7; d++) await mkdir(join(root, `s${d}`), { recursive: true });
    for (const [rel, data] of files) await writeFile(join(root, rel), data);
    const r = await client.putDirectory('xfer@main:/smalls', root);
    expect(r.stats).toMatchObject({ files: 1500, sentChunks: 1500 });
    const got = new Map<string, string>();
    const extract = tar.extract();
    const feeding = pipeline(client.getTar('xfer@main:/smalls'), extract as unknown as NodeJS.WritableStream);
    for await (const entry of extract) got.set(entry.header.name.slice('smalls/'.length), digest(await collect(entry as AsyncIterable<Uint8Array>)));
    await feeding;
    expect(got).toEqual(new Map([...files].map(([k, v]) => [k, digest(v)])));
  });

  it('small files that grew or shrank a little since the walk are put with the bytes they have', async () => {
    const grew = join(tmp.path, 'grew.bin');
    const shrank = join(tmp.path, 'shrank.bin');
    await writeFile(grew, seededBytes('grew', 3000)); // the walk saw 1,000 bytes
    await writeFile(shrank, seededBytes('shrank', 2000)); // the walk saw 5,000 bytes
    await client.modify('xfer@main', async (m) => {
      await m.put('/walk/grew.bin', grew, { statSize: 1000 });
      await m.put('/walk/shrank.bin', shrank, { statSize: 5000 });
    });
    expect(digest(await collect(client.get('xfer@main:/walk/grew.bin')))).toBe(digest(seededBytes('grew', 3000)));
    expect(digest(await collect(client.get('xfer@main:/walk/shrank.bin')))).toBe(digest(seededBytes('shrank', 2000)));
  });

  it('a tree put that fails on one file commits none of them', async () => {
    const head = (await client.inspectCommit('xfer@main')).id;
    const err = await client.putDirectory('xfer@main:/x', join(tmp.path, 'no-such-dir')).catch((e: unknown) => e as StrataError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', kind: 'NotFound' });
    expect((await client.inspectCommit('xfer@main')).id).toBe(head);
  });
});

describe('memory and cancellation', () => {
  /** Peak RSS growth (MiB) while `fn` runs, sampled every 20 ms. */
  async function peakGrowth(fn: () => Promise<unknown>): Promise<number> {
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      await fn();
    } finally {
      clearInterval(timer);
    }
    return (Math.max(peak, process.memoryUsage().rss) - base) / MiB;
  }

  it('puts 64 MiB streams (dedup and raw) and reads one back slowly, in bounded memory', async () => {
    const size = 64 * MiB;
    await client.put('xfer@main:/warm-up.bin', Readable.from(generated(8 * MiB))); // hash workers and pools start once
    const dedup = await peakGrowth(() => client.put('xfer@main:/stream.bin', Readable.from(generated(size))));
    const raw = await peakGrowth(() => client.put('xfer@main:/stream-raw.bin', Readable.from(generated(size)), { dedup: false }));
    const read = await peakGrowth(async () => {
      let n = 0;
      for await (const piece of client.get('xfer@main:/stream.bin')) {
        n += (piece as Buffer).length;
        if (n % (8 * MiB) < (piece as Buffer).length) await new Promise((r) => setTimeout(r, 20)); // a slow reader
      }
      expect(n).toBe(size);
    });
    // Holding a file would grow by its size; streaming stays at buffers and pools.
    expect(dedup, 'RSS growth (MiB) of a deduplicated put').toBeLessThan(48);
    expect(raw, 'RSS growth (MiB) of a raw put').toBeLessThan(48);
    expect(read, 'RSS growth (MiB) of a slow get').toBeLessThan(48);
  });

  it('an aborted put commits nothing', async () => {
    const head = (await client.inspectCommit('xfer@main')).id;
    for (const dedup of [true, false]) {
      const stop = new AbortController();
      let sent = 0;
      const source = (async function* () {
        for await (const piece of generated(64 * MiB)) {
          sent += piece.length;
          if (sent >= 8 * MiB) stop.abort();
          yield piece;
        }
      })();
      const err = await client.put('xfer@main:/aborted.bin', source, { dedup, signal: stop.signal }).catch((e: unknown) => e as StrataError);
      expect(err).toBeInstanceOf(StrataError);
      expect(err).toMatchObject({ kind: 'Aborted' });
    }
    expect((await client.inspectCommit('xfer@main')).id).toBe(head);
    expect(await client.inspectFile('xfer@main:/aborted.bin').catch((e: StrataError) => e.code)).toBe('FILE_NOT_FOUND');
  });
});

describe('retries', () => {
  /** A port where nothing listens yet; `open()` then forwards it to the real server (as if it had just started). */
  async function lateServer(): Promise<{ address: string; open(): Promise<void>; close(): Promise<void> }> {
    const sockets = new Set<Socket>();
    const proxy = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      const [host, port] = server.grpcAddress.split(':');
      const upstream = connect(Number(port), host!);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const port = (proxy.address() as { port: number }).port;
    await new Promise((r) => proxy.close(r)); // refused until open()
    return {
      address: `127.0.0.1:${port}`,
      open: () => new Promise<void>((r) => proxy.listen(port, '127.0.0.1', () => r())),
      close: () => new Promise<void>((r) => {
        for (const socket of sockets) socket.destroy();
        if (proxy.listening) proxy.close(() => r());
        else r();
      }),
    };
  }

  it('retries an idempotent call until the server is up; never retries a write', async () => {
    const late = await lateServer();
    const client = createClient({ address: late.address, retries: 12, backoffMs: 100, deadlineMs: 60_000 });
    try {
      const t0 = Date.now();
      const write = await client.createRepo('never').catch((e: unknown) => e as StrataError);
      expect(write).toMatchObject({ code: 'UNAVAILABLE', kind: 'Unavailable' });
      expect(Date.now() - t0).toBeLessThan(2_000); // failed at once: no backoff
      const read = client.listRepos();
      await new Promise((r) => setTimeout(r, 500)); // the first attempts are refused
      await late.open();
      expect((await read).map((r) => r.name)).toContain('xfer');
    } finally {
      client.close();
      await late.close();
    }
  });

  it('with connectTimeoutMs, a write waits for a server that is starting (nothing is sent before)', async () => {
    const late = await lateServer();
    const client = createClient({ address: late.address, connectTimeoutMs: 10_000 });
    try {
      const created = client.createRepo('waited');
      await new Promise((r) => setTimeout(r, 500));
      await late.open();
      expect((await created).name).toBe('waited');
    } finally {
      client.close();
      await late.close();
    }
  });
});
