// Bulk bytes of a server-streaming call written straight to its HTTP/2
// stream, past grpc-js's message pipeline. grpc-js frames every response by
// copying the encoded message into a fresh buffer of its own (a MiB-sized
// allocation per GetChunks message): in a profile of the server during
// `strata get`, that copy, the copy into the encoded message before it and
// the garbage collections the fresh buffers forced were the largest costs
// after SHA-256. Written here, a message is the pieces it is made of (its
// 5-byte gRPC prefix and field headers, and views of the chunks where the
// store read them): Node's HTTP/2 sends each piece from where it lies, and
// says when the socket has taken it, so the buffers under it can be reused.
//
// The wire is unchanged (same framing; headers, status and trailers still
// come from grpc-js, which ends the call as for any other). Only the
// stream's write side is used, and only where the call object is the one
// this grpc-js version makes (test/integration/framed-writer.test.ts fails
// if an upgrade changes that); elsewhere the caller sends through grpc-js.
import type { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';

export interface FramedWriter {
  /**
   * Writes pieces that together are whole gRPC messages (length prefixes
   * included). `onWritten` runs once the socket has taken the last piece
   * (with an error if the stream went away first); until then the pieces
   * must not change.
   */
  write(pieces: readonly Uint8Array[], onWritten: (err?: Error | null) => void): void;
}

type Http2StreamLike = Writable & { respond(...args: unknown[]): void };

function isHttp2Stream(s: unknown): s is Http2StreamLike {
  const o = s as Partial<Http2StreamLike> | null;
  return typeof o === 'object' && o !== null && typeof o.write === 'function' && typeof o.cork === 'function' && typeof o.respond === 'function';
}

/**
 * The framed writer of a grpc-js server-streaming call, or undefined when its
 * HTTP/2 stream cannot be reached (server interceptors, another grpc-js).
 */
export function framedWriterOf(call: grpc.ServerWritableStream<unknown, unknown>): FramedWriter | undefined {
  // grpc-js's ServerWritableStreamImpl holds the call it writes through; with no server interceptors that
  // is its BaseServerInterceptingCall, which holds the HTTP/2 stream.
  const stream = (call as unknown as { call?: { stream?: unknown } }).call?.stream;
  if (!isHttp2Stream(stream)) return undefined;
  let started = false;
  return {
    write(pieces, onWritten) {
      if (!started) {
        started = true;
        call.sendMetadata(new grpc.Metadata()); // the response headers, once (grpc-js sends nothing twice)
      }
      if (pieces.length === 0) {
        queueMicrotask(() => onWritten());
        return;
      }
      stream.cork();
      const last = pieces.length - 1;
      for (let i = 0; i < last; i++) stream.write(pieces[i]);
      stream.write(pieces[last], onWritten);
      stream.uncork();
    },
  };
}
