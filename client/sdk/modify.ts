// A ModifyFile session: many puts, deletes and copies over one client
// stream, landing in one commit. Puts are deduplicated by default: the file
// is cut and hashed here, only chunks the server lacks are uploaded
// (chunk-uploader.ts), and the file is staged by chunk refs (put_chunks;
// the files of a few chunks each are gathered into put_chunks_batch messages).
// `{ dedup: false }` streams the raw bytes in `data` messages instead.
//
// Every write to the stream goes through one lock: a raw put's data
// messages must not be interleaved with another operation, since the
// server ends a file at the next operation.
import { MIN_SIZE, chunkAndHash, createFileHasher, fileHash, hashChunk } from '../../src/chunking/index.ts';
import { StrataError } from '../../src/errors/index.ts';
import { parsePath } from '../../src/ids.ts';
import { parseRef } from '../../src/ref.ts';
import { writeTarget } from './refs.ts';
import { BULK_HEADER, BulkConnection, canOpenBulk } from './bulk-connection.ts';
import { MessageBuffers } from './chunk-message.ts';
import { PooledFileReader, ReadBuffers, ReleasedPrefix } from './read-buffers.ts';
import { ChunkUploader, MESSAGE_BYTES, MESSAGE_CHUNKS, type Chunk } from './chunk-uploader.ts';
import { PIECE_BYTES, SmallFileReader, counted, openSource, openStatted, readSmallFileSync, type PutSource } from './sources.ts';
import type { CommitInfo__Output } from '../../proto/generated/strata/pfs/v1/CommitInfo.ts';
import type { ModifyFileRequest } from '../../proto/generated/strata/pfs/v1/ModifyFileRequest.ts';
import type { CallOptions, ClientStreamCall, Transport } from './transport.ts';
import type { ChunkRef__Output as WireChunkRef } from '../../proto/generated/strata/pfs/v1/ChunkRef.ts';
import { emptyStats, toCommitInfo, type CommitInfo, type TransferStats } from './types.ts';

export interface PutOptions {
  /** Append to the file instead of overwriting it. */
  append?: boolean;
  /** Cut and hash here and send only missing chunks (default true). */
  dedup?: boolean;
  /** Called with the number of bytes read from the source since the last call. */
  onBytes?: (n: number) => void;
  /** For a local path: its size from a stat just taken (a tree walk), so it is not stat'ed again. */
  statSize?: number;
}

export interface ModifySession {
  /**
   * Puts a file from a local path, bytes in memory, a Readable or an async
   * iterable. Resolves with the file's content hash when it was cut here
   * (dedup on); the put lands with the session's commit.
   */
  put(path: string, source: PutSource, opts?: PutOptions): Promise<PutResult>;
  /** Deletes a file, or a directory with `{ dir: true }` or a trailing `/`. */
  delete(path: string, opts?: { dir?: boolean }): Promise<void>;
  /** Copies `src` (a ref with a path, any repo or commit) to `dstPath`, by reference. */
  copy(src: string, dstPath: string): Promise<void>;
  /** What the session moved so far. */
  readonly stats: TransferStats;
}

export interface PutResult {
  /** The file's hash (see src/chunking/hash.ts); undefined for a raw (`dedup: false`) put. */
  hash?: string;
}

export interface WriteResult {
  commit: CommitInfo;
  stats: TransferStats;
}

/** Chunk refs per put_chunks message (~80 bytes each; messages stay far under 4 MiB). */
const REFS_PER_MESSAGE = 16_384;
/**
 * Files of at most this many chunks are staged in put_chunks_batch messages
 * of up to BATCH_MESSAGE_BYTES (estimated): a message per file cost both
 * processes more than the file's own bytes for a tree of small files.
 */
const BATCHED_FILE_REFS = 64;
const BATCH_MESSAGE_BYTES = 256 << 10;
/** A full `chunks` message: its chunk bytes, and ~80 bytes of hash and framing per chunk. */
const CHUNK_MESSAGE_BUFFER_BYTES = MESSAGE_BYTES + MESSAGE_CHUNKS * 80;
/** Idle read buffers (PIECE_BYTES each) a session keeps: about what one put has in flight (its chunking look-ahead and uploader batches). */
const READ_BUFFERS_KEPT = 24;
/** Chunking look-ahead per put; puts may run concurrently, so keep it small. */
const CHUNK_IN_FLIGHT_BYTES = 8 << 20;
/**
 * Chunks are hashed on the thread that cuts them, not in a hash worker:
 * a put already keeps a second core busy (the server, when it runs on the
 * same machine; the kernel's socket and file copies), and handing ~1 MiB
 * batches to a worker cost more than the hashing it moved (a copy into the
 * batch buffer, postMessage, the worker's own start-up). put (a) 256 MiB,
 * CLI CPU-s in 3 interleaved pairs at load 17-21: 2.14 / 2.04 / 2.28 with
 * the worker, 1.78 / 1.93 / 2.02 without (docs/benchmarks.md, api).
 */
const HASH_CONCURRENCY = 1;

class Lock {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

interface PutChunksWire {
  path: string;
  chunks: WireChunkRef[];
  append: boolean;
}

export class Session implements ModifySession {
  readonly stats = emptyStats();
  private readonly lock = new Lock();
  /** put_chunks not yet sent: they go out as one message before anything else is written. */
  private batch: PutChunksWire[] = [];
  private batchBytes = 0;
  private readonly uploader: ChunkUploader;
  private readonly smallFiles = new SmallFileReader();
  /** Read buffers of large files, shared by the session's puts (several may read at once). */
  private readonly readBuffers = new ReadBuffers(READ_BUFFERS_KEPT);
  /** Encoded `chunks` messages: room for a full one (MESSAGE_BYTES of data plus hashes and framing). */
  private readonly messageBuffers = new MessageBuffers(CHUNK_MESSAGE_BUFFER_BYTES, 8);
  /** The stream's bulk connection (see bulk-connection.ts), while it is being opened or once open; undefined: chunks go over gRPC. */
  private bulk: Promise<BulkConnection | undefined> | undefined;
  /** The stream, once the server accepted its header (see open). */
  private readonly accepted: Promise<ClientStreamCall<ModifyFileRequest, CommitInfo__Output>>;

  private constructor(transport: Transport, target: string, opts: ModifyOptions) {
    const sink = (chunks: Chunk[], onWritten: () => void): Promise<void> =>
      this.lock.run(async () => {
        const call = await this.accepted;
        const bulk = await this.bulk;
        if (bulk) {
          if (this.batch.length > 0) await this.sendBatch();
          const announced = await bulk.write(chunks, onWritten);
          return call.write({ bulkChunks: announced });
        }
        const { message, release } = this.messageBuffers.encode(chunks);
        return this.send(message, () => (release(), onWritten()));
      });
    this.accepted = this.openStream(transport, target, opts);
    this.accepted.catch(() => undefined); // surfaced by the first write, finish or abort
    // Chunks are cut and hashed while the stream opens; the server is asked which it lacks only once it accepted the target.
    const accepted = (): Promise<unknown> => this.accepted;
    this.uploader = new ChunkUploader(transport, sink, this.stats, { signal: opts.signal }, accepted);
  }

  /**
   * A session whose stream opens in the background: a caller may start
   * reading and cutting its files at once, overlapping the connection, the
   * stream's set-up and the server's check of the target (~30-50 ms of a
   * put; see modify for who does). No byte and no question about chunks goes
   * to the server before it accepts the target: a tag or a finished commit
   * is refused first.
   */
  static open(transport: Transport, target: string, opts: ModifyOptions): Session {
    writeTarget(target);
    // MissingChunks goes over the transport's read connection: have it connected by the time the first batch is cut.
    transport.warmReads();
    return new Session(transport, target, opts);
  }

  /** Resolves once the server accepted the stream's target; rejects with its refusal or the failure to open. */
  async opened(): Promise<void> {
    await this.accepted;
  }

  private async openStream(transport: Transport, target: string, opts: ModifyOptions): Promise<ClientStreamCall<ModifyFileRequest, CommitInfo__Output>> {
    await transport.ready();
    const call = await transport.clientStream('ModifyFile', { signal: opts.signal });
    const bulk = opts.bulk !== false && canOpenBulk(transport.options);
    await call.write({ header: { target, description: opts.message ?? '', bulk } });
    const headers = await call.accepted();
    // Opened while the first chunks are asked about; the first chunks sent wait for it.
    if (bulk && headers[BULK_HEADER] !== undefined) this.bulk = BulkConnection.open(transport.options.address, headers[BULK_HEADER]).catch(() => undefined);
    return call;
  }

  async put(path: string, source: PutSource, opts: PutOptions = {}): Promise<PutResult> {
    parsePath(path); // fail before reading a byte
    if (typeof source === 'string' && opts.statSize !== undefined && opts.statSize < MIN_SIZE && opts.dedup !== false) {
      const result = await this.putSmallFile(path, source, opts);
      this.stats.files++;
      return result;
    }
    // A deduplicated put of a large local file reads into reused buffers, given back as its chunks are sent.
    let reader: PooledFileReader | undefined;
    const large = (file: string): AsyncIterable<Uint8Array> => (reader = new PooledFileReader(file, this.readBuffers)).bytes();
    const pooled = opts.dedup === false ? undefined : large;
    const { bytes, size } = typeof source === 'string' && opts.statSize !== undefined ? openStatted(source, opts.statSize, pooled) : await openSource(source, pooled);
    const onBytes = (n: number): void => {
      this.stats.bytes += n;
      opts.onBytes?.(n);
    };
    let result: PutResult = {};
    if (opts.dedup === false) await this.putRaw(path, counted(bytes, onBytes), size, opts.append ?? false);
    else result = await this.putChunked(path, counted(bytes, onBytes), opts.append ?? false, reader && ((offset) => reader!.releasedThrough(offset)));
    this.stats.files++;
    return result;
  }

  /** `releasedThrough`, when given, learns how far from the start of `bytes` the chunks were sent (their bytes may be reused). */
  private async putChunked(path: string, bytes: AsyncIterable<Uint8Array>, append: boolean, releasedThrough?: (offset: number) => void): Promise<PutResult> {
    const refs: WireChunkRef[] = [];
    const fileHasher = createFileHasher();
    const released = releasedThrough && new ReleasedPrefix(releasedThrough);
    for await (const c of chunkAndHash(bytes, { maxInFlightBytes: CHUNK_IN_FLIGHT_BYTES, concurrency: HASH_CONCURRENCY })) {
      const hash = c.hash.toString('hex');
      fileHasher.add(c.hash);
      refs.push({ hash, sizeBytes: c.data.length });
      await this.uploader.add(hash, c.data, released?.next(c.data.length));
    }
    this.uploader.after(() => this.lock.run(() => this.sendChunkRefs(path, refs, append)));
    // An append's content hash depends on what the file held before: unknown here.
    return append ? {} : { hash: fileHasher.digest().toString('hex') };
  }

  /**
   * A file a tree walk found smaller than the minimum chunk, so one chunk
   * whatever its bytes: read with one synchronous call and hashed here,
   * without the streaming pipeline's generators and promises, which cost
   * more than the read and the hash for a file of a few KiB. A file that
   * grew past the minimum since the walk takes the general path.
   */
  private async putSmallFile(path: string, local: string, opts: PutOptions): Promise<PutResult> {
    // A file that grew past its walked size since the walk is read whole.
    const slab = this.smallFiles.read(local, opts.statSize!);
    const data = slab?.bytes ?? readSmallFileSync(local);
    this.stats.bytes += data.length;
    opts.onBytes?.(data.length);
    const append = opts.append ?? false;
    if (data.length >= MIN_SIZE) return this.putChunked(path, (async function* () { yield data; })(), append);
    const refs: WireChunkRef[] = [];
    const hashes: Buffer[] = [];
    if (data.length > 0) {
      hashes.push(hashChunk(data));
      refs.push({ hash: hashes[0]!.toString('hex'), sizeBytes: data.length });
      await this.uploader.add(refs[0]!.hash, data, slab?.release);
    } else {
      slab?.release();
    }
    this.uploader.after(() => this.lock.run(() => this.sendChunkRefs(path, refs, append)));
    return append ? {} : { hash: fileHash(hashes).toString('hex') };
  }

  /** Writes one message (under the lock), after the put_chunks still held back. */
  private async send(message: object, onWritten?: () => void): Promise<void> {
    if (this.batch.length > 0) await this.sendBatch();
    await (await this.accepted).write(message, onWritten);
  }

  private async sendBatch(): Promise<void> {
    const files = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    // One file goes as a plain put_chunks, as it always has.
    await (await this.accepted).write(files.length === 1 ? { putChunks: files[0] } : { putChunksBatch: { files } });
  }

  private async sendChunkRefs(path: string, refs: WireChunkRef[], append: boolean): Promise<void> {
    if (refs.length <= BATCHED_FILE_REFS) {
      this.batch.push({ path, chunks: refs, append });
      this.batchBytes += 16 + path.length + refs.length * 80;
      if (this.batchBytes >= BATCH_MESSAGE_BYTES) await this.sendBatch();
      return;
    }
    let at = 0;
    do {
      const part = refs.slice(at, at + REFS_PER_MESSAGE);
      await this.send({ putChunks: { path, chunks: part, append: at === 0 ? append : true } });
      at += REFS_PER_MESSAGE;
    } while (at < refs.length);
  }

  private async putRaw(path: string, bytes: AsyncIterable<Uint8Array>, size: number | undefined, append: boolean): Promise<void> {
    await this.uploader.flush(); // earlier deduplicated puts land first
    await this.lock.run(async () => {
      await this.send({ putFile: size === undefined ? { path, append } : { path, append, sizeBytes: size } });
      const call = await this.accepted;
      for await (const piece of bytes) {
        for (let at = 0; at < piece.length; at += PIECE_BYTES) {
          const data = piece.subarray(at, Math.min(at + PIECE_BYTES, piece.length));
          await call.write({ data });
          this.stats.sentBytes += data.length;
        }
      }
    });
  }

  async delete(path: string, opts: { dir?: boolean } = {}): Promise<void> {
    parsePath(path);
    await this.uploader.flush();
    await this.lock.run(() => this.send({ deleteFile: { path, dir: opts.dir ?? false } }));
  }

  async copy(src: string, dstPath: string): Promise<void> {
    if (parseRef(src).path === null) throw new StrataError('INVALID_REF', `invalid copy source "${src}": a path is wanted, as in "repo@branch:/path"`, { input: src });
    parsePath(dstPath);
    await this.uploader.flush();
    await this.lock.run(() => this.send({ copyFile: { src, dstPath } }));
  }

  /** Sends what is queued and ends the stream: the commit (for a branch target, a new finished one-off commit). */
  async finish(): Promise<CommitInfo> {
    await this.uploader.flush();
    // Only `done` commits: a stream that merely ends may be a cut one.
    await this.lock.run(() => this.send({ done: {} }));
    try {
      return toCommitInfo(await (await this.accepted).end());
    } finally {
      void this.bulk?.then((b) => b?.close());
    }
  }

  /** Cuts the stream: the server drops the one-off commit (nothing is committed). */
  async abort(): Promise<StrataError | undefined> {
    let call: ClientStreamCall<ModifyFileRequest, CommitInfo__Output>;
    try {
      call = await this.accepted;
    } catch (err) {
      return err as StrataError; // the stream never opened, or the server refused its target
    }
    call.cancel();
    void this.bulk?.then((b) => b?.close());
    return call.response.then(
      () => undefined,
      (err: StrataError) => err,
    );
  }
}

/**
 * Runs `fn` with a session and finishes it: all of `fn`'s operations land in
 * one commit. If `fn` throws (or any operation fails), the stream is cut and
 * nothing is committed; the error is rethrown (the server's, when it failed first).
 */
/** Options of every write: the call's, and the message of the one-off commit it makes. */
export interface ModifyOptions extends CallOptions {
  /** The description of the one-off commit (`-m`); ignored when writing into an open commit. */
  message?: string;
  /** Send chunk bytes over the bulk connection the server offers (default true; see bulk-connection.ts). */
  bulk?: boolean;
}

export async function modify(
  transport: Transport,
  target: string,
  fn: (m: ModifySession) => Promise<void>,
  opts: ModifyOptions = {},
  how: { whileOpening?: boolean } = {},
): Promise<WriteResult> {
  const session = Session.open(transport, target, opts);
  try {
    // `fn` starts while the stream opens only where its work is known to
    // yield to the event loop often (a put's reads and cuts). A caller that
    // blocks it for long (put -r lists its tree with synchronous calls)
    // would let the connect window's timer run before the server's answer,
    // already arrived, is read: a false "no answer" under load.
    if (!how.whileOpening) await session.opened();
    await fn(session);
    return { commit: await session.finish(), stats: session.stats };
  } catch (err) {
    const serverErr = await session.abort();
    // A failure the server reported explains more than the client-side echo of it.
    throw serverErr && serverErr.code !== 'CANCELLED' ? serverErr : err;
  }
}
