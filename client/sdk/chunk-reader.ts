// Reading by chunk: a file's chunk list (InspectFile with include_chunks)
// is asked for in GetChunks calls of a bounded size, several calls running
// ahead of the consumer (each fills while the one before is read), and each
// chunk is checked here against the hash it was asked by, so a server (or
// anything between) can never hand over wrong bytes: a mismatch is
// CHUNK_CORRUPT (DataLoss).
import { createHash } from 'node:crypto';
import { hashChunk } from '../../src/chunking/index.ts';
import { StrataError } from '../../src/errors/index.ts';
import { ChunkFrameParser } from './chunk-frames.ts';
import { RawCallNotStarted } from './raw-stream.ts';
import type { CallOptions, Transport } from './transport.ts';
import type { ChunkRef } from './types.ts';

/** Bytes asked for per GetChunks call. */
const CALL_BYTES = 16 << 20;
/** The server's limit of hashes per call. */
const CALL_HASHES = 4096;
/** Calls running at once: the one being read and the ones filling behind it. */
const CALLS_AHEAD = 3;

/** The verified chunks of one response message: each chunk as the pieces it arrived in. */
type ChunkGroup = Buffer[][];

interface Call {
  groups: AsyncGenerator<ChunkGroup, void, undefined>;
  first: Promise<IteratorResult<ChunkGroup, void>>;
}

/** Splits the chunk list into the calls that ask for it. */
function* callsOf(refs: readonly ChunkRef[]): Generator<ChunkRef[]> {
  let part: ChunkRef[] = [];
  let bytes = 0;
  for (const r of refs) {
    if (part.length > 0 && (bytes + r.size > CALL_BYTES || part.length >= CALL_HASHES)) {
      yield part;
      part = [];
      bytes = 0;
    }
    part.push(r);
    bytes += r.size;
  }
  if (part.length > 0) yield part;
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

/** Options of a read by chunk. */
export interface ChunkReadOptions extends CallOptions {
  /**
   * The file the chunks belong to (`repo@<commit id>:/path`); the server
   * needs it when auth is on (a hash alone is not proof of access).
   */
  file?: string;
  /** More files the chunks belong to, besides `file` (the chunks of several files read in one call). */
  files?: string[];
}

/**
 * One GetChunks call over Node's HTTP/2 client (raw-stream.ts): the body is
 * parsed where it lies (chunk-frames.ts), each chunk hashed piece by piece as
 * it arrives, and a message's chunks handed on only once every one of them
 * matched its hash. No message is assembled, and no byte is copied here.
 */
async function* rawCall(transport: Transport, refs: readonly ChunkRef[], request: object, opts: ChunkReadOptions): AsyncGenerator<ChunkGroup, void, undefined> {
  const channel = transport.rawChannel()!;
  const { path, serialize } = transport.methodOf('GetChunks');
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
  const deadline = opts.deadlineMs ? Date.now() + opts.deadlineMs : undefined;
  let started = false;
  try {
    for await (const batch of channel.call(path, serialize(request), { deadline, signal: opts.signal })) {
      started = true;
      for (const data of batch) parser.feed(data);
      while (ready.length > 0) yield ready.shift()!;
    }
  } catch (err) {
    if (!(err instanceof RawCallNotStarted) || started) throw err;
    // Nothing was read: grpc-js makes this call (and every later one), with its retries.
    transport.rawChannelFailed();
    yield* grpcCall(transport, refs, request, opts);
    return;
  }
  parser.end();
  if (at < refs.length) throw endedEarly(refs, at);
}

/** One GetChunks call through grpc-js, each chunk checked against its hash. */
async function* grpcCall(transport: Transport, refs: readonly ChunkRef[], request: object, opts: ChunkReadOptions): AsyncGenerator<ChunkGroup, void, undefined> {
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

/**
 * The verified chunks of `refs`, in order, as the messages brought them (a
 * few MiB of whole chunks each; a chunk as the pieces it arrived in), the
 * calls running ahead of the consumer. Leaving the loop early cancels the
 * calls in flight.
 */
export async function* readChunkPieces(transport: Transport, refs: readonly ChunkRef[], opts: ChunkReadOptions = {}): AsyncGenerator<ChunkGroup, void, undefined> {
  const file = opts.file ?? '';
  const files = opts.files ?? [];
  const plan = callsOf(refs);
  const running: Call[] = [];
  const start = (): void => {
    while (running.length < CALLS_AHEAD) {
      const next = plan.next();
      if (next.done) return;
      // Every chunk is checked here (rawCall, grpcCall), so the server need not hash it too.
      const request = { hashes: next.value.map((r) => r.hash), file, files, clientVerifies: true };
      const groups = transport.rawChannel() ? rawCall(transport, next.value, request, opts) : grpcCall(transport, next.value, request, opts);
      const first = groups.next();
      first.catch(() => undefined); // surfaced when this call's turn comes
      running.push({ groups, first });
    }
  };
  try {
    start();
    while (running.length > 0) {
      const call = running[0]!;
      for (let r = await call.first; !r.done; r = await call.groups.next()) yield r.value;
      running.shift();
      start();
    }
  } finally {
    for (const c of running) void c.groups.return(undefined).catch(() => undefined);
  }
}

/**
 * A chunk's pieces as one buffer of its own (not a slice of a shared pool,
 * so holding it holds nothing else): a lone piece that already owns its
 * whole memory as it is, otherwise one copy into one allocation.
 */
export function ownCopy(pieces: readonly Buffer[]): Buffer {
  if (pieces.length === 1 && pieces[0]!.byteOffset === 0 && pieces[0]!.byteLength === pieces[0]!.buffer.byteLength) return pieces[0]!;
  let size = 0;
  for (const p of pieces) size += p.length;
  const out = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const p of pieces) at += p.copy(out, at);
  return out;
}

/**
 * The verified bytes of `refs`, in order, one Buffer per chunk. Leaving the
 * loop early cancels the calls in flight. A chunk that came in one piece is
 * a view of the received buffer, so keeping it keeps that buffer alive: a
 * caller that keeps chunks (a cache) asks for `owned`, and each chunk is
 * then a buffer of its own, its pieces copied in once.
 */
export async function* readChunkRefs(transport: Transport, refs: readonly ChunkRef[], opts: ChunkReadOptions & { owned?: boolean } = {}): AsyncGenerator<Buffer, void, undefined> {
  for await (const group of readChunkPieces(transport, refs, opts)) {
    for (const pieces of group) yield opts.owned ? ownCopy(pieces) : pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  }
}

/**
 * The verified chunks of `refs`, in order, each as the pieces it arrived in:
 * views of the buffers received, no byte copied (a caller that keeps a
 * chunk keeps those buffers, which hold little besides chunk bytes).
 */
export async function* readChunkPieceLists(transport: Transport, refs: readonly ChunkRef[], opts: ChunkReadOptions = {}): AsyncGenerator<Buffer[], void, undefined> {
  for await (const group of readChunkPieces(transport, refs, opts)) yield* group;
}

/**
 * The verified bytes of `refs`, in order, as the messages brought them (a
 * few MiB of whole chunks each, as pieces: chunk boundaries are not kept),
 * so a writer can hand each group to one writev. Leaving the loop early
 * cancels the calls in flight.
 */
export async function* readChunkGroups(transport: Transport, refs: readonly ChunkRef[], opts: ChunkReadOptions = {}): AsyncGenerator<Buffer[], void, undefined> {
  for await (const group of readChunkPieces(transport, refs, opts)) yield group.flat();
}

/** The chunks that hold bytes [offset, offset + length) of a file, and how much of the first to skip. */
export function chunkSpan(refs: readonly ChunkRef[], offset: number, length: number | undefined): { refs: ChunkRef[]; skip: number; take: number } {
  const size = refs.reduce((n, r) => n + r.size, 0);
  const from = Math.min(offset, size);
  const to = length === undefined ? size : Math.min(size, from + length);
  const out: ChunkRef[] = [];
  let pos = 0;
  let skip = 0;
  for (const r of refs) {
    const end = pos + r.size;
    if (end > from && pos < to) {
      if (out.length === 0) skip = from - pos;
      out.push(r);
    }
    pos = end;
    if (pos >= to) break;
  }
  return { refs: out, skip, take: to - from };
}

/** Bytes [offset, offset + length) of a file with chunk list `refs`, read by chunk. */
export async function* readFileByChunks(transport: Transport, refs: readonly ChunkRef[], opts: ChunkReadOptions & { offset?: number; length?: number } = {}): AsyncGenerator<Buffer, void, undefined> {
  for await (const group of readFileGroups(transport, refs, opts)) yield* group;
}

/** As readFileByChunks, in groups of pieces (see readChunkGroups). */
export async function* readFileGroups(transport: Transport, refs: readonly ChunkRef[], opts: ChunkReadOptions & { offset?: number; length?: number } = {}): AsyncGenerator<Buffer[], void, undefined> {
  const span = chunkSpan(refs, opts.offset ?? 0, opts.length);
  let skip = span.skip;
  let left = span.take;
  for await (const group of readChunkGroups(transport, span.refs, opts)) {
    const pieces: Buffer[] = [];
    for (const data of group) {
      if (left <= 0) break;
      if (skip >= data.length) {
        skip -= data.length;
        continue;
      }
      const piece = skip === 0 && data.length <= left ? data : data.subarray(skip, Math.min(data.length, skip + left));
      skip = 0;
      left -= piece.length;
      if (piece.length > 0) pieces.push(piece);
    }
    if (pieces.length > 0) yield pieces;
    if (left <= 0) return;
  }
}
