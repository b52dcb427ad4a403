// server/grpc/framed-writer.ts against the grpc-js in package-lock: it must
// find the HTTP/2 stream of a server-streaming call (else GetChunks quietly
// falls back to grpc-js's slower path), and what it writes must reach a
// grpc-js client as whole messages, followed by the call's status, OK or not.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framedWriterOf, type FramedWriter } from '../../server/grpc/framed-writer.ts';

const identity = (b: Buffer): Buffer => b;
const method: grpc.MethodDefinition<Buffer, Buffer> = {
  path: '/test.Framed/Stream',
  requestStream: false,
  responseStream: true,
  requestSerialize: identity,
  requestDeserialize: identity,
  responseSerialize: identity,
  responseDeserialize: identity,
};

/** A gRPC message (5-byte prefix and body) as two pieces. */
function frame(body: string): Uint8Array[] {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(Buffer.byteLength(body), 1);
  return [prefix, Buffer.from(body)];
}

describe('framed writer', () => {
  let server: grpc.Server;
  let client: grpc.Client;
  let found: (FramedWriter | undefined)[] = [];

  beforeAll(async () => {
    server = new grpc.Server();
    server.addService({ Stream: method } as grpc.ServiceDefinition, {
      Stream: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
        const writer = framedWriterOf(call as grpc.ServerWritableStream<unknown, unknown>);
        found.push(writer);
        const fail = call.request.toString() === 'fail';
        const done = (): void => {
          if (!fail) return void call.end();
          const metadata = new grpc.Metadata();
          metadata.set('strata-error-code', 'CHUNK_CORRUPT');
          call.emit('error', Object.assign(new Error('damaged'), { code: grpc.status.DATA_LOSS, details: 'damaged', metadata }));
        };
        if (!writer) return void done();
        writer.write([...frame('one'), ...frame('two')], () => writer.write(frame('three'), done));
      },
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  afterAll(() => {
    client?.close();
    server?.forceShutdown();
  });

  function call(request: string): Promise<{ messages: string[]; status: grpc.StatusObject }> {
    return new Promise((resolve) => {
      const messages: string[] = [];
      const stream = client.makeServerStreamRequest(method.path, identity, identity, Buffer.from(request));
      stream.on('data', (m: Buffer) => messages.push(m.toString()));
      stream.on('error', () => undefined); // the status below says it
      stream.on('status', (status) => resolve({ messages, status }));
    });
  }

  it('reaches the HTTP/2 stream of a grpc-js call, and the client gets every message, then OK', async () => {
    found = [];
    const { messages, status } = await call('ok');
    expect(found).toHaveLength(1);
    expect(found[0]).toBeDefined();
    expect(messages).toEqual(['one', 'two', 'three']);
    expect(status.code).toBe(grpc.status.OK);
  });

  it('an error after framed messages reaches the client as the call status, with its metadata', async () => {
    const { messages, status } = await call('fail');
    expect(messages).toEqual(['one', 'two', 'three']);
    expect(status.code).toBe(grpc.status.DATA_LOSS);
    expect(status.details).toBe('damaged');
    expect(status.metadata.get('strata-error-code')).toEqual(['CHUNK_CORRUPT']);
  });
});
