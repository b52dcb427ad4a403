// gRPC's message framing on the receiving side, for calls made on Node's
// own HTTP/2 client (raw-stream.ts): each message is a flag byte (0: not
// compressed, as this client asks with grpc-accept-encoding: identity), a
// 4-byte big-endian length, and the message. The body arrives in pieces
// that cut messages anywhere; a message is joined (one copy) only when it
// spans pieces.
import { StrataError } from '../../src/errors/index.ts';

/** The largest message taken, as grpc-js's grpc.max_receive_message_length in transport.ts. */
export const MAX_MESSAGE_BYTES = 64 << 20;

export class GrpcFrameReader {
  private parts: Buffer[] = [];
  private bytes = 0;
  /** The length of the message being read; -1 while its header is not complete. */
  private need = -1;

  /** The messages that `piece` completes, in order. */
  *push(piece: Buffer): Generator<Buffer, void, undefined> {
    if (piece.length === 0) return;
    this.parts.push(piece);
    this.bytes += piece.length;
    for (;;) {
      if (this.need < 0) {
        if (this.bytes < 5) return;
        const head = this.take(5);
        if (head[0] !== 0) throw new StrataError('INTERNAL', 'the server sent a compressed gRPC message, which this client did not ask for');
        this.need = head.readUInt32BE(1);
        if (this.need > MAX_MESSAGE_BYTES) throw new StrataError('RESOURCE_EXHAUSTED', `the server sent a message of ${this.need} bytes, over the ${MAX_MESSAGE_BYTES} this client takes`);
      }
      if (this.bytes < this.need) return;
      const message = this.take(this.need);
      this.need = -1;
      yield message;
    }
  }

  /** True when the body ended between messages (not inside one). */
  get complete(): boolean {
    return this.bytes === 0 && this.need < 0;
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.parts[0]!;
    this.bytes -= n;
    if (first.length >= n) {
      if (first.length === n) this.parts.shift();
      else this.parts[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    for (let off = 0; off < n; ) {
      const p = this.parts[0]!;
      const k = Math.min(p.length, n - off);
      p.copy(out, off, 0, k);
      off += k;
      if (k === p.length) this.parts.shift();
      else this.parts[0] = p.subarray(k);
    }
    return out;
  }
}
