// One GetChunks call, made the cheapest way the connection allows: over
// the bulk connection the server offers (bulk-read.ts), over Node's HTTP/2
// client with the body parsed where it lies (raw-stream.ts,
// chunk-frames.ts), or through grpc-js. Every way, each chunk is checked
// against the hash it was asked by before it is handed on, so a server (or
// anything between) can never hand over wrong bytes: a mismatch is
// CHUNK_CORRUPT (DataLoss).
import { createHash } from 'node:crypto';
import { hashChunk } from '../../src/chunking/hash.ts'; // not index.ts: a read needs no chunker, gear table or hash workers
import { StrataError } from '../../src/errors/index.ts';
import { BULK_HEADER, canOpenBulk } from './bulk-connection.ts';
import { BulkChunkReader, BulkReadBroken, BulkReadNotStarted, type ChunkGroup, type SlabPool } from './bulk-read.ts';
import { ChunkFrameParser } from './chunk-frames.ts';
import { RawCallNotStarted } from './raw-stream.ts';
import type { CallOptions, Transport } from './transport.ts';
import type { ChunkRef } from './types.ts';

/**
 * Calls for fewer bytes stay on the HTTP/2 connection already open: a bulk
 * connection costs a connect and a round trip before its first byte, more
 * than it saves on a few small chunks (a mount's small files, a chunk read
 * on demand).
 */
const BULK_MIN_BYTES = 1 << 20;
/** How long a call whose bulk connection broke is given to say why, before the broken connection is the error. */
const STATUS_WAIT_MS = 5_000;

export type { ChunkGroup } from './bulk-read.ts';

/** A GetChunks request as this reader makes it. */
export interface GetChunksAsk {
  hashes: string[];
  file: string;
  files: string[];
  clientVerifies: boolean;
  bulk: boolean;
}

/** Options of a read by chunk. */
export interface ChunkReadOptions extends CallOptions {
  /**
   * The file the chunks belong to (`repo@<commit id>:/path`); the server
   * needs it when auth is on (a hash alone is not proof of access).
   */
  file?: string;
  /** More files the chunks belong to, besides `file` (the chunks of several files read in one call). */
  files?: string[];
  /**
   * The caller is done with a group's bytes once it asks for the next (it
   * writes them out and keeps no view of them): receive buffers are then used
   * again for later chunks. Never for a caller that keeps chunks.
   */
  reuseBuffers?: boolean;
}

/** ChunkReadOptions as the calls of one read share them. */
export interface ChunkCallOptions extends ChunkReadOptions {
  /** The read's receive buffers to reuse (reuseBuffers). */
  slabs?: SlabPool;
}

function corrupt(ref: ChunkRef, got: number, detail: string): StrataError {
  return new StrataError('CHUNK_CORRUPT', `chunk ${ref.hash} as received is corrupt: ${detail}`, { chunk: ref.hash, size: ref.size, received: got });
}

function tooMany(refs: readonly ChunkRef[]): StrataError {
  return new StrataError('CHUNK_CORRUPT', `GetChunks sent more chunks than the ${refs.length} asked for`, { asked: refs.length });
}

function endedEarly(refs: readonly ChunkRef[], at: number): StrataError {
  return new StrataError('CHUNK_CORRUPT', `GetChunks ended after ${at} of the ${refs.length} chunks asked for`, { asked: refs.length, received: at });
}

/** Transports whose bulk connection could not be made once: their reads stay on HTTP/2. */
const bulkRefused = new WeakSet<Transport>();

/** Whether a read over this transport asks for a bulk connection (no TLS, an address it can connect to itself). */
function asksBulk(transport: Transport): boolean {
  return !bulkRefused.has(transport) && canOpenBulk(transport.options);
}

/**
 * One GetChunks call over Node's HTTP/2 client (raw-stream.ts). When the
 * server offers a bulk connection (bulk-read.ts) the bytes come over it;
 * otherwise the body is parsed where it lies (chunk-frames.ts), each chunk
 * hashed piece by piece as it arrives. Either way a chunk is handed on only
 * once it matched its hash, and no message is assembled.
 */
async function* rawCall(transport: Transport, refs: readonly ChunkRef[], request: GetChunksAsk, opts: ChunkCallOptions): AsyncGenerator<ChunkGroup, void, undefined> {
  const channel = transport.rawChannel()!;
  const { path, serialize } = transport.methodOf('GetChunks');
  const deadline = opts.deadlineMs ? Date.now() + opts.deadlineMs : undefined;
  // Cancels the call when this reader leaves it early (the caller's signal does too).
  const cancel = new AbortController();
  const onAbort = (): void => cancel.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) cancel.abort();
  let offer: string | undefined;
  let responded: () => void = () => undefined;
  const response = new Promise<void>((resolve) => (responded = resolve));
  const body = channel.call(path, serialize(request), {
    deadline,
    signal: cancel.signal,
    onResponse(headers) {
      const h = headers[BULK_HEADER];
      if (request.bulk && typeof h === 'string') offer = h;
      responded();
    },
  });
  let finished = false;
  try {
    const next = body.next();
    next.catch(() => undefined); // awaited below
    let first: IteratorResult<Buffer[], void>;
    try {
      await Promise.race([response, next]);
      const reader = offer === undefined ? undefined : BulkChunkReader.open(transport.options.address, offer, refs, opts.slabs);
      if (reader) {
        if (yield* bulkCall(reader, next)) {
          finished = true;
          return;
        }
        // The connection could not be made: this call is cancelled and made again over HTTP/2, as every later one.
        bulkRefused.add(transport);
        cancel.abort();
        yield* rawCall(transport, refs, { ...request, bulk: false }, opts);
        finished = true;
        return;
      }
      first = await next;
    } catch (err) {
      if (!(err instanceof RawCallNotStarted)) throw err;
      // Nothing was read: grpc-js makes this call (and every later one), with its retries.
      transport.rawChannelFailed();
      yield* grpcCall(transport, refs, request, opts);
      finished = true;
      return;
    }
    yield* parsedCall(refs, first, body);
    finished = true;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (!finished) cancel.abort();
    void body.return(undefined).catch(() => undefined);
  }
}

/**
 * The chunks of a call whose server sends them over a bulk connection;
 * `status` is the call's first step (it ends when the call does, with no
 * message). False, having read nothing, when the connection could not be made.
 */
async function* bulkCall(reader: BulkChunkReader, status: Promise<IteratorResult<Buffer[], void>>): AsyncGenerator<ChunkGroup, boolean, undefined> {
  try {
    try {
      await reader.started();
    } catch (err) {
      if (err instanceof BulkReadNotStarted) return false;
      throw err;
    }
    try {
      yield* reader.groups();
    } catch (err) {
      if (!(err instanceof BulkReadBroken)) throw err;
      // The call's own error (a chunk not stored, ...) says more than a connection that ended early.
      const outcome = await Promise.race([status.then(() => undefined, (e: unknown) => e), new Promise((r) => setTimeout(r, STATUS_WAIT_MS).unref())]);
      throw outcome ?? err.error;
    }
    const end = await status;
    if (!end.done) throw new StrataError('BAD_STREAM', 'GetChunks sent messages on a call whose bytes went over its bulk connection', {});
    return true;
  } finally {
    reader.close();
  }
}

/** The chunks of a call whose body carries them (GetChunksResponse messages), `first` its first step. */
async function* parsedCall(refs: readonly ChunkRef[], first: IteratorResult<Buffer[], void>, body: AsyncGenerator<Buffer[], void, undefined>): AsyncGenerator<ChunkGroup, void, undefined> {
  let at = 0;
  let got = 0;
  let hash = createHash('sha256');
  let pieces: Buffer[] = [];
  let verified: ChunkGroup = [];
  const ready: ChunkGroup[] = [];
  const parser = new ChunkFrameParser({
    piece(bytes) {
      const ref = refs[at];
      if (!ref) throw tooMany(refs);
      got += bytes.length;
      if (got > ref.size) throw corrupt(ref, got, `more than its ${ref.size} bytes`);
      hash.update(bytes);
      pieces.push(bytes);
    },
    chunkEnd() {
      const ref = refs[at];
      if (!ref) throw tooMany(refs);
      if (got !== ref.size) throw corrupt(ref, got, `${got} bytes instead of ${ref.size}`);
      if (hash.digest('hex') !== ref.hash) throw corrupt(ref, got, 'its bytes do not match its hash');
      verified.push(pieces);
      pieces = [];
      got = 0;
      hash = createHash('sha256');
      at++;
    },
    messageEnd() {
      if (verified.length > 0) ready.push(verified);
      verified = [];
    },
  });
  for (let r = first; !r.done; r = await body.next()) {
    for (const data of r.value) parser.feed(data);
    while (ready.length > 0) yield ready.shift()!;
  }
  parser.end();
  if (at < refs.length) throw endedEarly(refs, at);
}

/** One GetChunks call through grpc-js, each chunk checked against its hash. */
async function* grpcCall(transport: Transport, refs: readonly ChunkRef[], request: GetChunksAsk, opts: ChunkReadOptions): AsyncGenerator<ChunkGroup, void, undefined> {
  let at = 0;
  for await (const message of transport.serverStream('GetChunks', request, { ...opts, idempotent: true })) {
    const group: ChunkGroup = [];
    for (const data of message.chunks as Buffer[]) {
      const ref = refs[at];
      if (!ref) throw tooMany(refs);
      if (data.length !== ref.size) throw corrupt(ref, data.length, `${data.length} bytes instead of ${ref.size}`);
      if (hashChunk(data).toString('hex') !== ref.hash) throw corrupt(ref, data.length, 'its bytes do not match its hash');
      group.push([data]);
      at++;
    }
    if (group.length > 0) yield group;
  }
  if (at < refs.length) throw endedEarly(refs, at);
}

/** One GetChunks call, each chunk checked against its hash; `bulk` is set here when the transport may take a bulk connection. */
export function chunkCall(transport: Transport, refs: readonly ChunkRef[], request: Omit<GetChunksAsk, 'bulk'>, opts: ChunkCallOptions): AsyncGenerator<ChunkGroup, void, undefined> {
  // Over grpc-js no response headers are seen here: no bulk connection.
  if (transport.rawChannel() === null) return grpcCall(transport, refs, { ...request, bulk: false }, opts);
  let bytes = 0;
  for (const r of refs) bytes += r.size;
  return rawCall(transport, refs, { ...request, bulk: bytes >= BULK_MIN_BYTES && asksBulk(transport) }, opts);
}
