// Client-side dedup, pipelined: chunks cut and hashed here are gathered into
// batches; as soon as a batch is full the server is asked which of its
// chunks it lacks (MissingChunks), while the next batches fill and are asked
// about too. Answers are taken in batch order: the missing chunks go onto
// the ModifyFile stream itself (its `chunks` operation), followed by the
// work queued behind that batch with `after` (naming the chunks in files
// with put_chunks). The server applies a stream's messages in order, so no
// call has to finish before the next message is sent: the only round trips
// are the MissingChunks queries, and several of those are in flight at once.
//
// Memory: the batch being filled plus at most MAX_PENDING batches waiting,
// each at most BATCH_BYTES of chunk data.
//
// The bytes of a chunk often live in a buffer the caller reuses (a read
// buffer, a slab of small files): `add` takes a `release` that is called
// once the uploader no longer needs them, i.e. when the chunk was found
// already stored, or when the last message of its batch was written (grpc-js
// copied the bytes). A release that never comes only costs the reuse.
import type { StrataError } from '../../src/errors/index.ts';
import type { CallOptions, Transport } from './transport.ts';
import type { TransferStats } from './types.ts';

const BATCH_BYTES = 4 << 20;
const BATCH_CHUNKS = 1024;
/**
 * Chunk bytes per `chunks` message. The server takes up to 4 MiB + 64 KiB,
 * but grpc-js queues up to 16 messages per stream before write() asks us to
 * wait, so the message size bounds the memory queued (as for raw data).
 */
export const MESSAGE_BYTES = 1 << 20;
/** Chunks per `chunks` message: ~75 bytes of hash and framing each must fit the 64 KiB of slack. */
export const MESSAGE_CHUNKS = 512;
const MAX_PENDING = 2;
/** Hashes known stored this session, so a repeated chunk is not even asked about; bounded. */
const KNOWN_LIMIT = 200_000;

export type Chunk = { hash: string; data: Uint8Array };

/**
 * Writes one `chunks` message to the session's stream, in order with its
 * other operations; `onWritten` once the message's bytes were copied out
 * (see ClientStreamCall.write).
 */
export type ChunkSink = (chunks: Chunk[], onWritten: () => void) => Promise<void>;

interface Batch {
  chunks: Map<string, Uint8Array>;
  /** Releases of the chunks held (see `add`). */
  releases: (() => void)[];
  bytes: number;
  after: (() => Promise<void>)[];
  /** The MissingChunks answer, asked for when the batch was closed. */
  missing?: Promise<string[]>;
}

function newBatch(): Batch {
  return { chunks: new Map(), releases: [], bytes: 0, after: [] };
}

export class ChunkUploader {
  private batch = newBatch();
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private failure: StrataError | undefined;
  private readonly known = new Set<string>();

  constructor(
    private readonly transport: Transport,
    private readonly sink: ChunkSink,
    private readonly stats: TransferStats,
    private readonly opts: CallOptions = {},
    /** Resolves once the server may be asked about chunks (the session's stream was accepted); batches cut before then wait for it. */
    private readonly askable: () => Promise<unknown> = () => Promise.resolve(),
  ) {}

  /**
   * Adds a chunk; waits while too many batches are in flight (backpressure).
   * `release` is called once `data` is no longer needed here.
   */
  async add(hash: string, data: Uint8Array, release?: () => void): Promise<void> {
    if (this.failure) {
      release?.();
      throw this.failure;
    }
    if (this.known.has(hash) || this.batch.chunks.has(hash)) {
      this.stats.reusedChunks++;
      release?.();
    } else {
      this.batch.chunks.set(hash, data);
      if (release) this.batch.releases.push(release);
      this.batch.bytes += data.length;
    }
    if (this.batch.bytes >= BATCH_BYTES || this.batch.chunks.size >= BATCH_CHUNKS) {
      const flushed = this.flush();
      if (this.pending > MAX_PENDING) await flushed;
    }
  }

  /** Runs `op` once every chunk added so far is on the stream, after earlier ops. */
  after(op: () => Promise<void>): void {
    this.batch.after.push(op);
  }

  /** Closes the current batch; resolves when it (and every batch before it) is sent and its ops ran. */
  flush(): Promise<void> {
    const batch = this.batch;
    this.batch = newBatch();
    if (batch.chunks.size === 0 && batch.after.length === 0) return this.chain;
    this.pending++;
    if (batch.chunks.size > 0) {
      const hashes = [...batch.chunks.keys()];
      batch.missing = this.askable()
        .then(() => this.transport.unary('MissingChunks', { hashes }, { ...this.opts, idempotent: true }))
        .then((r) => r.missing);
      batch.missing.catch(() => undefined); // surfaced in order, by the chain
    }
    this.chain = this.chain.then(async () => {
      try {
        await this.send(batch);
        for (const op of batch.after) await op();
      } finally {
        this.pending--;
        if (batch.releases.length > 0) releaseAll(batch); // a failed batch: nothing will send its bytes
      }
    });
    this.chain.catch((err: StrataError) => {
      this.failure ??= err;
    });
    return this.chain;
  }

  private async send(batch: Batch): Promise<void> {
    if (!batch.missing) return;
    const missing = await batch.missing;
    this.stats.reusedChunks += batch.chunks.size - missing.length;
    let message: Chunk[] = [];
    let bytes = 0;
    // Every message but the last releases nothing: writes complete in order,
    // so the last one's callback means grpc-js copied all of the batch.
    const none = (): void => undefined;
    for (const hash of missing) {
      const data = batch.chunks.get(hash)!;
      if (message.length > 0 && (bytes + data.length > MESSAGE_BYTES || message.length >= MESSAGE_CHUNKS)) {
        await this.sink(message, none);
        message = [];
        bytes = 0;
      }
      message.push({ hash, data });
      bytes += data.length;
      this.stats.sentBytes += data.length;
      this.stats.sentChunks++;
    }
    const releases = batch.releases;
    batch.releases = [];
    if (message.length > 0) await this.sink(message, () => releaseAll({ releases }));
    else releaseAll({ releases });
    if (this.known.size + batch.chunks.size > KNOWN_LIMIT) this.known.clear();
    for (const h of batch.chunks.keys()) this.known.add(h);
    batch.chunks.clear(); // the stream holds what it still needs
  }
}

function releaseAll(batch: { releases: (() => void)[] }): void {
  const releases = batch.releases;
  batch.releases = [];
  for (const release of releases) release();
}
