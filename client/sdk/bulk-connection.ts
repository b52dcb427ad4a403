// The client's end of a ModifyFile stream's bulk connection (see
// server/grpc/bulk.ts and ModifyFileHeader.bulk in proto/): chunk bytes go
// over a plain TCP connection, written from the caller's buffers as they
// are, and each batch is announced on the gRPC stream by a `bulk_chunks`
// message. Through grpc-js the same bytes were copied into a fresh framed
// buffer per message and cut into 16 KiB HTTP/2 frames, which cost the CLI
// more CPU than hashing them.
//
// Only offered where gRPC runs without TLS (the connection is not
// encrypted); the server names the port and a one-time token in the
// stream's response headers. If the connection cannot be made, the session
// sends `chunks` messages over gRPC instead.
import * as net from 'node:net';
import { StrataError } from '../../src/errors/index.ts';
import { rawAddress } from './raw-stream.ts';

/** The response header of an accepted ModifyFile stream that offers a bulk connection. */
export const BULK_HEADER = 'strata-bulk';
const FRAME_HEADER_BYTES = 36;
/** How long connecting may take before the session falls back to gRPC. */
const CONNECT_TIMEOUT_MS = 3_000;
/** What the server answers to a good token (server/grpc/bulk.ts, BULK_ACK). */
const ACK = Buffer.from('strata-bulk-ok\n', 'latin1');

export interface BulkChunk {
  /** 64 hex characters. */
  hash: string;
  data: Uint8Array;
}

function broken(detail: string, cause?: unknown): StrataError {
  return new StrataError('UNAVAILABLE', `the bulk connection to the server broke during a put: ${detail}`, {}, cause === undefined ? undefined : { cause });
}

/** Whether a session over this transport may ask for a bulk connection: no TLS, and an address it can connect to itself. */
export function canOpenBulk(options: { address: string; tls?: unknown; channelOptions?: object }): boolean {
  // A TLS name override or authority means the address is not the server's own name: leave it to grpc-js.
  const custom = Object.keys(options.channelOptions ?? {}).some((k) => k === 'grpc.ssl_target_name_override' || k === 'grpc.default_authority');
  return options.tls === undefined && !custom && rawAddress(options.address) !== undefined;
}

export class BulkConnection {
  private failure: StrataError | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('error', (err) => (this.failure ??= broken(err.message, err)));
    socket.on('close', () => (this.failure ??= broken('closed by the server')));
  }

  /**
   * Connects as the header offers: the port it names on the host of
   * `address` (the gRPC address the session called). Undefined when the
   * offer cannot be taken up here, and the session uses gRPC.
   */
  static async open(address: string, header: string | undefined): Promise<BulkConnection | undefined> {
    const m = header === undefined ? null : /^(\d{1,5}) ([0-9a-f]{64})$/.exec(header);
    const target = rawAddress(address);
    if (!m || !target) return undefined;
    const host = target.host.replace(/^\[(.*)\]$/, '$1');
    const socket = net.connect({ host, port: Number(m[1]), noDelay: true });
    socket.on('error', () => undefined); // a refused or cut connection: gRPC instead
    socket.write(Buffer.from(m[2]!, 'hex'));
    // The server's answer proves the other end is the server that made the offer: only then do chunk bytes go there.
    const acknowledged = await new Promise<boolean>((resolve) => {
      let got = Buffer.alloc(0);
      const timer = setTimeout(() => finish(false), CONNECT_TIMEOUT_MS);
      const onData = (data: Buffer): void => {
        got = Buffer.concat([got, data]);
        if (got.length >= ACK.length) finish(got.equals(ACK));
      };
      const onEnd = (): void => finish(false);
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('close', onEnd);
        socket.off('end', onEnd);
        resolve(ok);
      };
      socket.on('data', onData);
      socket.once('close', onEnd);
      socket.once('end', onEnd);
    });
    if (!acknowledged) {
      socket.destroy();
      return undefined;
    }
    socket.pause(); // nothing more comes: the server only reads
    return new BulkConnection(socket);
  }

  /**
   * Writes one batch's frames (see the BulkChunks message); resolves with
   * what the `bulk_chunks` message announcing them must say, once the
   * socket can take more. `onWritten` runs once the kernel has every byte
   * (the chunks' buffers may then be reused).
   */
  async write(chunks: readonly BulkChunk[], onWritten: () => void): Promise<{ count: number; bytes: number }> {
    if (this.failure) throw this.failure;
    const headers = Buffer.allocUnsafe(FRAME_HEADER_BYTES * chunks.length);
    let bytes = 0;
    this.socket.cork();
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!;
      const header = headers.subarray(i * FRAME_HEADER_BYTES, (i + 1) * FRAME_HEADER_BYTES);
      header.write(c.hash, 0, 32, 'hex');
      header.writeUInt32BE(c.data.length, 32);
      this.socket.write(header);
      // Written by reference: the caller keeps the bytes until onWritten.
      if (i === chunks.length - 1) this.socket.write(c.data, () => onWritten());
      else this.socket.write(c.data);
      bytes += FRAME_HEADER_BYTES + c.data.length;
    }
    this.socket.uncork();
    if (this.socket.writableNeedDrain) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.socket.off('drain', done);
          this.socket.off('close', done);
          resolve();
        };
        this.socket.on('drain', done);
        this.socket.on('close', done);
      });
    }
    if (this.failure) throw this.failure;
    return { count: chunks.length, bytes };
  }

  /** Done (the stream finished or failed): the server closes its end with the stream. */
  close(): void {
    this.failure ??= broken('closed');
    this.socket.destroy();
  }
}
