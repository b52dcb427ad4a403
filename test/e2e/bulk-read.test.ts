// The bulk connection of GetChunks (GetChunksRequest.bulk; server/grpc/bulk-send.ts,
// client/sdk/bulk-read.ts) against the real server: spoken by hand, the call
// names a port and token, the connection answers the token and then carries
// the chunks' bytes back to back, and the call ends OK with no message; a
// chunk the server does not hold ends the call with CHUNK_UNKNOWN and the
// connection early, and the SDK reports that error, not the short read; a
// wrong token gets nothing; a server with --bulk-port off answers over gRPC
// and the SDK reads the same bytes; a file written by getTo, whose receive
// buffers are used again once written, comes back whole over many calls.
// (Bytes damaged on the way over the bulk connection:
// get-chunks-integrity.test.ts.)
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ChunkRef, type StrataClient } from '../../client/sdk/index.ts';
import { closeClient, pfsClient, startServer, type RawClient, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const MiB = 1 << 20;
let server: TestServer;
let off: TestServer;
let client: StrataClient;
let raw: RawClient;
const data = randomBytes(6 * MiB);
let refs: ChunkRef[];
let offRefs: ChunkRef[];

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  [server, off] = await Promise.all([startServer(), startServer({ args: ['--bulk-port', 'off'] })]);
  client = createClient({ address: server.grpcAddress });
  raw = pfsClient(server.grpcAddress);
  await client.createRepo('r');
  await client.put('r@main:/f.bin', data);
  refs = (await client.inspectFile('r@main:/f.bin', { includeChunks: true })).chunks!;
  const c = createClient({ address: off.grpcAddress });
  try {
    await c.createRepo('r');
    await c.put('r@main:/f.bin', data);
    offRefs = (await c.inspectFile('r@main:/f.bin', { includeChunks: true })).chunks!;
  } finally {
    c.close();
  }
}, 120_000);

afterAll(async () => {
  client?.close();
  if (raw) closeClient(raw);
  await Promise.all([server?.cleanup(), off?.cleanup()]);
});

/** A GetChunks call made by hand with `bulk` set: its offer, the messages it sent and how it ended. */
function bulkCall(hashes: string[]): { offer: Promise<string | undefined>; messages: unknown[]; end: Promise<grpc.ServiceError | undefined> } {
  const call = raw.GetChunks({ hashes, clientVerifies: true, bulk: true }) as grpc.ClientReadableStream<unknown>;
  const messages: unknown[] = [];
  call.on('data', (m: unknown) => messages.push(m));
  const offer = new Promise<string | undefined>((resolve) => {
    call.once('metadata', (md: grpc.Metadata) => resolve(md.get('strata-bulk')[0]?.toString()));
    call.once('error', () => resolve(undefined));
    call.once('status', () => resolve(undefined)); // a trailers-only answer has no headers of its own
  });
  const end = new Promise<grpc.ServiceError | undefined>((resolve) => {
    call.on('error', (err: grpc.ServiceError) => resolve(err));
    call.on('end', () => resolve(undefined));
  });
  return { offer, messages, end };
}

/** Connects to the offered port, sends `token` (default the offer's), and collects everything until the server closes. */
async function readAll(offer: string, token?: Buffer): Promise<Buffer> {
  const [port, hex] = offer.split(' ');
  const socket = connect({ host: '127.0.0.1', port: Number(port) });
  socket.on('error', () => undefined);
  socket.write(token ?? Buffer.from(hex!, 'hex'));
  const got: Buffer[] = [];
  socket.on('data', (d: Buffer) => got.push(d));
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return Buffer.concat(got);
}

describe('GetChunks over the bulk connection, by hand', () => {
  it('answers the token, sends the chunks back to back and ends, and the call ends OK with no message', async () => {
    const { offer, messages, end } = bulkCall(refs.map((r) => r.hash));
    const o = await offer;
    expect(o).toMatch(/^\d+ [0-9a-f]{64}$/);
    const got = await readAll(o!);
    expect(got.subarray(0, 15).toString()).toBe('strata-bulk-ok\n');
    expect(sha(got.subarray(15))).toBe(sha(data));
    expect(await end).toBeUndefined();
    expect(messages).toEqual([]);
  });

  it('a chunk it does not hold ends the connection early and the call with CHUNK_UNKNOWN', async () => {
    const unknown = sha(Buffer.from('never stored'));
    const { offer, end } = bulkCall([refs[0]!.hash, unknown, refs[1]!.hash]);
    const got = await readAll((await offer)!);
    expect(got.length).toBeLessThan(15 + refs[0]!.size + refs[1]!.size);
    const err = await end;
    expect(err?.metadata.get('strata-error-code')).toEqual(['CHUNK_UNKNOWN']);
  });

  it('a call with no hash offers no connection and ends at once', async () => {
    const { offer, messages, end } = bulkCall([]);
    expect(await end).toBeUndefined();
    expect(await offer).toBeUndefined();
    expect(messages).toEqual([]);
  });

  it('a wrong token gets nothing: the connection is closed', async () => {
    const { offer, end } = bulkCall([refs[0]!.hash]);
    const o = (await offer)!;
    expect((await readAll(o, randomBytes(32))).length).toBe(0);
    // The call still waits for its own connection, which then gets the chunk.
    const got = await readAll(o);
    expect(sha(got.subarray(15))).toBe(refs[0]!.hash);
    expect(await end).toBeUndefined();
  });
});

describe('the SDK reads by chunk', () => {
  it('reports a chunk the server does not hold as CHUNK_UNKNOWN (NotFound), having handed on only the verified chunks before it', async () => {
    const unknown = { hash: sha(Buffer.from('never stored either')), size: 1000 } as ChunkRef;
    const got: Buffer[] = [];
    const err = await (async () => {
      for await (const c of client.getChunks([refs[0]!, unknown, refs[1]!])) got.push(Buffer.from(c));
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'CHUNK_UNKNOWN', kind: 'NotFound' });
    expect(got.length).toBeLessThanOrEqual(1);
    got.forEach((c) => expect(sha(c)).toBe(refs[0]!.hash));
  });

  it('getTo writes a file of many calls whole, its receive buffers used again once written', { timeout: 120_000 }, async () => {
    const big = randomBytes(40 * MiB);
    await client.put('r@main:/big.bin', big);
    const info = await client.inspectFile('r@main:/big.bin', { includeChunks: true });
    const tmp: TempDir = await createTempDir('strata-bulk-read');
    try {
      const out = join(tmp.path, 'big.bin');
      await client.getTo(`r@${info.commit}:/big.bin`, out, { chunks: info.chunks });
      expect(sha(await readFile(out))).toBe(sha(big));
      // A range that starts and ends inside chunks, across receive buffers.
      const part = join(tmp.path, 'part.bin');
      await client.getTo(`r@${info.commit}:/big.bin`, part, { chunks: info.chunks, offset: 3 * MiB + 17, length: 21 * MiB + 5 });
      expect(sha(await readFile(part))).toBe(sha(big.subarray(3 * MiB + 17, 24 * MiB + 22)));
    } finally {
      await tmp.remove();
    }
  });

  it('reads the file whole from a server with --bulk-port off (over HTTP/2)', async () => {
    const c = createClient({ address: off.grpcAddress });
    try {
      const chunks: Buffer[] = [];
      for await (const ch of c.getChunks(offRefs)) chunks.push(Buffer.from(ch));
      expect(sha(Buffer.concat(chunks))).toBe(sha(data));
    } finally {
      c.close();
    }
  });
});
