// gRPC message framing as the SDK's raw reads take it apart
// (client/sdk/grpc-frames.ts): messages cut anywhere by the HTTP/2 body's
// pieces come out whole and in order; a compressed or oversized message is
// refused with a clear error.
import { describe, expect, it } from 'vitest';
import { GrpcFrameReader, MAX_MESSAGE_BYTES } from '../../client/sdk/grpc-frames.ts';

function frame(message: Buffer, flag = 0): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flag;
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

const messages = [Buffer.from('first'), Buffer.alloc(0), Buffer.from('x'.repeat(300)), Buffer.from([0, 1, 2, 255])];
const body = Buffer.concat(messages.map((m) => frame(m)));

function readAll(pieces: Buffer[]): { out: Buffer[]; complete: boolean } {
  const reader = new GrpcFrameReader();
  const out: Buffer[] = [];
  for (const p of pieces) for (const m of reader.push(p)) out.push(Buffer.from(m));
  return { out, complete: reader.complete };
}

describe('GrpcFrameReader', () => {
  it('gives every message whole, however the body is cut', () => {
    for (const size of [1, 2, 3, 5, 7, 64, body.length]) {
      const pieces: Buffer[] = [];
      for (let at = 0; at < body.length; at += size) pieces.push(body.subarray(at, at + size));
      const { out, complete } = readAll(pieces);
      expect(out, `pieces of ${size} bytes`).toEqual(messages);
      expect(complete).toBe(true);
    }
  });

  it('knows a body that ends inside a message', () => {
    expect(readAll([body.subarray(0, body.length - 1)]).complete).toBe(false);
    expect(readAll([body.subarray(0, 3)]).complete).toBe(false);
  });

  it('refuses a compressed message and one over the size limit', () => {
    expect(() => readAll([frame(Buffer.from('z'), 1)])).toThrow(/compressed gRPC message/);
    const head = Buffer.alloc(5);
    head.writeUInt32BE(MAX_MESSAGE_BYTES + 1, 1);
    expect(() => readAll([head])).toThrow(expect.objectContaining({ code: 'RESOURCE_EXHAUSTED' }));
  });
});
