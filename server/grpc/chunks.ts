// Chunk transfer for clients that cut, hash and read files chunk by chunk
// (the SDK): MissingChunks says which chunks to send, UploadChunks (or the
// `chunks` operation of ModifyFile) stores them after checking every hash,
// ModifyFile's put_chunks names them in a file, and GetChunks reads them
// back, verified, in the order asked.
import type { ChunkStore } from '../../src/blocks/chunk-store.ts';
import { readChunks } from '../../src/blocks/chunk-reads.ts';
import { hashChunk } from '../../src/chunking/index.ts';
import { StrataError } from '../../src/errors/index.ts';
import { GET_CHUNKS_MAX_HASHES, SEND_CHUNK_BYTES } from './limits.ts';
import type * as m from './messages.ts';
import { hashField } from './parse.ts';
import type { CallContext, Rpc } from './rpc.ts';

export interface StoreCounts {
  chunks: number;
  newChunks: number;
  newBytes: number;
}

/** Checks one uploaded chunk against its hash and stores it; `where` names it in errors. */
export async function storeChunk(store: ChunkStore, c: { hash: string; data: Buffer }, where: string, ctx: CallContext, counts: StoreCounts): Promise<void> {
  const hash = hashField(`${where}.hash`, c.hash);
  if (c.data.length === 0) throw new StrataError('INVALID_ARGUMENT', `${where}.data: a chunk is never empty`, { chunk: c.hash });
  ctx.countIn(c.data.length);
  if (!hashChunk(c.data).equals(hash)) {
    throw new StrataError('CHUNK_HASH_MISMATCH', `${where}: the ${c.data.length} bytes sent do not hash to ${c.hash}`, { chunk: c.hash, size: c.data.length });
  }
  if (await store.put(hash, c.data)) {
    counts.newChunks++;
    counts.newBytes += c.data.length;
  }
  counts.chunks++;
}

export function chunkHandlers(rpc: Rpc, chunks: ChunkStore) {
  return {
    UploadChunks: rpc.clientStream('UploadChunks', async (input, ctx) => {
      const counts: StoreCounts = { chunks: 0, newChunks: 0, newBytes: 0 };
      for (let msg = await input.next(); msg !== undefined; msg = await input.next()) {
        for (const c of (msg as m.UploadChunksRequest).chunks) await storeChunk(chunks, c, `chunks[${counts.chunks}]`, ctx, counts);
      }
      return counts;
    }),
    MissingChunks: rpc.unary('MissingChunks', async (req: m.MissingChunksRequest) => ({
      missing: req.hashes.filter((h, i) => !chunks.has(hashField(`hashes[${i}]`, h))),
    })),
    GetChunks: rpc.serverStream('GetChunks', async (req: m.GetChunksRequest, send, ctx) => {
      if (req.hashes.length > GET_CHUNKS_MAX_HASHES) {
        throw new StrataError('INVALID_ARGUMENT', `hashes: at most ${GET_CHUNKS_MAX_HASHES} per call, got ${req.hashes.length}`, { field: 'hashes', count: req.hashes.length });
      }
      const hashes = req.hashes.map((h, i) => hashField(`hashes[${i}]`, h));
      let batch: Buffer[] = [];
      let bytes = 0;
      const flush = async (): Promise<void> => {
        await send({ chunks: batch });
        ctx.countOut(bytes);
        batch = [];
        bytes = 0;
      };
      for await (const chunk of readChunks(chunks, hashes)) {
        if (ctx.signal.aborted) return;
        if (batch.length > 0 && bytes + chunk.length > SEND_CHUNK_BYTES) await flush();
        batch.push(chunk);
        bytes += chunk.length;
      }
      if (batch.length > 0) await flush();
    }),
  };
}
