// ModifyFile: one client stream, many operations, one commit. A put's data
// messages flow through an async iterable straight into writer.put, so no
// file is ever buffered whole; the reader pulls one message at a time, so
// gRPC flow control holds a client that sends faster than we store. Only an
// explicit `done` commits: a cancelled Node client half-closes its HTTP/2
// stream before resetting it, so a clean end of stream proves nothing. Any
// failure, or an end without `done`, aborts the writer: a one-off commit is
// dropped and nothing is committed.
import type { ChunkStore } from '../../src/blocks/chunk-store.ts';
import { StrataError } from '../../src/errors/index.ts';
import type { FilePath, Hash } from '../../src/ids.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import type { FileWriter } from '../../src/pfs/types.ts';
import type { Logger } from '../log.ts';
import { BULK_HEADER, type BulkChannel, type BulkListener } from './bulk.ts';
import { seesStore, storeChunk, type StoreCounts } from './chunks.ts';
import * as encode from './encode.ts';
import { countField, deletePathField, fileRefField, hashField, pathField, writeTargetField } from './parse.ts';
import type { ModifyFileRequest__Output } from '../../proto/generated/strata/pfs/v1/ModifyFileRequest.ts';
import type { PutChunks__Output } from '../../proto/generated/strata/pfs/v1/PutChunks.ts';
import type { CallContext, PfsRpc } from './rpc.ts';
import type { MessageReader } from './streams.ts';
import type { Oneof } from './wire.ts';

/** A ModifyFile message: the operation its `body` names is set (proto-loader's oneofs option). */
type ModifyFileRequest = Oneof<ModifyFileRequest__Output, 'body'>;
type Input = MessageReader<ModifyFileRequest>;

function badStream(message: string, at: number): StrataError {
  return new StrataError('BAD_STREAM', `ModifyFile: ${message} (message ${at})`, { message: at });
}

/** The data messages that follow a put_file, as bytes; stops at (and hands back) the next operation. */
async function* dataOf(input: Input, ctx: CallContext, path: FilePath, expected: number | undefined): AsyncGenerator<Uint8Array> {
  let received = 0;
  for (;;) {
    const msg = await input.next();
    if (msg === undefined) {
      throw new StrataError('UPLOAD_INCOMPLETE', `ModifyFile: the stream ended in the middle of ${path} (after ${received} bytes, without "done"); nothing was committed`, {
        path,
        received,
      });
    }
    if (msg.body !== 'data') {
      input.unshift(msg);
      break;
    }
    received += msg.data.length;
    ctx.countIn(msg.data.length);
    if (expected !== undefined && received > expected) break;
    if (msg.data.length > 0) yield msg.data;
  }
  if (expected !== undefined && received !== expected) {
    throw new StrataError('UPLOAD_INCOMPLETE', `ModifyFile: ${path} was declared as ${expected} bytes but ${received} arrived; the file was not written`, {
      path,
      expected,
      received,
    });
  }
}

/**
 * The chunks a caller sent on this stream (by hash), which its put_chunks may
 * name when it does not see the store (auth on, not an admin): the bytes are
 * the proof it holds them. Two generations of at most SENT_GENERATION hashes
 * each, so memory is bounded and at least the last SENT_GENERATION distinct
 * chunks sent are remembered (more than the SDK's own 200,000, after which it
 * sends a chunk again).
 */
export const SENT_GENERATION = 262_144;

class SentChunks {
  private current = new Set<string>();
  private previous = new Set<string>();

  add(hash: string): void {
    if (this.current.has(hash)) return;
    if (this.current.size >= SENT_GENERATION) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(hash);
  }

  has(hash: string): boolean {
    return this.current.has(hash) || this.previous.has(hash);
  }
}

interface Stores {
  writer: FileWriter;
  chunks: ChunkStore;
  counts: StoreCounts;
  /** Undefined when the caller sees the store (then any stored chunk may be named). */
  sent: SentChunks | undefined;
  /** The stream's bulk connection, when its client asked for one and was offered it. */
  bulk: BulkChannel | undefined;
  /** Largest chunk a bulk frame may carry (the largest message gRPC would take). */
  maxChunkBytes: number;
}

/** Frame header on the bulk connection: 32 bytes of SHA-256, then the length (4 bytes, big-endian). */
const FRAME_HEADER_BYTES = 36;

/** Stores the chunks a bulk_chunks message announces, read from the stream's bulk connection. */
async function bulkChunks(stores: Stores, count: number, bytes: number, ctx: CallContext): Promise<void> {
  const { bulk, chunks, counts, sent } = stores;
  if (!bulk) throw new StrataError('BAD_STREAM', 'ModifyFile: bulk_chunks on a stream that was offered no bulk connection (set header.bulk and use the port the response headers name)', {});
  let left = bytes;
  for (let i = 0; i < count; i++) {
    if (left < FRAME_HEADER_BYTES) throw new StrataError('BAD_STREAM', `ModifyFile: bulk_chunks announced ${bytes} bytes for ${count} chunks, but chunk ${i} does not fit in them`, { bytes, count });
    const header = await bulk.take(FRAME_HEADER_BYTES);
    const hash = header.toString('hex', 0, 32);
    const length = header.readUInt32BE(32);
    left -= FRAME_HEADER_BYTES;
    if (length > left || length > stores.maxChunkBytes) {
      throw new StrataError('BAD_STREAM', `ModifyFile: bulk chunk ${i} of ${length} bytes does not fit the ${bytes} bytes announced, or is over ${stores.maxChunkBytes} bytes`, { bytes, count, length });
    }
    const data = await bulk.take(length);
    left -= length;
    await storeChunk(chunks, { hash, data }, `bulk_chunks[${counts.chunks}]`, ctx, counts);
    sent?.add(hash);
  }
  if (left !== 0) throw new StrataError('BAD_STREAM', `ModifyFile: bulk_chunks announced ${bytes} bytes, but its ${count} chunks took ${bytes - left}`, { bytes, count });
}

/** Stages one file from stored chunks; `where` names the message's field in errors. */
async function putChunks(writer: FileWriter, msg: PutChunks__Output, where: string, sent: SentChunks | undefined, ctx: CallContext): Promise<void> {
  const path = pathField(`${where}.path`, msg.path);
  const chunks = msg.chunks.map((c, i) => {
    hashField(`${where}.chunks[${i}].hash`, c.hash);
    if (sent && !sent.has(c.hash)) {
      throw new StrataError(
        'NOT_AUTHORIZED',
        `${where}.chunks[${i}]: chunk ${c.hash} was not sent on this stream; ${ctx.identity.subject} may name only chunks it sent here (the "chunks" operation): a hash is not proof of holding the bytes`,
        { subject: ctx.identity.subject, action: 'write', repo: null, needs: 'the chunk sent on this stream' },
      );
    }
    if (countField(`${where}.chunks[${i}].size_bytes`, c.sizeBytes) === 0) {
      throw new StrataError('INVALID_ARGUMENT', `${where}.chunks[${i}].size_bytes: a chunk is never empty`, { field: 'size_bytes' });
    }
    return { hash: c.hash as Hash, size: c.sizeBytes }; // hashField checked it
  });
  await writer.putChunks(path, chunks, { append: msg.append });
}

async function apply(stores: Stores, msg: ModifyFileRequest, input: Input, ctx: CallContext): Promise<void> {
  const { writer, chunks, counts, sent } = stores;
  switch (msg.body) {
    case 'bulkChunks':
      return bulkChunks(stores, msg.bulkChunks.count, countField('bulk_chunks.bytes', msg.bulkChunks.bytes), ctx);
    case 'chunks': {
      for (const c of msg.chunks.chunks) {
        await storeChunk(chunks, c, `chunks.chunks[${counts.chunks}]`, ctx, counts);
        sent?.add(c.hash);
      }
      return;
    }
    case 'putFile': {
      const path = pathField('put_file.path', msg.putFile.path);
      const size = msg.putFile.sizeBytes === undefined ? undefined : countField('put_file.size_bytes', msg.putFile.sizeBytes);
      await writer.put(path, dataOf(input, ctx, path, size), { append: msg.putFile.append });
      return;
    }
    case 'putChunks':
      return putChunks(writer, msg.putChunks, 'put_chunks', sent, ctx);
    case 'putChunksBatch': {
      const files = msg.putChunksBatch.files;
      for (let i = 0; i < files.length; i++) await putChunks(writer, files[i]!, `put_chunks_batch.files[${i}]`, sent, ctx);
      return;
    }
    case 'deleteFile': {
      const { path, dir } = deletePathField('delete_file.path', msg.deleteFile.path);
      await writer.delete(path, msg.deleteFile.dir || dir ? { dir: true } : {});
      return;
    }
    case 'copyFile': {
      const src = fileRefField('copy_file.src', msg.copyFile.src);
      await ctx.authorize('read', src.repo);
      await writer.copy(src, src.path, pathField('copy_file.dst_path', msg.copyFile.dstPath));
      return;
    }
    case 'data':
      throw badStream('a data message must follow a put_file', input.count);
    case 'header':
      throw badStream('only the first message may be a header', input.count);
    case 'done':
      throw badStream('done is handled by the stream loop', input.count);
    default:
      throw badStream('a message sets no operation', input.count);
  }
}

export interface ModifyFileDeps {
  pfs: Pfs;
  chunks: ChunkStore;
  log: Logger;
  /** Offers bulk connections to clients that ask (ModifyFileHeader.bulk); none without it. */
  bulk?: BulkListener;
  maxChunkBytes: number;
}

export function modifyFileHandler(rpc: PfsRpc, { pfs, chunks, log, bulk, maxChunkBytes }: ModifyFileDeps) {
  return rpc.clientStream('ModifyFile', async (messages, ctx) => {
    const input = messages as Input;
    const first = await input.next();
    if (first?.body !== 'header') {
      throw badStream('the first message must be a header naming the target ("repo@branch" or "repo@<open commit id>")', input.count);
    }
    const { repo, target } = writeTargetField('header.target', first.header.target);
    await ctx.authorize('write', repo);
    const writer = await pfs.openWriter(repo, target, { description: first.header.description || undefined });
    const offer = first.header.bulk && bulk ? bulk.offer() : undefined;
    // The SDK sends no data before this: a refused target (a tag, a finished commit) moves no bytes.
    ctx.accept(offer ? { [BULK_HEADER]: offer.header } : {});
    const stores: Stores = {
      writer,
      chunks,
      counts: { chunks: 0, newChunks: 0, newBytes: 0 },
      sent: seesStore(ctx.identity) ? undefined : new SentChunks(),
      bulk: offer?.channel,
      maxChunkBytes,
    };
    try {
      for (let msg = await input.next(); msg?.body !== 'done'; msg = await input.next()) {
        if (msg === undefined) {
          throw new StrataError('UPLOAD_INCOMPLETE', `ModifyFile: the stream ended after ${input.count} message(s) without "done" (cancelled or cut); nothing was committed`, {
            messages: input.count,
          });
        }
        await apply(stores, msg, input, ctx);
      }
      if (ctx.signal.aborted) throw new StrataError('CANCELLED', 'ModifyFile: the client cancelled the call');
      return encode.commitInfo(await writer.close());
    } catch (err) {
      await writer.abort(err).catch((abortErr: unknown) => log.error({ requestId: ctx.requestId, err: abortErr }, 'ModifyFile: aborting the writer failed'));
      log.info({ requestId: ctx.requestId, repo, commit: writer.commit, messages: input.count, reason: (err as Error).message }, 'ModifyFile aborted (a one-off commit is dropped)');
      throw err;
    } finally {
      offer?.channel.close();
    }
  });
}
