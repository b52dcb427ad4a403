// Reading files: bytes as Node Readables with backpressure (the gRPC stream
// is pulled only as fast as the consumer reads), and tar archives of
// directories. Writing them to disk is files-save.ts.
import { Readable } from 'node:stream';
import { readFileGroups } from './chunk-reader.ts';
import type { PfsServiceDefinition } from '../../proto/generated/strata/pfs/v1/PfsService.ts';
import type { RequestOf } from './services.ts';
import type { CallOptions, Transport } from './transport.ts';
import type { ChunkRef } from './types.ts';

export interface GetOptions extends CallOptions {
  /** First byte to read. */
  offset?: number;
  /** Bytes to read; default to the end of the file. */
  length?: number;
  /** Called with the number of bytes received since the last call. */
  onBytes?: (n: number) => void;
  /**
   * The file's chunk list, as InspectFile with `includeChunks` gives it (for
   * the same commit). With it the bytes are read by chunk (GetChunks:
   * batched, pipelined, each chunk verified here); without it, with GetFile.
   */
  chunks?: ChunkRef[];
  /**
   * The file `chunks` belong to, pinned to its commit (`repo@<commit id>:/path`,
   * from the FileInfo's `commit`); default the file read. With auth on, the
   * server reads only chunks of the file named, so a branch that moved after
   * the inspect would fail the read unless this is pinned.
   */
  chunksFile?: string;
}

async function* dataOf(messages: AsyncIterable<{ data?: Uint8Array }>, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const m of messages) {
    if (!m.data || m.data.length === 0) continue;
    onBytes?.(m.data.length);
    yield Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data);
  }
}

/**
 * A file's bytes read by chunk (see chunk-reader.ts) as a byte Readable;
 * destroying it cancels the calls. Each GetChunks message's pieces (~200 of
 * 16 KiB, as HTTP/2 frames bring them) are pushed in one go, not one
 * async-iterator step each as Readable.from would take them.
 */
export function chunksReadable(transport: Transport, chunks: ChunkRef[], opts: GetOptions & { file: string }): Readable {
  const groups = readFileGroups(transport, chunks, opts);
  let pulling = false;
  return new Readable({
    highWaterMark: 1 << 20,
    read() {
      if (pulling) return;
      pulling = true;
      groups.next().then(
        (r) => {
          pulling = false;
          if (r.done) return void this.push(null);
          // Past the high-water mark after a group, the stream asks again (read()) once drained.
          for (const piece of r.value) {
            opts.onBytes?.(piece.length);
            this.push(piece);
          }
        },
        (err: unknown) => {
          pulling = false;
          this.destroy(err as Error);
        },
      );
    },
    destroy(err, callback) {
      void groups.return(undefined).catch(() => undefined);
      callback(err);
    },
  });
}

/**
 * A file's bytes read by chunk, in groups of pieces, for writeGroupsAtomically
 * only: a group's bytes are valid until the next group is asked for (the
 * receive buffers are used again), so each must be written out before then.
 */
export function chunkGroups(transport: Transport, chunks: ChunkRef[], opts: GetOptions & { file: string }): AsyncGenerator<Buffer[], void, undefined> {
  return readFileGroups(transport, chunks, { ...opts, reuseBuffers: true });
}

/** The bytes of a server stream of `{ data }` messages as a byte Readable; destroying it cancels the call. */
export function bytesReadable<M extends 'GetFile' | 'GetTar'>(transport: Transport, method: M, request: RequestOf<PfsServiceDefinition, M>, opts: CallOptions & { onBytes?: (n: number) => void }): Readable {
  const messages = transport.serverStream(method, request, { ...opts, idempotent: true });
  return Readable.from(dataOf(messages, opts.onBytes), { objectMode: false, highWaterMark: 1 << 20 });
}
