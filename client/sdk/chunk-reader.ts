// Reading by chunk: a file's chunk list (InspectFile with include_chunks)
// is asked for in GetChunks calls of a bounded size, several calls running
// ahead of the consumer (each fills while the one before is read), and each
// chunk is checked here against the hash it was asked by, so a server (or
// anything between) can never hand over wrong bytes: a mismatch is
// CHUNK_CORRUPT (DataLoss; chunk-calls.ts).
import { SlabPool } from './bulk-read.ts';
import { chunkCall, type ChunkGroup, type ChunkReadOptions } from './chunk-calls.ts';
import type { Transport } from './transport.ts';
import type { ChunkRef } from './types.ts';

export type { ChunkReadOptions } from './chunk-calls.ts';

/** Bytes asked for per GetChunks call. */
const CALL_BYTES = 16 << 20;
/** The server's limit of hashes per call. */
const CALL_HASHES = 4096;
/** Calls running at once: the one being read and the ones filling behind it. */
const CALLS_AHEAD = 3;
/** Receive buffers (1 MiB) a read that reuses them keeps: what the calls ahead hold, waiting to be read. */
const SLABS_KEPT = 16;

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
  const callOpts = opts.reuseBuffers ? { ...opts, slabs: new SlabPool(SLABS_KEPT) } : opts;
  const start = (): void => {
    while (running.length < CALLS_AHEAD) {
      const next = plan.next();
      if (next.done) return;
      // Every chunk is checked by chunkCall, so the server need not hash it too.
      const groups = chunkCall(transport, next.value, { hashes: next.value.map((r) => r.hash), file, files, clientVerifies: true }, callOpts);
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
