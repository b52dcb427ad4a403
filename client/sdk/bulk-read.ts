// The client's end of a GetChunks call's bulk connection (GetChunksRequest.bulk
// in proto/, server/grpc/bulk-send.ts): the chunks' bytes come back to back
// over a plain TCP connection, and the socket reads them straight into
// buffers chosen here (net's `onread`), each sized to hold whole chunks, so
// every chunk lands in one piece where it will stay: no HTTP/2 frames to
// parse, no copy of each socket read into a buffer of Node's own (what its
// HTTP/2 client does), no per-read allocation for the garbage collector to
// count. Each chunk is checked against its hash as its last byte arrives,
// and handed on only once it matched.
import * as net from 'node:net';
import { hashChunk } from '../../src/chunking/hash.ts'; // not index.ts: a read needs no chunker, gear table or hash workers
import { StrataError } from '../../src/errors/index.ts';
import { rawAddress } from './raw-stream.ts';
import type { ChunkRef } from './types.ts';

/** What the server answers to a good token (server/grpc/bulk.ts, BULK_ACK). */
const ACK = Buffer.from('strata-bulk-ok\n', 'latin1');
/** How long connecting and the server's answer may take before the call goes over HTTP/2 instead. */
const CONNECT_TIMEOUT_MS = 3_000;
/** Chunk bytes per receive buffer (a chunk larger than this gets one of its own size). */
const SLAB_BYTES = 1 << 20;
/** Verified bytes waiting for the consumer before the socket stops reading (TCP then holds the server). */
const QUEUED_BYTES = 4 << 20;

/**
 * Verified chunks handed on together (a response message's, or a receive
 * buffer's), each as the pieces it arrived in (over the bulk connection,
 * one piece: a view of the receive buffer).
 */
export type ChunkGroup = Buffer[][];

/**
 * Receive buffers a consumer gives back once done with their chunks (get -o:
 * once written), shared by the calls of one read, so a long read reuses a
 * few MiB of warm memory instead of faulting in fresh pages for every MiB.
 */
export class SlabPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly keep: number) {}

  /** A buffer for `bytes` (a view of a pooled SLAB_BYTES buffer when they fit). */
  take(bytes: number): Buffer {
    if (bytes > SLAB_BYTES) return Buffer.allocUnsafeSlow(bytes);
    return (this.free.pop() ?? Buffer.allocUnsafeSlow(SLAB_BYTES)).subarray(0, bytes);
  }

  give(slab: Buffer): void {
    if (slab.buffer.byteLength === SLAB_BYTES && this.free.length < this.keep) this.free.push(Buffer.from(slab.buffer, 0, SLAB_BYTES));
  }
}

/** The connection broke or ended early: the call's status says why if it failed, else `error` does. */
export class BulkReadBroken extends Error {
  constructor(readonly error: StrataError) {
    super(error.message);
  }
}

/** The connection could not be made or the server did not answer it: nothing was read, the call can go over HTTP/2. */
export class BulkReadNotStarted extends Error {}

function corrupt(ref: ChunkRef, detail: string): StrataError {
  return new StrataError('CHUNK_CORRUPT', `chunk ${ref.hash} as received is corrupt: ${detail}`, { chunk: ref.hash, size: ref.size, received: ref.size });
}

/**
 * Reads `refs`' bytes from the connection a GetChunks call offered
 * (`header`: `PORT TOKEN`), on the host of `address`. Iterate `groups()`.
 */
export class BulkChunkReader {
  private readonly socket: net.Socket;
  private readonly ack = Buffer.alloc(ACK.length);
  private ackHave = 0;
  private acknowledged = false;
  /** The receive buffer being filled: chunks up to slabEnd of refs, `filled` bytes of it so far. */
  private slab: Buffer = Buffer.alloc(0);
  private slabEnd = 0;
  private filled = 0;
  /** Next chunk to complete, and where it starts in the slab. */
  private at = 0;
  private chunkStart = 0;
  /** Verified groups not yet handed on, each with the receive buffer it completes (given back to the pool once the consumer moves past it). */
  private readonly ready: { group: ChunkGroup; completes?: Buffer }[] = [];
  private queued = 0;
  private paused = false;
  private done = false;
  private failure: StrataError | undefined;
  private wake: (() => void) | undefined;

  private constructor(
    host: string,
    port: number,
    token: Buffer,
    private readonly refs: readonly ChunkRef[],
    private readonly pool: SlabPool | undefined,
  ) {
    this.socket = net.connect({
      host,
      port,
      noDelay: true,
      onread: { buffer: () => this.nextBuffer(), callback: (n: number) => this.received(n) },
    });
    this.socket.on('error', (err) => this.fail(new StrataError('UNAVAILABLE', `the bulk connection broke during a read: ${err.message}`, {}, { cause: err })));
    this.socket.on('end', () => this.ended());
    this.socket.on('close', () => this.ended());
    this.socket.write(token);
  }

  /**
   * A reader for the offer in `header`, or undefined when it names nothing
   * this client can reach. With `pool`, the consumer is done with a group's
   * bytes once it asks for the next, and receive buffers are used again.
   */
  static open(address: string, header: string, refs: readonly ChunkRef[], pool?: SlabPool): BulkChunkReader | undefined {
    const m = /^(\d{1,5}) ([0-9a-f]{64})$/.exec(header);
    const target = rawAddress(address);
    if (!m || !target) return undefined;
    return new BulkChunkReader(target.host.replace(/^\[(.*)\]$/, '$1'), Number(m[1]), Buffer.from(m[2]!, 'hex'), refs, pool);
  }

  /** Where the socket's next read goes: the rest of the answer, then the rest of the current receive buffer. */
  private nextBuffer(): Uint8Array {
    if (!this.acknowledged) return this.ack.subarray(this.ackHave);
    if (this.filled === this.slab.length) this.newSlab();
    return this.slab.subarray(this.filled);
  }

  /** A receive buffer for the next chunks: as many whole chunks as fit SLAB_BYTES (at least one). */
  private newSlab(): void {
    let end = this.at;
    let bytes = 0;
    while (end < this.refs.length && (end === this.at || bytes + this.refs[end]!.size <= SLAB_BYTES)) bytes += this.refs[end++]!.size;
    // Past the last chunk: a small buffer to catch what a faulty server sends beyond it.
    this.slab = bytes === 0 ? Buffer.allocUnsafe(1) : this.pool ? this.pool.take(bytes) : Buffer.allocUnsafeSlow(bytes);
    this.slabEnd = end;
    this.filled = 0;
    this.chunkStart = 0;
  }

  /** `n` bytes arrived where nextBuffer() said; false pauses reading. */
  private received(n: number): boolean {
    if (this.done) return false;
    if (!this.acknowledged) {
      this.ackHave += n;
      if (this.ackHave < ACK.length) return true;
      if (!this.ack.equals(ACK)) return this.fail(new StrataError('UNAVAILABLE', 'the bulk connection did not answer as a Strata server', {})), false;
      this.acknowledged = true;
      this.poke();
      return true;
    }
    if (this.at >= this.refs.length) return this.fail(new StrataError('CHUNK_CORRUPT', `GetChunks sent more than the ${this.refs.length} chunks asked for`, { asked: this.refs.length })), false;
    this.filled += n;
    const group: Buffer[][] = [];
    let bytes = 0;
    for (;;) {
      const ref = this.refs[this.at];
      if (!ref || this.at >= this.slabEnd || this.filled - this.chunkStart < ref.size) break;
      const chunk = this.slab.subarray(this.chunkStart, this.chunkStart + ref.size);
      if (hashChunk(chunk).toString('hex') !== ref.hash) return this.fail(corrupt(ref, 'its bytes do not match its hash')), false;
      group.push([chunk]);
      bytes += ref.size;
      this.chunkStart += ref.size;
      this.at++;
    }
    if (group.length > 0) {
      this.ready.push({ group, completes: this.at === this.slabEnd ? this.slab : undefined });
      this.queued += bytes;
      this.poke();
    }
    if (this.queued >= QUEUED_BYTES) this.paused = true;
    return !this.paused;
  }

  private ended(): void {
    if (this.done) return;
    if (this.at < this.refs.length) this.fail(new StrataError('UNAVAILABLE', `the bulk connection ended after ${this.at} of the ${this.refs.length} chunks asked for`, {}));
    else this.poke();
  }

  private fail(err: StrataError): void {
    this.failure ??= err;
    this.socket.destroy();
    this.poke();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async waitForAny(): Promise<void> {
    await new Promise<void>((r) => (this.wake = r));
  }

  /**
   * Resolves once the server answered the token; rejects with
   * BulkReadNotStarted when it did not (refused, closed, timed out), and
   * nothing was read.
   */
  async started(): Promise<void> {
    const timer = setTimeout(() => this.fail(new StrataError('UNAVAILABLE', `no answer on the bulk connection within ${CONNECT_TIMEOUT_MS} ms`, {})), CONNECT_TIMEOUT_MS);
    try {
      while (!this.acknowledged && !this.failure) await this.waitForAny();
    } finally {
      clearTimeout(timer);
    }
    if (!this.acknowledged) throw new BulkReadNotStarted(this.failure!.message);
  }

  /** The verified chunks, in order, a receive buffer's worth at a time. Throws BulkReadBroken if the connection fails or ends early. */
  async *groups(): AsyncGenerator<ChunkGroup, void, undefined> {
    try {
      for (;;) {
        const next = this.ready.shift();
        if (next) {
          for (const c of next.group) this.queued -= c[0]!.length;
          if (this.paused && this.queued < QUEUED_BYTES / 2) {
            this.paused = false;
            this.socket.resume();
          }
          yield next.group;
          if (next.completes) this.pool?.give(next.completes);
          continue;
        }
        if (this.failure) throw new BulkReadBroken(this.failure);
        if (this.at >= this.refs.length) return;
        await this.waitForAny();
      }
    } finally {
      this.close();
    }
  }

  close(): void {
    this.done = true;
    this.socket.destroy();
  }
}
