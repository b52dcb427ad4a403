// Reading by chunk: a file's chunk list (InspectFile with include_chunks)
// is asked for in GetChunks calls of a bounded size, several calls running
// ahead of the consumer (each fills while the one before is read), and each
// chunk is checked here against the hash it was asked by, so a server (or
// anything between) can never hand over wrong bytes: a mismatch is
// CHUNK_CORRUPT (DataLoss).
import { hashChunk } from '../../src/chunking/index.ts';
import { StrataError } from '../../src/errors/index.ts';
import type { CallOptions, Transport } from './transport.ts';
import type { GetChunksResponse__Output } from '../../proto/generated/strata/pfs/v1/GetChunksResponse.ts';
import type { ChunkRef } from './types.ts';

/** Bytes asked for per GetChunks call. */
const CALL_BYTES = 16 << 20;
/** The server's limit of hashes per call. */
const CALL_HASHES = 4096;
/** Calls running at once: the one being read and the ones filling behind it. */
const CALLS_AHEAD = 3;

interface Call {
  refs: ChunkRef[];
  stream: AsyncGenerator<GetChunksResponse__Output, void, undefined>;
  first: Promise<IteratorResult<GetChunksResponse__Output, void>>;
}

/** Splits the chunk list into the calls that ask for it. */
function* callsOf(refs: readonly ChunkRef[]): Generator<ChunkRef[]> {
  let part: ChunkRef[] = [];
  let bytes = 0;
  for (const r of refs) {
    if (part.length > 0 && (bytes + r.sizeBytes > CALL_BYTES || part.length >= CALL_HASHES)) {
      yield part;
      part = [];
      bytes = 0;
    }
    part.push(r);
    bytes += r.sizeBytes;
  }
  if (part.length > 0) yield part;
}

function corrupt(ref: ChunkRef, got: number, detail: string): StrataError {
  return new StrataError('CHUNK_CORRUPT', `chunk ${ref.hash} as received is corrupt: ${detail}`, { chunk: ref.hash, size: ref.sizeBytes, received: got });
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

/** The verified bytes of `refs`, in order. Leaving the loop early cancels the calls in flight. */
export async function* readChunkRefs(transport: Transport, refs: readonly ChunkRef[], opts: ChunkReadOptions = {}): AsyncGenerator<Buffer, void, undefined> {
  for await (const group of readChunkGroups(transport, refs, opts)) yield* group;
}

/**
 * The verified bytes of `refs`, in order, as the messages brought them (a
 * few MiB of whole chunks each), so a writer can hand each group to one
 * writev. Leaving the loop early cancels the calls in flight.
 */
export async function* readChunkGroups(transport: Transport, refs: readonly ChunkRef[], opts: ChunkReadOptions = {}): AsyncGenerator<Buffer[], void, undefined> {
  const file = opts.file ?? '';
  const files = opts.files ?? [];
  const plan = callsOf(refs);
  const running: Call[] = [];
  const start = (): void => {
    while (running.length < CALLS_AHEAD) {
      const next = plan.next();
      if (next.done) return;
      const stream = transport.serverStream('GetChunks', { hashes: next.value.map((r) => r.hash), file, files }, { ...opts, idempotent: true });
      const first = stream.next();
      first.catch(() => undefined); // surfaced when this call's turn comes
      running.push({ refs: next.value, stream, first });
    }
  };
  try {
    start();
    while (running.length > 0) {
      const call = running[0]!;
      let at = 0;
      for (let r = await call.first; !r.done; r = await call.stream.next()) {
        const group = r.value.chunks;
        for (const data of group) {
          const ref = call.refs[at];
          if (!ref) throw new StrataError('CHUNK_CORRUPT', `GetChunks sent more chunks than the ${call.refs.length} asked for`, { asked: call.refs.length });
          if (data.length !== ref.sizeBytes) throw corrupt(ref, data.length, `${data.length} bytes instead of ${ref.sizeBytes}`);
          if (hashChunk(data).toString('hex') !== ref.hash) throw corrupt(ref, data.length, 'its bytes do not match its hash');
          at++;
        }
        if (group.length > 0) yield group;
      }
      if (at < call.refs.length) throw new StrataError('CHUNK_CORRUPT', `GetChunks ended after ${at} of the ${call.refs.length} chunks asked for`, { asked: call.refs.length, received: at });
      running.shift();
      start();
    }
  } finally {
    for (const c of running) void c.stream.return(undefined).catch(() => undefined);
  }
}

/** The chunks that hold bytes [offset, offset + length) of a file, and how much of the first to skip. */
export function chunkSpan(refs: readonly ChunkRef[], offset: number, length: number | undefined): { refs: ChunkRef[]; skip: number; take: number } {
  const size = refs.reduce((n, r) => n + r.sizeBytes, 0);
  const from = Math.min(offset, size);
  const to = length === undefined ? size : Math.min(size, from + length);
  const out: ChunkRef[] = [];
  let pos = 0;
  let skip = 0;
  for (const r of refs) {
    const end = pos + r.sizeBytes;
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
      const piece = skip === 0 && data.length <= left ? data : data.subarray(skip, Math.min(data.length, skip + left));
      skip = 0;
      left -= piece.length;
      if (piece.length > 0) pieces.push(piece);
    }
    if (pieces.length > 0) yield pieces;
    if (left <= 0) return;
  }
}
