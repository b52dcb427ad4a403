// The bulk connection of a ModifyFile stream: a plain TCP connection that
// carries the bytes of the chunks a put sends, announced one batch at a time
// by `bulk_chunks` messages on the stream (proto/strata/pfs/v1/pfs.proto,
// ModifyFileHeader.bulk). gRPC stays the contract and the path every client
// can take; this one exists because grpc-js's per-message work (a framed
// copy of every message on the client, HTTP/2 frames of 16 KiB joined into
// a fresh buffer on the server) cost more CPU than hashing the bytes. Here
// the client writes its read buffers to the socket as they are, and the
// server hashes and stores the bytes where the socket's reads left them
// (docs/benchmarks.md, api, put side eighth pass).
//
// Integrity and access are unchanged: every chunk is checked against its
// hash before it is stored (storeChunk, as for `chunks`), and a connection
// serves only the stream that offered it. It proves that by sending the
// stream's token (32 random bytes, given in the stream's response headers,
// good for one connection) before anything else, and the server answers
// BULK_ACK; a connection that sends anything else, or nothing within
// TOKEN_TIMEOUT_MS, is closed.
//
// GetChunks calls that ask for it (GetChunksRequest.bulk) are offered a
// connection from the same listener to send chunk bytes the other way
// (bulk-send.ts).
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { StrataError } from '../../src/errors/index.ts';
import { admitPerAddress, type ConnectionGuardEvents } from '../connection-guard.ts';
import type { Logger } from '../log.ts';
import type { RpcMetrics } from '../metrics.ts';
import { readIntoReusedBuffer } from './bulk-reads.ts';

const TOKEN_BYTES = 32;
/** A connection must send its token within this long. */
const TOKEN_TIMEOUT_MS = 10_000;
/** A stream that announced bulk bytes waits this long for its connection to arrive. */
const ATTACH_TIMEOUT_MS = 30_000;
/** Bytes queued ahead of the handler before the socket is paused (TCP flow control then holds the client). */
const QUEUED_BYTES = 4 << 20;
/** The response header naming the port and the token. */
export const BULK_HEADER = 'strata-bulk';
/**
 * The answer to a good token. The client sends no chunk byte before it, so
 * bytes never go to whatever else may listen at that port on the host it
 * called (behind a proxy, another machine's port); without it, it uses gRPC.
 */
export const BULK_ACK = Buffer.from('strata-bulk-ok\n', 'latin1');

function bulkFailure(message: string): StrataError {
  return new StrataError('BAD_STREAM', `ModifyFile bulk connection: ${message}`, {});
}

/** Received bytes are copied into blocks of this size, reused as the handler consumes them. */
const BLOCK_BYTES = 1 << 20;

/**
 * What one stream reads from its bulk connection, in order: `take(n)` gives
 * the next n bytes, as a view that stays valid until the next take.
 */
export class BulkChannel implements BulkEnd {
  private socket: net.Socket | undefined;
  /** Received bytes not yet taken, in order. */
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private failure: StrataError | undefined;
  private wake: (() => void) | undefined;
  private scratch: Buffer = Buffer.alloc(0);
  private paused = false;
  /** With a reused read buffer: the blocks reads are copied into, oldest first, each with the stream offset it ends at. */
  private readonly blocks: { buf: Buffer; end: number }[] = [];
  private readonly freeBlocks: Buffer[] = [];
  private blockUsed = BLOCK_BYTES;
  private received = 0;
  private hooked = false;
  /** Bytes taken so far. */
  consumed = 0;

  constructor(
    private readonly onClose: () => void,
    private readonly metrics: Pick<RpcMetrics, 'bulkBytesIn'>,
  ) {}

  /** The connection that sent this channel's token; `rest` is what it sent after the token. */
  attach(socket: net.Socket, rest: Buffer): void {
    this.socket = socket;
    this.hooked = readIntoReusedBuffer(socket, (bytes) => {
      this.copyIn(bytes);
      return !this.paused;
    });
    if (rest.length > 0) this.copyIn(rest);
    if (!this.hooked) socket.on('data', (data: Buffer) => this.push(data));
    socket.on('end', () => {
      this.ended = true;
      this.poke();
    });
    socket.on('error', (err) => this.fail(bulkFailure(`the connection failed (${err.message})`)));
    socket.on('close', () => {
      this.ended = true;
      this.poke();
    });
    this.poke();
  }

  /** Copies bytes the socket read into its reused buffer into this channel's blocks. */
  private copyIn(bytes: Buffer): void {
    let at = 0;
    while (at < bytes.length) {
      if (this.blockUsed === BLOCK_BYTES) {
        this.blocks.push({ buf: this.freeBlocks.pop() ?? Buffer.allocUnsafe(BLOCK_BYTES), end: this.received });
        this.blockUsed = 0;
      }
      const block = this.blocks[this.blocks.length - 1]!;
      const n = Math.min(bytes.length - at, BLOCK_BYTES - this.blockUsed);
      bytes.copy(block.buf, this.blockUsed, at, at + n);
      this.push(block.buf.subarray(this.blockUsed, this.blockUsed + n));
      this.blockUsed += n;
      this.received += n;
      block.end = this.received;
      at += n;
    }
  }

  /** Blocks whose bytes were all taken before the current take (whose view may still be in use) go back to the free list. */
  private recycle(): void {
    while (this.blocks.length > 1 && this.blocks[0]!.end <= this.consumed) {
      const { buf } = this.blocks.shift()!;
      if (this.freeBlocks.length < 2) this.freeBlocks.push(buf);
    }
  }

  get attached(): boolean {
    return this.socket !== undefined;
  }

  private push(data: Buffer): void {
    this.queue.push(data);
    this.queued += data.length;
    if (this.queued >= QUEUED_BYTES && !this.paused) {
      this.paused = true;
      if (!this.hooked) this.socket?.pause(); // hooked: the read callback's false stops reading
    }
    this.poke();
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    // Hooked, reading was stopped by the read callback; _read starts it again (net.Socket's own way).
    if (this.hooked) (this.socket as unknown as { _read(n: number): void } | undefined)?._read(0);
    else this.socket?.resume();
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private fail(err: StrataError): void {
    this.failure ??= err;
    this.poke();
  }

  /** The next `n` bytes; a view into the socket's buffer or this channel's scratch, valid until the next call. */
  async take(n: number): Promise<Buffer> {
    if (this.hooked) this.recycle();
    while (this.queued < n) {
      if (this.failure) throw this.failure;
      if (this.ended) throw new StrataError('UPLOAD_INCOMPLETE', `ModifyFile bulk connection: closed after ${this.consumed + this.queued} bytes, in the middle of an announced batch; nothing was committed`, { received: this.consumed + this.queued });
      this.resume();
      await this.waitForData();
    }
    this.consumed += n;
    this.queued -= n;
    this.metrics.bulkBytesIn(n);
    const head = this.queue[0]!;
    let out: Buffer;
    if (head.length >= n) {
      out = head.subarray(0, n);
      if (head.length === n) this.queue.shift();
      else this.queue[0] = head.subarray(n);
    } else {
      if (this.scratch.length < n) this.scratch = Buffer.allocUnsafe(Math.max(n, 2 * this.scratch.length));
      out = this.scratch.subarray(0, n);
      let at = 0;
      while (at < n) {
        const b = this.queue[0]!;
        const part = Math.min(b.length, n - at);
        b.copy(out, at, 0, part);
        at += part;
        if (part === b.length) this.queue.shift();
        else this.queue[0] = b.subarray(part);
      }
    }
    if (this.queued < QUEUED_BYTES / 2) this.resume();
    return out;
  }

  private async waitForData(): Promise<void> {
    if (this.socket) {
      await new Promise<void>((r) => (this.wake = r));
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const arrived = await new Promise<boolean>((r) => {
      this.wake = () => r(true);
      timer = setTimeout(() => r(false), ATTACH_TIMEOUT_MS);
    });
    clearTimeout(timer);
    if (!arrived) this.fail(bulkFailure(`bulk_chunks announced, but no connection sent this stream's token within ${ATTACH_TIMEOUT_MS / 1000} s`));
  }

  /** Ends the channel (the stream ended): its connection is closed, its token forgotten. */
  close(): void {
    this.onClose();
    this.socket?.destroy();
    this.fail(bulkFailure('the stream ended'));
  }
}

export interface BulkOffer {
  /** The value of the BULK_HEADER response header. */
  header: string;
  channel: BulkChannel;
}

/** What a token's connection is handed to: a ModifyFile stream's BulkChannel, or a GetChunks call's (bulk-send.ts). */
export interface BulkEnd {
  readonly attached: boolean;
  /** The connection that sent this end's token; `rest` is what it sent after the token. */
  attach(socket: net.Socket, rest: Buffer): void;
  close(): void;
}

/** The listener for bulk connections, beside the gRPC port; one per server. */
export class BulkListener {
  private readonly offers = new Map<string, BulkEnd>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly metrics: Pick<RpcMetrics, 'bulkBytesIn'>,
  ) {}

  /** `maxConnectionsPerAddress`: the cap every port has (server/connection-guard.ts). */
  static async listen(
    address: { host: string; port: number },
    { log, metrics, maxConnectionsPerAddress, onRefused }: { log: Logger; metrics: Pick<RpcMetrics, 'bulkBytesIn'>; maxConnectionsPerAddress: number } & ConnectionGuardEvents,
  ): Promise<BulkListener> {
    const server = net.createServer({ noDelay: true });
    let listener: BulkListener | undefined;
    admitPerAddress(server, maxConnectionsPerAddress, { onRefused }, (socket) => (listener ? listener.accept(socket) : socket.destroy()));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    listener = new BulkListener(server, (server.address() as net.AddressInfo).port, metrics);
    server.on('error', (err) => log.error({ err }, 'bulk listener failed'));
    return listener;
  }

  /** A channel for one stream and the header that tells its client how to reach it. */
  offer(): BulkOffer {
    return this.offerEnd((forget) => new BulkChannel(forget, this.metrics));
  }

  /** An end made by `make` (given what forgets its token) and the header that tells its client how to reach it. */
  offerEnd<T extends BulkEnd>(make: (forget: () => void) => T): { header: string; channel: T } {
    const token = randomBytes(TOKEN_BYTES).toString('hex');
    const channel = make(() => this.offers.delete(token));
    this.offers.set(token, channel);
    return { header: `${this.port} ${token}`, channel };
  }

  private accept(socket: net.Socket): void {
    let got: Buffer[] = [];
    let length = 0;
    const timer = setTimeout(() => socket.destroy(), TOKEN_TIMEOUT_MS);
    socket.on('error', () => socket.destroy());
    const onData = (data: Buffer): void => {
      got.push(data);
      length += data.length;
      if (length < TOKEN_BYTES) return;
      socket.off('data', onData);
      clearTimeout(timer);
      const all = got.length === 1 ? got[0]! : Buffer.concat(got, length);
      got = [];
      const token = all.subarray(0, TOKEN_BYTES).toString('hex');
      const channel = this.offers.get(token);
      if (!channel || channel.attached) {
        socket.destroy();
        return;
      }
      this.offers.delete(token); // good for one connection
      socket.write(BULK_ACK);
      channel.attach(socket, all.subarray(TOKEN_BYTES));
    };
    socket.on('data', onData);
  }

  close(): void {
    this.server.close();
    for (const channel of [...this.offers.values()]) channel.close();
  }
}
