// Chunk transfer for clients that cut, hash and read files chunk by chunk
// (the SDK): MissingChunks says which chunks to send, UploadChunks (or the
// `chunks` operation of ModifyFile) stores them after checking every hash,
// ModifyFile's put_chunks names them in a file, and GetChunks reads them
// back in the order asked, verified here unless the client says it checks
// every chunk itself (client_verifies: the SDK does, so a byte is hashed
// once per read, not on both sides).
//
// Chunks are shared by every repo, and a hash is no secret (it is in file
// listings, logs, anyone holding the bytes can compute it), so knowing one is
// not proof of access. When auth is on and the caller is not a cluster admin
// (docs/security.md, "Chunks"): GetChunks reads only chunks of a file the
// caller may read (the request names it), MissingChunks calls every chunk
// missing and UploadChunks every chunk new (the store is no oracle of what
// other repos hold), and put_chunks names only chunks sent on the same stream.
import type { ChunkStore } from '../../src/blocks/chunk-store.ts';
import { readChunkRuns } from '../../src/blocks/chunk-reads.ts';
import { ReadBufferPool } from '../../src/blocks/read-buffer-pool.ts';
import { hashChunk } from '../../src/chunking/index.ts';
import { StrataError } from '../../src/errors/index.ts';
import type { Identity } from '../../src/auth/index.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import { BULK_HEADER, type BulkListener } from './bulk.ts';
import { BulkChunkSender, BulkSendEnd } from './bulk-send.ts';
import { ChunkSender } from './chunks-sender.ts';
import { GET_CHUNKS_MAX_FILES, GET_CHUNKS_MAX_HASHES } from './limits.ts';
import { fileRefField, hashField } from './parse.ts';
import type { GetChunksRequest__Output } from '../../proto/generated/strata/pfs/v1/GetChunksRequest.ts';
import type { CallContext, PfsRpc } from './rpc.ts';

export interface StoreCounts {
  chunks: number;
  newChunks: number;
  newBytes: number;
}

/**
 * Whether the caller sees the store as it is (which chunks it holds): only
 * cluster admins, and every caller while auth is off (ANONYMOUS is an admin).
 */
export function seesStore(identity: Identity): boolean {
  return identity.admin;
}

/** Checks one uploaded chunk against its hash and stores it; `where` names it in errors. */
export async function storeChunk(store: ChunkStore, c: { hash: string; data: Buffer }, where: string, ctx: CallContext, counts: StoreCounts): Promise<void> {
  const hash = hashField(`${where}.hash`, c.hash);
  if (c.data.length === 0) throw new StrataError('INVALID_ARGUMENT', `${where}.data: a chunk is never empty`, { chunk: c.hash });
  ctx.countIn(c.data.length);
  if (!hashChunk(c.data).equals(hash)) {
    throw new StrataError('CHUNK_HASH_MISMATCH', `${where}: the ${c.data.length} bytes sent do not hash to ${c.hash}`, { chunk: c.hash, size: c.data.length });
  }
  // Not an admin: every chunk is reported new, so the answer says nothing of what the store held.
  if ((await store.put(hash, c.data)) || !seesStore(ctx.identity)) {
    counts.newChunks++;
    counts.newBytes += c.data.length;
  }
  counts.chunks++;
}

/**
 * The chunks of a file, by the file's content hash (a file hash fixes its
 * chunk list, so an entry never goes stale); a few recent files, so a file
 * read in many GetChunks calls is looked up once per call, not rebuilt.
 */
class FileChunkSets {
  private readonly sets = new Map<string, Set<string>>();
  constructor(private readonly max: number) {}

  get(fileHash: string, chunks: () => { hash: string }[]): Set<string> {
    let set = this.sets.get(fileHash);
    if (set) {
      this.sets.delete(fileHash);
    } else {
      set = new Set(chunks().map((c) => c.hash));
      if (this.sets.size >= this.max) this.sets.delete(this.sets.keys().next().value!);
    }
    this.sets.set(fileHash, set);
    return set;
  }
}

/** Runs of chunks are read into these (the store's largest ranged read, readChunkRuns' default). */
const READ_BUFFER_BYTES = 4 << 20;
/**
 * Reads ahead of the sender, per call: one run. A reader keeps several calls
 * running (the SDK three), which is the read-ahead that matters, and each
 * buffer a call holds is one the next call may have to allocate.
 */
const READ_AHEAD_BYTES = READ_BUFFER_BYTES;
/** Free read buffers kept: what three calls in flight hold (MAX_UNWRITTEN_BYTES + read-ahead + a run each), 32 MiB at most. */
const READ_BUFFERS_KEPT = 8;

/** `bulk`: offers GetChunks calls that ask for it a plain TCP connection for the chunk bytes (bulk-send.ts). */
export function chunkHandlers(rpc: PfsRpc, chunks: ChunkStore, pfs: Pfs, bulk?: BulkListener) {
  const fileChunks = new FileChunkSets(64);
  const readBuffers = new ReadBufferPool({ bufferBytes: READ_BUFFER_BYTES, maxFree: READ_BUFFERS_KEPT });

  /**
   * NOT_AUTHORIZED unless every hash is a chunk of `req.file` or of one of
   * `req.files` (which the policy let the caller read). A caller who sees the
   * store (an admin, or anyone while auth is off) may read any chunk by hash,
   * so nothing is looked up for them.
   */
  async function checkScope(req: GetChunksRequest__Output, ctx: CallContext): Promise<void> {
    if (seesStore(ctx.identity)) return;
    const named = [...(req.file === '' ? [] : [{ field: 'file', ref: req.file }]), ...req.files.map((ref, i) => ({ field: `files[${i}]`, ref }))];
    if (named.length === 0) {
      throw new StrataError(
        'NOT_AUTHORIZED',
        `${ctx.identity.subject} may not read chunks by hash alone: name the file they belong to in GetChunksRequest.file (e.g. "repo@<commit id>:/path"); a hash is not proof of access`,
        { subject: ctx.identity.subject, action: 'read', repo: null, needs: 'the file the chunks belong to' },
      );
    }
    if (req.files.length > GET_CHUNKS_MAX_FILES) {
      throw new StrataError('INVALID_ARGUMENT', `files: at most ${GET_CHUNKS_MAX_FILES} per call, got ${req.files.length}`, { field: 'files', count: req.files.length });
    }
    const sets: Set<string>[] = [];
    let repo: string | undefined;
    for (const { field, ref } of named) {
      const file = fileRefField(field, ref);
      repo ??= file.repo;
      const info = await pfs.inspectFile(file, file.path);
      if (info.type !== 'file' || info.hash === undefined) {
        throw new StrataError('INVALID_ARGUMENT', `${field}: ${ref} is a directory, not a file with chunks`, { field, input: ref });
      }
      sets.push(fileChunks.get(info.hash, () => info.chunks ?? []));
    }
    const what = named.length === 1 ? named[0]!.ref : `any of the ${named.length} files named`;
    req.hashes.forEach((h, i) => {
      if (!sets.some((set) => set.has(h))) {
        throw new StrataError('NOT_AUTHORIZED', `hashes[${i}]: chunk ${h} is not a chunk of ${what}; GetChunks reads only the chunks of the files it names`, {
          subject: ctx.identity.subject,
          action: 'read',
          repo: repo ?? null,
          needs: 'a chunk of the named file',
        });
      }
    });
  }

  return {
    UploadChunks: rpc.clientStream('UploadChunks', async (input, ctx) => {
      const counts: StoreCounts = { chunks: 0, newChunks: 0, newBytes: 0 };
      for (let msg = await input.next(); msg !== undefined; msg = await input.next()) {
        for (const c of msg.chunks) await storeChunk(chunks, c, `chunks[${counts.chunks}]`, ctx, counts);
      }
      return counts;
    }),
    MissingChunks: rpc.unary('MissingChunks', async (req, ctx) => {
      const hashes = req.hashes.map((h, i) => hashField(`hashes[${i}]`, h));
      if (!seesStore(ctx.identity)) return { missing: req.hashes };
      return { missing: req.hashes.filter((_h, i) => !chunks.has(hashes[i]!)) };
    }),
    GetChunks: rpc.serverStream('GetChunks', async (req, send, ctx) => {
      if (req.hashes.length > GET_CHUNKS_MAX_HASHES) {
        throw new StrataError('INVALID_ARGUMENT', `hashes: at most ${GET_CHUNKS_MAX_HASHES} per call, got ${req.hashes.length}`, { field: 'hashes', count: req.hashes.length });
      }
      const hashes = req.hashes.map((h, i) => hashField(`hashes[${i}]`, h));
      await checkScope(req, ctx);
      // A client that checks every chunk itself (the SDK) does not need them hashed here too.
      const verify = !req.clientVerifies;
      const runs = readChunkRuns(chunks, hashes, { buffers: readBuffers, readAheadBytes: READ_AHEAD_BYTES, verify });
      // No hash, nothing to send: no connection to wait for.
      const offer = req.bulk && bulk && hashes.length > 0 ? bulk.offerEnd((forget) => new BulkSendEnd(forget)) : undefined;
      if (!offer) {
        const sender = new ChunkSender(send, readBuffers, ctx);
        for await (const run of runs) {
          if (ctx.signal.aborted) return;
          await sender.add(run);
        }
        return sender.end();
      }
      try {
        ctx.accept({ [BULK_HEADER]: offer.header });
        const sender = new BulkChunkSender(await offer.channel.connection(ctx.signal), readBuffers, ctx);
        for await (const run of runs) {
          if (ctx.signal.aborted) return;
          await sender.add(run);
        }
        await sender.end();
      } finally {
        offer.channel.close();
      }
    }),
  };
}
