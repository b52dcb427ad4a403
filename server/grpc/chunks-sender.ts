// Sending GetChunks' answer: verified chunks, in order, grouped into
// messages of up to SEND_CHUNK_BYTES of whole chunks. Where the call allows
// (framed-writer.ts) a message goes out as the pieces it is made of, its
// chunks sent from the pooled buffers the store read them into, no byte
// copied; elsewhere through grpc-js (chunks-encoding.ts). Either way a run's
// buffer goes back to the pool only once the message holding its last chunk
// has left, and at most MAX_UNWRITTEN_BYTES wait to leave: memory per call
// stays bounded whatever the client's pace.
import type { ChunkRun } from '../../src/blocks/chunk-reads.ts';
import type { ReadBufferPool } from '../../src/blocks/read-buffer-pool.ts';
import { varintLength, writeVarint } from '../../src/varint.ts';
import { SEND_CHUNK_BYTES } from './limits.ts';
import type { CallContext, StreamSend } from './rpc.ts';

/** Bytes sent but not yet taken by the socket before the sender waits: two messages. */
export const MAX_UNWRITTEN_BYTES = 2 * SEND_CHUNK_BYTES;

/** Field 1, wire type 2: a chunk of GetChunksResponse. */
const CHUNK_TAG = 0x0a;

/**
 * One gRPC message (`GetChunksResponse { repeated bytes chunks = 1 }`) as
 * pieces: the prefix and each chunk's field header in one small buffer,
 * between views of the chunks themselves. The same bytes encodeChunksResponse writes.
 */
export function chunkMessagePieces(chunks: readonly Uint8Array[]): Uint8Array[] {
  let headers = 5;
  let body = 0;
  for (const c of chunks) {
    const h = 1 + varintLength(c.length);
    headers += h;
    body += h + c.length;
  }
  const head = Buffer.allocUnsafe(headers);
  head[0] = 0; // not compressed
  head.writeUInt32BE(body, 1);
  const pieces: Uint8Array[] = [];
  let from = 0;
  let at = 5;
  for (const c of chunks) {
    head[at++] = CHUNK_TAG;
    at = writeVarint(head, at, c.length);
    pieces.push(head.subarray(from, at), c);
    from = at;
  }
  if (chunks.length === 0) pieces.push(head);
  return pieces;
}

export class ChunkSender {
  private batch: Buffer[] = [];
  private bytes = 0;
  /** Buffers whose runs end in the current batch: free once it has left. */
  private toRelease: Uint8Array[] = [];
  private unwritten = 0;
  private wake: (() => void) | undefined;

  constructor(
    private readonly send: StreamSend<{ chunks: Buffer[] }>,
    private readonly pool: ReadBufferPool,
    private readonly ctx: CallContext,
  ) {}

  async add(run: ChunkRun): Promise<void> {
    for (const chunk of run.chunks) {
      if (this.batch.length > 0 && this.bytes + chunk.length > SEND_CHUNK_BYTES) await this.flush();
      this.batch.push(chunk);
      this.bytes += chunk.length;
    }
    if (run.buffer) this.toRelease.push(run.buffer);
  }

  /** Sends what is left. */
  async end(): Promise<void> {
    if (this.batch.length > 0) await this.flush();
  }

  private async flush(): Promise<void> {
    const chunks = this.batch;
    const bytes = this.bytes;
    const release = this.toRelease;
    this.batch = [];
    this.bytes = 0;
    this.toRelease = [];
    this.unwritten += bytes;
    const written = (err?: Error | null): void => {
      this.unwritten -= bytes;
      // After a failed write the stream may still point at the bytes: leave those buffers to the collector.
      if (!err) for (const b of release) this.pool.release(b);
      this.wake?.();
    };
    if (this.send.framed) this.send.framed.write(chunkMessagePieces(chunks), written);
    else await this.send({ chunks }, written);
    this.ctx.countOut(bytes);
    while (this.unwritten > MAX_UNWRITTEN_BYTES && !this.ctx.signal.aborted) await this.waitWritten();
  }

  private waitWritten(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.wake = undefined;
        this.ctx.signal.removeEventListener('abort', done);
        resolve();
      };
      this.wake = done;
      this.ctx.signal.addEventListener('abort', done, { once: true });
    });
  }
}
