// The bulk connection of a GetChunks call (GetChunksRequest.bulk): the
// chunks' bytes go back to back over a plain TCP connection from the bulk
// listener (bulk.ts), written from the buffers the store read them into,
// and the gRPC call carries no message, only the outcome. Over HTTP/2 the
// same bytes are cut into 16 KiB DATA frames, and Node's client copies
// every socket read into a fresh buffer before its HTTP/2 parser sees it;
// here the client reads them where it wants them, and both sides skip the
// framing (docs/benchmarks.md, api, read side eighth pass).
//
// The client knows every chunk's size from its request, so nothing but the
// bytes is sent. The call's status says how it ended: OK once every byte is
// handed to the kernel; an error (a chunk not stored, one the store finds
// damaged) ends the call with that error and the connection is closed
// early, so the client sees the error, never a short read as data.
import type * as net from 'node:net';
import type { ChunkRun } from '../../src/blocks/chunk-reads.ts';
import type { ReadBufferPool } from '../../src/blocks/read-buffer-pool.ts';
import { StrataError } from '../../src/errors/index.ts';
import type { BulkEnd } from './bulk.ts';
import type { CallContext } from './rpc.ts';

/** How long a call that offered a connection waits for it. */
const ATTACH_TIMEOUT_MS = 30_000;
/** Bytes handed to the socket but not yet to the kernel before the sender waits. */
const MAX_UNWRITTEN_BYTES = 8 << 20;

function broken(detail: string): StrataError {
  return new StrataError('UNAVAILABLE', `GetChunks bulk connection: ${detail}`, {});
}

/** A GetChunks call's end of the listener: the connection that sent its token. */
export class BulkSendEnd implements BulkEnd {
  private socket: net.Socket | undefined;
  private arrived: ((socket: net.Socket) => void) | undefined;

  constructor(private readonly forget: () => void) {}

  get attached(): boolean {
    return this.socket !== undefined;
  }

  attach(socket: net.Socket, rest: Buffer): void {
    // The client sends nothing after its token: anything else is not our client.
    if (rest.length > 0) return void socket.destroy();
    this.socket = socket;
    socket.on('error', () => socket.destroy());
    this.arrived?.(socket);
  }

  /** The connection, once it came; UNAVAILABLE if it does not come in time, CANCELLED if the call ends first. */
  async connection(signal: AbortSignal): Promise<net.Socket> {
    if (this.socket) return this.socket;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      return await new Promise<net.Socket>((resolve, reject) => {
        this.arrived = resolve;
        timer = setTimeout(() => reject(broken(`offered, but no connection sent this call's token within ${ATTACH_TIMEOUT_MS / 1000} s`)), ATTACH_TIMEOUT_MS);
        onAbort = () => reject(new StrataError('CANCELLED', 'GetChunks: the call was cancelled', {}));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
      this.arrived = undefined;
    }
  }

  /** The call ended: the token is forgotten and a connection still open is closed (after what was written, if it ended well). */
  close(): void {
    this.forget();
    const s = this.socket;
    if (s && !s.writableEnded) s.destroy();
  }
}

/** Writes runs of chunks to a bulk connection, each run's buffer back to the pool once the socket has taken its bytes. */
export class BulkChunkSender {
  private wake: (() => void) | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly pool: ReadBufferPool,
    private readonly ctx: CallContext,
  ) {
    const poke = (): void => this.wake?.();
    socket.on('drain', poke).on('close', poke);
  }

  async add(run: ChunkRun): Promise<void> {
    const s = this.socket;
    if (s.destroyed) throw broken('the client closed the connection');
    let bytes = 0;
    s.cork();
    const last = run.chunks.length - 1;
    run.chunks.forEach((chunk, i) => {
      bytes += chunk.length;
      // After a failed write the socket may still point at the bytes: leave that buffer to the collector.
      const done = i === last && run.buffer ? (err?: Error | null) => void (err || this.pool.release(run.buffer!)) : undefined;
      s.write(chunk, done);
    });
    s.uncork();
    this.ctx.countOut(bytes);
    while (s.writableLength > MAX_UNWRITTEN_BYTES && !s.destroyed && !this.ctx.signal.aborted) await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
  }

  /** Every byte handed to the kernel, then the connection's end sent. */
  async end(): Promise<void> {
    const s = this.socket;
    await new Promise<void>((resolve, reject) => {
      if (s.destroyed) return reject(broken('the client closed the connection'));
      s.once('close', () => reject(broken('the client closed the connection')));
      s.end(() => resolve());
    });
  }
}
