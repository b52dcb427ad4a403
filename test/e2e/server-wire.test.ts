// The shared gRPC plumbing (server/grpc/rpc.ts, streams.ts) over a real
// gRPC connection with stand-in handlers: internal errors stay generic on
// the wire and logged in full, both directions of every stream respect
// backpressure, and the decoder copes with statuses that carry no code.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StrataError } from '../../src/errors/index.ts';
import { decodeWireError, encodeWireError } from '../../src/errors/wire.ts';
import { createLogger } from '../../server/log.ts';
import type { RpcMetrics } from '../../server/metrics.ts';
import { loadProtos } from '../../server/grpc/proto.ts';
import { InFlight, createRpc } from '../../server/grpc/rpc.ts';
import { pfsClient, unary, type CallError, type RawClient } from '../helpers/server.ts';

const lines: string[] = [];
const log = createLogger({ level: 'debug', write: (l) => void lines.push(l) });
const metrics = { startCall: () => () => undefined, bytesIn: () => undefined, bytesOut: () => undefined } as unknown as RpcMetrics;
const inflight = new InFlight();
const rpc = createRpc({ service: 'strata.pfs.v1.PfsService', log, metrics, shutdown: new AbortController().signal }, inflight);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let sent = 0;
let received = 0;
const big = 'x'.repeat(64 << 10);

const handlers = {
  InspectRepo: rpc.unary('InspectRepo', async () => {
    throw new TypeError('secret detail of a bug');
  }),
  InspectBranch: rpc.unary('InspectBranch', async () => {
    throw new StrataError('BRANCH_NOT_FOUND', 'branch "x" not found', { repo: 'r', branch: 'x', note: 'naïve ✓' });
  }),
  ListCommit: rpc.serverStream('ListCommit', async (_req, send) => {
    for (sent = 0; sent < 2000; sent++) await send({ repo: 'r', id: String(sent), description: big });
  }),
  UploadChunks: rpc.clientStream('UploadChunks', async (input) => {
    for (let m = await input.next(); m !== undefined; m = await input.next()) {
      received++;
      await sleep(5);
    }
    return { chunks: received };
  }),
};

let server: grpc.Server;
let client: RawClient;

beforeAll(async () => {
  server = new grpc.Server();
  server.addService(loadProtos().pfsService, handlers as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  client = pfsClient(`127.0.0.1:${port}`);
});

afterAll(async () => {
  client?.close();
  server?.forceShutdown();
});

describe('errors', () => {
  it('a non-Strata error is INTERNAL with a generic message; the log has the stack', async () => {
    const err = (await unary(client, 'InspectRepo', { name: 'x' }).catch((e) => e)) as CallError;
    expect(err.status.code).toBe(grpc.status.INTERNAL);
    expect(err.code).toBe('INTERNAL');
    expect(err.message).not.toContain('secret');
    const requestId = err.data.requestId as string;
    expect(err.message).toContain(requestId);
    const logged = lines.map((l) => JSON.parse(l)).find((r) => r.requestId === requestId);
    expect(logged).toMatchObject({ level: 'error', method: 'InspectRepo', status: 'INTERNAL', err: { type: 'TypeError', message: 'secret detail of a bug' } });
    expect(logged.err.stack).toContain('server-wire.test.ts');
  });

  it('a StrataError keeps its code, message and data, non-ASCII included', async () => {
    const err = (await unary(client, 'InspectBranch', { branch: 'r@x' }).catch((e) => e)) as CallError;
    expect(err.status.code).toBe(grpc.status.NOT_FOUND);
    expect(err).toMatchObject({ code: 'BRANCH_NOT_FOUND', kind: 'NotFound', message: 'branch "x" not found', data: { repo: 'r', branch: 'x', note: 'naïve ✓' } });
  });

  it('the decoder maps statuses without a known code to the generic code of their kind', () => {
    expect(decodeWireError({ code: 8, details: 'Received message larger than max' })).toMatchObject({ code: 'RESOURCE_EXHAUSTED', kind: 'ResourceExhausted', data: { grpcStatus: 'RESOURCE_EXHAUSTED' } });
    expect(decodeWireError({ code: 14, details: 'No connection established' })).toMatchObject({ code: 'UNAVAILABLE', kind: 'Unavailable' });
    expect(decodeWireError({ code: 4 })).toMatchObject({ code: 'DEADLINE_EXCEEDED', message: 'DEADLINE_EXCEEDED from the server' });
    const newer = decodeWireError({ code: 5, details: 'x', metadata: { 'strata-error-code': 'SOME_FUTURE_CODE', 'strata-error-data': '{"a":1}' } });
    expect(newer).toMatchObject({ code: 'NOT_FOUND', data: { a: 1, remoteCode: 'SOME_FUTURE_CODE' } });
    expect(decodeWireError({ code: 3, details: 'x', metadata: { 'strata-error-data': 'not json' } }).data).toEqual({ grpcStatus: 'INVALID_ARGUMENT' });
    const original = new StrataError('INVALID_PATH', 'bad', { input: '/a\u0000' });
    const wire = encodeWireError(original);
    expect(wire.metadata['strata-error-data']).toMatch(/^[\x20-\x7e]*$/);
    expect(decodeWireError({ ...wire, metadata: { ...wire.metadata, 'strata-error-code': [wire.metadata['strata-error-code']] } })).toMatchObject({ code: 'INVALID_PATH', data: { input: '/a\u0000' } });
  });
});

describe('backpressure', () => {
  it('a server stream waits for a paused reader', async () => {
    const call = client.ListCommit({ ref: 'r' }) as grpc.ClientReadableStream<unknown>;
    let got = 0;
    call.on('data', () => {
      got++;
      if (got === 5) call.pause();
    });
    const ended = new Promise((resolve, reject) => (call.on('end', resolve), call.on('error', reject)));
    await sleep(800);
    // 2000 x 64 KiB = 125 MiB would have been sent by now without backpressure.
    expect(sent).toBeLessThan(200);
    const stalled = sent;
    await sleep(300);
    expect(sent).toBe(stalled);
    call.resume();
    await ended;
    expect(got).toBe(2000);
  });

  it('a client stream is held while the handler is busy', async () => {
    received = 0;
    let receivedWhenSent = -1;
    const done = new Promise<{ chunks: number }>((resolve, reject) => {
      const call = client.UploadChunks((err: grpc.ServiceError | null, res: { chunks: number }) => (err ? reject(err) : resolve(res)));
      void (async () => {
        const chunk = { chunks: [{ hash: 'h', data: Buffer.alloc(256 << 10) }] };
        for (let i = 0; i < 100; i++) if (!call.write(chunk)) await new Promise((r) => call.once('drain', r));
        receivedWhenSent = received;
        call.end();
      })();
    });
    expect((await done).chunks).toBe(100);
    // Without flow control the client would have queued all 25 MiB at once;
    // held, it can only finish once the slow handler has taken most of it.
    expect(receivedWhenSent).toBeGreaterThan(60);
  });

  it('handlers are tracked until they finish', async () => {
    expect(await inflight.settled(1000)).toBe(true);
    expect(inflight.size).toBe(0);
  });
});
