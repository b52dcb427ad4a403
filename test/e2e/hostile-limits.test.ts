// The server's limits (server/config.ts: --max-message-bytes, --max-path-bytes,
// --max-files-per-commit, --max-streams-per-client), and clients that try to
// hog it: a slow-loris (raw sockets dribbling the HTTP/2 preface, an upload
// dribbling bytes, a reader that never reads) and a client opening 1,000
// streams. Another client's calls must still complete; no timings are asserted.
import { connect, type Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modify, pfsClient, serverStream, startServer, streamBytes, unary, type CallError, type RawClient, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let client: RawClient;
const BIG_MESSAGES = 72;

/** A client on its own connection (grpc-js shares one connection between channels with equal options). */
function ownConnection(): RawClient {
  return pfsClient(server.grpcAddress, { 'grpc.use_local_subchannel_pool': 1, 'grpc.max_send_message_length': -1 });
}

beforeAll(async () => {
  server = await startServer({ args: ['--max-path-bytes', '100', '--max-files-per-commit', '5', '--max-streams-per-client', '20', '--max-message-bytes', String(1 << 20)] });
  client = ownConnection();
  await unary(client, 'CreateRepo', { name: 'lim' });
  // 64.8 MB: more than every buffer between the server's handler and a reader that never reads can hold
  // (grpc-js's 16 messages of 1 MiB on each side, plus the flow-control windows), whatever the timing.
  await modify(client, [{ header: { target: 'lim@main' } }, { putFile: { path: '/big' } }, ...Array.from({ length: BIG_MESSAGES }, (_, i) => ({ data: Buffer.alloc(900 << 10, i) }))]);
});

afterAll(async () => {
  client?.close();
  await server?.cleanup();
});

async function failure(p: Promise<unknown>): Promise<CallError> {
  try {
    await p;
  } catch (err) {
    return err as CallError;
  }
  throw new Error('expected the call to fail');
}

/** The other client's work: a write to the same branch, a listing and a read; all must complete. */
async function otherClientWorks(tag: string): Promise<void> {
  const other = ownConnection();
  try {
    await modify(other, [{ header: { target: 'lim@main' } }, { putFile: { path: `/other/${tag}` } }, { data: Buffer.from(tag) }]);
    expect((await streamBytes(other, 'GetFile', { file: `lim@main:/other/${tag}` })).toString()).toBe(tag);
    expect((await serverStream(other, 'ListFile', { dir: 'lim@main:/other' })).map((f) => f.path)).toContain(`/other/${tag}`);
  } finally {
    other.close();
  }
}

describe('limits from the config', () => {
  it('refuses a path over --max-path-bytes with INVALID_PATH, commits nothing; accepts one at the limit', async () => {
    const head = (await unary(client, 'InspectBranch', { branch: 'lim@main' })).head;
    const long = `/${'é'.repeat(50)}`; // 101 bytes
    const err = await failure(modify(client, [{ header: { target: 'lim@main' } }, { putFile: { path: long } }, { data: Buffer.from('x') }]));
    expect(err).toMatchObject({ code: 'INVALID_PATH', data: expect.objectContaining({ bytes: 101, max: 100 }) });
    expect(err.message).toContain('at most 100');
    expect((await unary(client, 'InspectBranch', { branch: 'lim@main' })).head).toBe(head);
    await modify(client, [{ header: { target: 'lim@main' } }, { putFile: { path: `/${'a'.repeat(99)}` } }, { data: Buffer.from('x') }]);
  });

  it('refuses a commit of more than --max-files-per-commit files with RESOURCE_EXHAUSTED, commits nothing', async () => {
    const head = (await unary(client, 'InspectBranch', { branch: 'lim@main' })).head;
    const puts = (n: number) => Array.from({ length: n }, (_, i) => [{ putFile: { path: `/many/${n}/${i}` } }, { data: Buffer.from('x') }]).flat();
    const err = await failure(modify(client, [{ header: { target: 'lim@main' } }, ...puts(6)]));
    expect(err).toMatchObject({ code: 'RESOURCE_EXHAUSTED', kind: 'ResourceExhausted' });
    expect(err.message).toContain('at most 5 files');
    expect((await unary(client, 'InspectBranch', { branch: 'lim@main' })).head).toBe(head);
    await modify(client, [{ header: { target: 'lim@main' } }, ...puts(5)]);
  });

  it('refuses a message over --max-message-bytes with RESOURCE_EXHAUSTED', async () => {
    const err = await failure(modify(client, [{ header: { target: 'lim@main' } }, { putFile: { path: '/huge' } }, { data: Buffer.alloc((1 << 20) + 1) }]));
    expect(err.status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it('rejects a bad limit at start with one clear line', async () => {
    await expect(startServer({ args: ['--max-path-bytes', 'lots'] })).rejects.toThrow(/invalid --max-path-bytes "lots": expected a whole number/);
  });
});

/** SubscribeCommit calls the server is handling now, from its /metrics. */
async function subscribesInFlight(): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('strata_grpc_in_flight_calls{') && l.includes('grpc_method="SubscribeCommit"'));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

/** File bytes the server has sent for GetFile calls so far, from its /metrics. */
async function getFileBytesSent(): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('strata_grpc_sent_bytes_total{') && l.includes('grpc_method="GetFile"'));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('clients that hog the server do not starve others', () => {
  it('a client with 1,000 open streams', async () => {
    const hog = ownConnection();
    const calls: grpc.ClientReadableStream<unknown>[] = [];
    const ended: Promise<unknown>[] = [];
    for (let i = 0; i < 1000; i++) {
      const call = hog.SubscribeCommit({ branch: 'lim@main' }) as grpc.ClientReadableStream<unknown>;
      call.on('data', () => undefined);
      ended.push(new Promise((r) => (call.on('error', r), call.on('end', r))));
      calls.push(call);
    }
    try {
      // The hog's streams reach the server (20 of them: the limit)...
      for (let seen = 0; seen < 20; seen = await subscribesInFlight()) await new Promise((r) => setTimeout(r, 50));
      for (let round = 0; round < 3; round++) await otherClientWorks(`streams-${round}`);
      // ...and no more than the limit ever run at once: the rest wait on the hog's side. Without
      // --max-streams-per-client all 1,000 run on the server (this fails: 1000 > 20).
      expect(await subscribesInFlight()).toBeLessThanOrEqual(20);
    } finally {
      for (const c of calls) c.cancel();
      await Promise.all(ended);
      hog.close();
    }
    await otherClientWorks('streams-after');
  }, 120_000);

  it('a client resetting streams faster than the Rapid Reset limit loses its own connection, and only that', async () => {
    // nghttp2 (Node's HTTP/2) answers a connection that resets streams faster than 1,000 at
    // once then 33 a second (CVE-2023-44487) with GOAWAY(INTERNAL_ERROR): the calls in flight
    // on it fail with "Session closed with error code 2" (docs/api.md, "Limits"). The hog
    // opens calls and cancels each a moment later (one RST_STREAM each), 10 at a time, until
    // that happens (or 10,000 calls: far past the limit at any speed this machine reaches).
    const hog = ownConnection();
    let closedByLimit = 0;
    let calls = 0;
    const worker = async (): Promise<void> => {
      while (closedByLimit === 0 && calls < 10_000) {
        calls++;
        const call = hog.SubscribeCommit({ branch: 'lim@main' }) as grpc.ClientReadableStream<unknown>;
        const ended = new Promise<grpc.ServiceError | undefined>((r) => (call.on('error', r), call.on('end', () => r(undefined))));
        call.on('data', () => undefined);
        await new Promise((r) => setTimeout(r, 2));
        call.cancel();
        const err = await ended;
        if (err?.code === grpc.status.INTERNAL && /Session closed with error code 2/.test(err.details)) closedByLimit++;
      }
    };
    try {
      await Promise.all(Array.from({ length: 10 }, worker));
      expect(closedByLimit, `no connection close after ${calls} reset calls`).toBeGreaterThan(0);
      expect(calls).toBeGreaterThan(1000); // the burst allowance held first
      // The server is up, another client works, and the hog itself works again on a new connection.
      await otherClientWorks('resets');
      expect((await unary(hog, 'InspectBranch', { branch: 'lim@main' })).name).toBe('main');
    } finally {
      hog.close();
    }
  }, 600_000);

  it('slow-loris: raw sockets dribbling the preface, an upload dribbling bytes, a reader that never reads', async () => {
    const [host, port] = server.grpcAddress.split(':') as [string, string];
    const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    const sockets: Socket[] = [];
    for (let i = 0; i < 50; i++) {
      const s = connect(Number(port), host);
      s.on('error', () => undefined);
      sockets.push(s);
    }
    let sent = 0;
    const drip = setInterval(() => {
      for (const s of sockets) if (!s.destroyed) s.write(preface.subarray(sent % preface.length, (sent % preface.length) + 1));
      sent++;
    }, 50);
    // An upload to the same branch that never finishes.
    const slowUpload = ownConnection();
    const upload = slowUpload.ModifyFile((_err: unknown) => undefined) as grpc.ClientWritableStream<object>;
    upload.on('error', () => undefined);
    upload.write({ header: { target: 'lim@main' } });
    upload.write({ putFile: { path: '/slow' } });
    const dribble = setInterval(() => upload.write({ data: Buffer.from('s') }), 50);
    // A reader of a 64.8 MB file that never reads.
    const stuckReader = ownConnection();
    const sentBefore = await getFileBytesSent();
    const read = stuckReader.GetFile({ file: 'lim@main:/big' }) as grpc.ClientReadableStream<unknown>;
    read.on('error', () => undefined);
    read.pause();
    try {
      for (let round = 0; round < 3; round++) await otherClientWorks(`loris-${round}`);
      // The reader that never reads holds the server's read (backpressure): the server sent at
      // most what the buffers and flow-control windows hold (~33 MiB at most), far from all of
      // the 64.8 MB file (the other client's reads are a few bytes each). Without the wait for
      // 'drain' in server/grpc/streams.ts writeMessage, the whole file is pushed out (this fails).
      expect((await getFileBytesSent()) - sentBefore).toBeLessThan(BIG_MESSAGES * (900 << 10));
    } finally {
      clearInterval(drip);
      clearInterval(dribble);
      for (const s of sockets) s.destroy();
      upload.cancel();
      read.cancel();
      slowUpload.close();
      stuckReader.close();
    }
    // The dribbled upload was never committed.
    expect((await serverStream(client, 'GlobFile', { ref: 'lim@main', pattern: '/slow' })).length).toBe(0);
    await otherClientWorks('loris-after');
  }, 120_000);
});
