// The bulk connection of ModifyFile (ModifyFileHeader.bulk, bulk_chunks;
// server/grpc/bulk.ts, client/sdk/bulk-connection.ts) against the real
// server: the SDK's puts send chunk bytes there and the files read back
// equal; a server without it (--bulk-port off) still takes every put over
// gRPC; and, speaking the protocol by hand as any client might, a chunk whose
// bytes do not match its hash, a wrong token, a batch cut short or frames
// that do not add up fail the stream, commit nothing and store nothing.
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type StrataClient } from '../../client/sdk/index.ts';
import { collect } from '../helpers/bytes.ts';
import { closeClient, pfsClient, startServer, unary, type RawClient, type TestServer } from '../helpers/server.ts';

const MiB = 1 << 20;
let server: TestServer;
let off: TestServer;
let client: StrataClient;
let raw: RawClient;

beforeAll(async () => {
  [server, off] = await Promise.all([startServer(), startServer({ args: ['--bulk-port', 'off'] })]);
  client = createClient({ address: server.grpcAddress });
  raw = pfsClient(server.grpcAddress);
  await client.createRepo('bulk');
});

afterAll(async () => {
  client?.close();
  if (raw) closeClient(raw);
  await Promise.all([server?.cleanup(), off?.cleanup()]);
});

async function metric(s: TestServer, name: string, label = ''): Promise<number> {
  const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
  const m = new RegExp(`^${name}${label.replace(/[{}"]/g, '\\$&')} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

describe('the SDK puts over the bulk connection', () => {
  it('sends a 12 MiB file over it, and the file reads back equal', async () => {
    const data = randomBytes(12 * MiB);
    const [bulkBefore, grpcBefore] = [await metric(server, 'strata_bulk_received_bytes_total'), await metric(server, 'strata_grpc_received_bytes_total', '{grpc_method="ModifyFile"}')];
    const r = await client.put('bulk@main:/big.bin', data);
    expect(r.stats).toMatchObject({ bytes: 12 * MiB, sentBytes: 12 * MiB });
    const bulkBytes = (await metric(server, 'strata_bulk_received_bytes_total')) - bulkBefore;
    // Every chunk byte came over the bulk connection, with a 36-byte frame header per chunk.
    expect(bulkBytes).toBeGreaterThanOrEqual(12 * MiB);
    expect(bulkBytes - 12 * MiB).toBe(36 * r.stats.sentChunks);
    // The stream still counts the chunk bytes it stored, as before.
    expect((await metric(server, 'strata_grpc_received_bytes_total', '{grpc_method="ModifyFile"}')) - grpcBefore).toBe(12 * MiB);
    expect(sha256(await collect(client.get('bulk@main:/big.bin'))).equals(sha256(data))).toBe(true);
  });

  it('with --bulk-port off the server offers none, and puts go over gRPC', async () => {
    const c = createClient({ address: off.grpcAddress });
    try {
      await c.createRepo('nob');
      const data = randomBytes(3 * MiB);
      await c.put('nob@main:/f.bin', data);
      expect(await metric(off, 'strata_bulk_received_bytes_total')).toBe(0);
      expect(await metric(off, 'strata_grpc_received_bytes_total', '{grpc_method="ModifyFile"}')).toBe(3 * MiB);
      expect(sha256(await collect(c.get('nob@main:/f.bin'))).equals(sha256(data))).toBe(true);
    } finally {
      c.close();
    }
  });
});

/** A ModifyFile stream opened by hand with header.bulk set, and its offer. */
async function openBulkStream(target: string): Promise<{ call: grpc.ClientWritableStream<object>; response: Promise<unknown>; offer: string | undefined }> {
  let call!: grpc.ClientWritableStream<object>;
  const response = new Promise<unknown>((resolve, reject) => {
    call = raw.ModifyFile((err: grpc.ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res)));
  });
  response.catch(() => undefined);
  const headers = new Promise<grpc.Metadata>((r) => call.once('metadata', r));
  call.write({ header: { target, bulk: true } });
  const offer = (await headers).get('strata-bulk')[0];
  return { call, response, offer: offer === undefined ? undefined : String(offer) };
}

/** Connects to the offered port and sends the token; resolves with the socket and what the server answered (until it stops answering or closes). */
async function connectBulk(offer: string, token?: Buffer): Promise<{ socket: Socket; answer: Promise<Buffer> }> {
  const [port, hex] = offer.split(' ');
  const socket = connect({ host: '127.0.0.1', port: Number(port) });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(token ?? Buffer.from(hex!, 'hex'));
  const answer = new Promise<Buffer>((resolve) => {
    const got: Buffer[] = [];
    socket.on('data', (d: Buffer) => {
      got.push(d);
      if (Buffer.concat(got).length >= 15) resolve(Buffer.concat(got));
    });
    socket.on('close', () => resolve(Buffer.concat(got)));
    socket.on('error', () => undefined);
  });
  return { socket, answer };
}

function frame(hash: Buffer, data: Buffer): Buffer {
  const header = Buffer.alloc(36);
  hash.copy(header, 0);
  header.writeUInt32BE(data.length, 32);
  return Buffer.concat([header, data]);
}

async function failure(response: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const err = (await response.then(() => undefined, (e: grpc.ServiceError) => e))!;
  expect(err).toBeDefined();
  return { code: err.metadata?.get('strata-error-code')[0]?.toString(), message: err.details };
}

async function head(repo: string): Promise<string | undefined> {
  return (await unary<{ head?: string }>(raw, 'InspectBranch', { branch: `${repo}@main` })).head;
}

async function missing(hash: Buffer): Promise<boolean> {
  const r = await unary<{ missing: string[] }>(raw, 'MissingChunks', { hashes: [hash.toString('hex')] });
  return r.missing.length === 1;
}

describe('the bulk protocol by hand', () => {
  it('a chunk whose bytes do not hash to the hash sent fails the stream: nothing stored, nothing committed', async () => {
    const before = await head('bulk');
    const claimed = sha256(randomBytes(64));
    const bytes = randomBytes(100_000);
    const { call, response, offer } = await openBulkStream('bulk@main');
    expect(offer).toMatch(/^\d+ [0-9a-f]{64}$/);
    const { socket, answer } = await connectBulk(offer!);
    expect((await answer).toString()).toBe('strata-bulk-ok\n');
    const f = frame(claimed, bytes);
    socket.write(f);
    call.write({ bulkChunks: { count: 1, bytes: f.length } });
    call.write({ putChunks: { path: '/bad.bin', chunks: [{ hash: claimed.toString('hex'), sizeBytes: bytes.length }] } });
    call.write({ done: {} });
    call.end();
    const { code, message } = await failure(response);
    expect(code).toBe('CHUNK_HASH_MISMATCH');
    expect(message).toContain(claimed.toString('hex'));
    expect(await missing(claimed)).toBe(true);
    expect(await missing(sha256(bytes))).toBe(true);
    expect(await head('bulk')).toBe(before);
    socket.destroy();
  });

  it('good frames store their chunks, and put_chunks on the stream may name them', async () => {
    const a = randomBytes(70_000);
    const b = randomBytes(5_000);
    const { call, response, offer } = await openBulkStream('bulk@main');
    const { socket, answer } = await connectBulk(offer!);
    await answer;
    const frames = Buffer.concat([frame(sha256(a), a), frame(sha256(b), b)]);
    // Sent in two pieces that cut a frame in the middle: the server reassembles it.
    socket.write(frames.subarray(0, 50_000));
    call.write({ bulkChunks: { count: 2, bytes: frames.length } });
    call.write({ putChunks: { path: '/two.bin', chunks: [{ hash: sha256(a).toString('hex'), sizeBytes: a.length }, { hash: sha256(b).toString('hex'), sizeBytes: b.length }] } });
    call.write({ done: {} });
    call.end();
    setTimeout(() => socket.write(frames.subarray(50_000)), 50);
    await response;
    const got = await collect(client.get('bulk@main:/two.bin'));
    expect(got.equals(Buffer.concat([a, b]))).toBe(true);
    socket.destroy();
  });

  it('a wrong token gets no answer: the connection is closed, and the stream can still use gRPC', async () => {
    const { call, response, offer } = await openBulkStream('bulk@main');
    const { answer } = await connectBulk(offer!, randomBytes(32));
    expect((await answer).length).toBe(0);
    const data = randomBytes(1000);
    call.write({ chunks: { chunks: [{ hash: sha256(data).toString('hex'), data }] } });
    call.write({ putChunks: { path: '/grpc.bin', chunks: [{ hash: sha256(data).toString('hex'), sizeBytes: data.length }] } });
    call.write({ done: {} });
    call.end();
    await response;
    expect((await collect(client.get('bulk@main:/grpc.bin'))).equals(data)).toBe(true);
  });

  it('a token is good for one connection', async () => {
    const { call, response, offer } = await openBulkStream('bulk@main');
    const first = await connectBulk(offer!);
    expect((await first.answer).toString()).toBe('strata-bulk-ok\n');
    const second = await connectBulk(offer!);
    expect((await second.answer).length).toBe(0);
    call.write({ done: {} });
    call.end();
    await response;
    first.socket.destroy();
  });

  it('bulk_chunks on a stream that asked for no bulk connection fails it', async () => {
    const before = await head('bulk');
    let call!: grpc.ClientWritableStream<object>;
    const response = new Promise<unknown>((resolve, reject) => {
      call = raw.ModifyFile((err: grpc.ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res)));
    });
    const headers = new Promise<grpc.Metadata>((r) => call.once('metadata', r));
    call.write({ header: { target: 'bulk@main' } });
    expect((await headers).get('strata-bulk')).toEqual([]);
    call.write({ bulkChunks: { count: 1, bytes: 100 } });
    call.write({ done: {} });
    call.end();
    const { code, message } = await failure(response);
    expect(code).toBe('BAD_STREAM');
    expect(message).toContain('bulk_chunks on a stream that was offered no bulk connection');
    expect(await head('bulk')).toBe(before);
  });

  it('frames that do not add up to the bytes announced fail the stream', async () => {
    const before = await head('bulk');
    const data = randomBytes(10_000);
    const { call, response, offer } = await openBulkStream('bulk@main');
    const { socket, answer } = await connectBulk(offer!);
    await answer;
    const f = frame(sha256(data), data);
    socket.write(f);
    call.write({ bulkChunks: { count: 1, bytes: f.length - 1 } });
    call.write({ done: {} });
    call.end();
    const { code, message } = await failure(response);
    expect(code).toBe('BAD_STREAM');
    expect(message).toContain('does not fit');
    expect(await missing(sha256(data))).toBe(true);
    expect(await head('bulk')).toBe(before);
    socket.destroy();
  });

  it('a connection that closes in the middle of an announced batch fails the stream (UPLOAD_INCOMPLETE)', async () => {
    const before = await head('bulk');
    const data = randomBytes(50_000);
    const { call, response, offer } = await openBulkStream('bulk@main');
    const { socket, answer } = await connectBulk(offer!);
    await answer;
    const f = frame(sha256(data), data);
    socket.end(f.subarray(0, 20_000));
    call.write({ bulkChunks: { count: 1, bytes: f.length } });
    call.write({ done: {} });
    call.end();
    const { code, message } = await failure(response);
    expect(code).toBe('UPLOAD_INCOMPLETE');
    expect(message).toContain('nothing was committed');
    expect(await head('bulk')).toBe(before);
  });
});
