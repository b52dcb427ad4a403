// GetChunksResponse (`repeated bytes chunks = 1`) encoded by hand, into one
// reused buffer. protobuf.js's encoder allocates a fresh MiB-sized buffer per
// message and builds it field by field; grpc-js then copies the message into
// a framed buffer of its own anyway, synchronously, as soon as it is
// encoded. So the encoded bytes are only needed until that copy: one scratch
// buffer serves every GetChunks message, and a download allocates one buffer
// per message (grpc-js's) instead of two. The bytes are exactly those
// protobuf.js would write (test/unit/chunks-encoding.test.ts checks it).
import type * as grpc from '@grpc/grpc-js';
import { varintLength, writeVarint } from '../../src/varint.ts';

/** Scratch kept between messages: a GetChunks message holds at most ~3 MiB of chunks. */
const KEEP_BYTES = 4 << 20;
let scratch: Buffer | undefined;

/**
 * The message's bytes: valid only until the next call (grpc-js copies them
 * before it encodes anything else, see above).
 */
export function encodeChunksResponse(message: { chunks?: readonly Uint8Array[] }): Buffer {
  const chunks = message.chunks ?? [];
  let size = 0;
  for (const c of chunks) size += 1 + varintLength(c.length) + c.length;
  const buf = size <= KEEP_BYTES ? (scratch ??= Buffer.allocUnsafeSlow(KEEP_BYTES)) : Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const c of chunks) {
    buf[at++] = 0x0a; // field 1, length-delimited
    at = writeVarint(buf, at, c.length);
    buf.set(c, at);
    at += c.length;
  }
  return buf.subarray(0, size);
}

/** The service with GetChunks' responses encoded by encodeChunksResponse. */
export function withChunksEncoding(service: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const method = (service as Record<string, grpc.MethodDefinition<unknown, unknown>>).GetChunks;
  if (!method) return service;
  return { ...service, GetChunks: { ...method, responseSerialize: (m: unknown) => encodeChunksResponse(m as { chunks?: Uint8Array[] }) } } as grpc.ServiceDefinition;
}
