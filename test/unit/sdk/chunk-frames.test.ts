// The GetChunks body parser (client/sdk/chunk-frames.ts) against bytes made
// by the server's encoder (server/grpc/chunks-encoding.ts) and by
// protobuf.js from proto/, cut into pieces at every place HTTP/2 might cut
// them; and the encoder against protobuf.js.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkFrameParser } from '../../../client/sdk/chunk-frames.ts';
import { encodeChunksResponse, withChunksEncoding } from '../../../server/grpc/chunks-encoding.ts';
import { chunkMessagePieces } from '../../../server/grpc/chunks-sender.ts';
import { loadProtos } from '../../../server/grpc/proto.ts';

const { pfsService } = loadProtos();
const method = (pfsService as unknown as Record<string, { responseSerialize(m: object): Buffer; responseDeserialize(b: Buffer): { chunks: Buffer[] } }>).GetChunks!;

function framed(message: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/** What the parser reports, with each chunk's pieces joined. */
function parse(pieces: Buffer[]): { chunks: Buffer[][]; messages: number; idle: boolean } {
  const chunks: Buffer[][] = [];
  let current: Buffer[] = [];
  let inMessage: Buffer[] = [];
  let messages = 0;
  const parser = new ChunkFrameParser({
    piece: (b) => current.push(Buffer.from(b)),
    chunkEnd: () => {
      inMessage.push(Buffer.concat(current));
      current = [];
    },
    messageEnd: () => {
      chunks.push(inMessage);
      inMessage = [];
      messages++;
    },
  });
  for (const p of pieces) parser.feed(p);
  return { chunks, messages, idle: parser.idle };
}

function cutAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

const chunkArb = fc.uint8Array({ minLength: 0, maxLength: 300 }).map((a) => Buffer.from(a));
const messagesArb = fc.array(fc.array(chunkArb, { maxLength: 5 }), { minLength: 1, maxLength: 4 });

describe('encodeChunksResponse', () => {
  it('writes the bytes protobuf.js writes, which decode to the same chunks', () => {
    fc.assert(
      fc.property(fc.array(chunkArb, { maxLength: 8 }), (chunks) => {
        const ours = Buffer.from(encodeChunksResponse({ chunks }));
        expect(ours.equals(method.responseSerialize({ chunks }))).toBe(true);
        expect(method.responseDeserialize(ours).chunks.map((c) => Buffer.from(c))).toEqual(chunks);
      }),
    );
    const big = Buffer.alloc(200_000, 7); // a length of three varint bytes
    expect(Buffer.from(encodeChunksResponse({ chunks: [big, big] })).equals(method.responseSerialize({ chunks: [big, big] }))).toBe(true);
  });

  it('replaces only GetChunks in the service', () => {
    const service = withChunksEncoding(pfsService) as unknown as Record<string, { responseSerialize: unknown }>;
    const original = pfsService as unknown as Record<string, { responseSerialize: unknown }>;
    expect(service.GetChunks!.responseSerialize).not.toBe(original.GetChunks!.responseSerialize);
    expect(service.InspectFile!.responseSerialize).toBe(original.InspectFile!.responseSerialize);
  });
});

describe('chunkMessagePieces', () => {
  it('are, joined, the framed message encodeChunksResponse writes, with each chunk sent as itself', () => {
    fc.assert(
      fc.property(fc.array(chunkArb, { maxLength: 8 }), (chunks) => {
        const pieces = chunkMessagePieces(chunks);
        expect(Buffer.concat(pieces).equals(framed(Buffer.from(encodeChunksResponse({ chunks }))))).toBe(true);
        // Every chunk goes out from where it lies (no copy): the odd pieces are the chunks themselves.
        chunks.forEach((c, i) => expect(pieces[2 * i + 1]).toBe(c));
      }),
    );
    const big = Buffer.alloc(200_000, 7); // a length of three varint bytes
    expect(Buffer.concat(chunkMessagePieces([big, big])).equals(framed(method.responseSerialize({ chunks: [big, big] })))).toBe(true);
  });
});

describe('ChunkFrameParser', () => {
  it('gives each message its chunks, however the body is cut', () => {
    fc.assert(
      fc.property(messagesArb, fc.array(fc.nat(), { maxLength: 12 }), (messages, cuts) => {
        const body = Buffer.concat(messages.map((chunks) => framed(method.responseSerialize({ chunks }))));
        const got = parse(cutAt(body, cuts));
        expect(got.idle).toBe(true);
        expect(got.messages).toBe(messages.length);
        expect(got.chunks).toEqual(messages);
      }),
    );
  });

  it('skips fields it does not know (a newer server), of every wire type', () => {
    const chunk = Buffer.from('chunk bytes');
    // field 2 varint 300, field 3 fixed64, field 4 bytes "xy", field 5 fixed32, then chunk, then field 6 varint
    const message = Buffer.concat([
      Buffer.from([0x10, 0xac, 0x02]),
      Buffer.from([0x19, 1, 2, 3, 4, 5, 6, 7, 8]),
      Buffer.from([0x22, 2, 0x78, 0x79]),
      Buffer.from([0x2d, 1, 2, 3, 4]),
      Buffer.from([0x0a, chunk.length]),
      chunk,
      Buffer.from([0x30, 0x01]),
    ]);
    for (let cut = 0; cut <= message.length + 5; cut++) {
      const body = framed(message);
      expect(parse([body.subarray(0, cut), body.subarray(cut)]).chunks).toEqual([[chunk]]);
    }
  });

  it('refuses a malformed body with BAD_STREAM, and says when it ends inside a message', () => {
    const bad = (bytes: Buffer): unknown => {
      try {
        parse([bytes]);
      } catch (err) {
        return err;
      }
      return undefined;
    };
    expect(bad(Buffer.from([1, 0, 0, 0, 1, 0]))).toMatchObject({ code: 'BAD_STREAM', message: /compressed/ });
    expect(bad(framed(Buffer.from([0x0a, 5, 1, 2])))).toMatchObject({ code: 'BAD_STREAM', message: /longer than its message/ });
    expect(bad(framed(Buffer.from([0x0a])))).toMatchObject({ code: 'BAD_STREAM', message: /cut by the end/ });
    expect(bad(framed(Buffer.from([0x0b])))).toMatchObject({ code: 'BAD_STREAM', message: /wire type 3/ });
    expect(bad(Buffer.from([0, 0x10, 0, 0, 0]))).toMatchObject({ code: 'BAD_STREAM', message: /a message of/ });
    const parser = new ChunkFrameParser({ piece: () => undefined, chunkEnd: () => undefined, messageEnd: () => undefined });
    parser.feed(framed(Buffer.from([0x0a, 3, 1, 2, 3])).subarray(0, 6));
    expect(() => parser.end()).toThrow(/ended inside a message/);
  });
});
