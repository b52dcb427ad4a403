// Client-side dedup: chunks cut and hashed here are gathered into batches;
// for each batch the server is asked which chunks it lacks (MissingChunks)
// and only those are sent (UploadChunks). Work that must wait until a
// batch's chunks are stored (naming them in a file with put_chunks) is
// queued behind that batch with `after`, so many small files share one
// round trip instead of paying one each.
//
// Memory: the batch being filled plus at most MAX_PENDING batches in
// flight, each at most BATCH_BYTES of chunk data.
import type { StrataError } from '../../src/errors/index.ts';
import type { CallOptions, Transport } from './transport.ts';
import type { TransferStats } from './types.ts';

const BATCH_BYTES = 4 << 20;
const BATCH_CHUNKS = 1024;
/** Chunk bytes per UploadChunks message (the server takes messages up to 4 MiB). */
const MESSAGE_BYTES = 2 << 20;
const MAX_PENDING = 1;
/** Hashes known stored this session, so a repeated chunk is not even asked about; bounded. */
const KNOWN_LIMIT = 200_000;

interface Batch {
  chunks: Map<string, Uint8Array>;
  bytes: number;
  after: (() => Promise<void>)[];
}

function newBatch(): Batch {
  return { chunks: new Map(), bytes: 0, after: [] };
}

export class ChunkUploader {
  private batch = newBatch();
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private failure: StrataError | undefined;
  private readonly known = new Set<string>();

  constructor(
    private readonly transport: Transport,
    private readonly stats: TransferStats,
    private readonly opts: CallOptions = {},
  ) {}

  /** Adds a chunk; waits while too many batches are in flight (backpressure). */
  async add(hash: string, data: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.known.has(hash) || this.batch.chunks.has(hash)) {
      this.stats.reusedChunks++;
    } else {
      this.batch.chunks.set(hash, data);
      this.batch.bytes += data.length;
    }
    if (this.batch.bytes >= BATCH_BYTES || this.batch.chunks.size >= BATCH_CHUNKS) {
      const flushed = this.flush();
      if (this.pending > MAX_PENDING) await flushed;
    }
  }

  /** Runs `op` once every chunk added so far is stored, after earlier ops. */
  after(op: () => Promise<void>): void {
    this.batch.after.push(op);
  }

  /** Sends the current batch; resolves when it (and every batch before it) is stored and its ops ran. */
  flush(): Promise<void> {
    const batch = this.batch;
    this.batch = newBatch();
    this.pending++;
    this.chain = this.chain.then(async () => {
      try {
        await this.send(batch);
        for (const op of batch.after) await op();
      } finally {
        this.pending--;
      }
    });
    this.chain.catch((err: StrataError) => {
      this.failure ??= err;
    });
    return this.chain;
  }

  private async send(batch: Batch): Promise<void> {
    if (batch.chunks.size === 0) return;
    const hashes = [...batch.chunks.keys()];
    const { missing } = (await this.transport.unary('MissingChunks', { hashes }, { ...this.opts, idempotent: true })) as { missing: string[] };
    this.stats.reusedChunks += hashes.length - missing.length;
    if (missing.length > 0) {
      const call = this.transport.clientStream('UploadChunks', this.opts);
      let message: { hash: string; data: Uint8Array }[] = [];
      let bytes = 0;
      for (const hash of missing) {
        const data = batch.chunks.get(hash)!;
        message.push({ hash, data });
        bytes += data.length;
        this.stats.sentBytes += data.length;
        this.stats.sentChunks++;
        if (bytes >= MESSAGE_BYTES) {
          await call.write({ chunks: message });
          message = [];
          bytes = 0;
        }
      }
      if (message.length > 0) await call.write({ chunks: message });
      await call.end();
    }
    if (this.known.size + hashes.length > KNOWN_LIMIT) this.known.clear();
    for (const h of hashes) this.known.add(h);
  }
}
