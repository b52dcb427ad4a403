// Chunk upload for clients that cut and hash files themselves (the SDK):
// MissingChunks says which chunks to send, UploadChunks stores them after
// checking every hash, and ModifyFile's put_chunks names them in a file.
import type { ChunkStore } from '../../src/blocks/chunk-store.ts';
import { hashChunk } from '../../src/chunking/index.ts';
import { StrataError } from '../../src/errors/index.ts';
import type * as m from './messages.ts';
import { hashField } from './parse.ts';
import type { Rpc } from './rpc.ts';

export function chunkHandlers(rpc: Rpc, chunks: ChunkStore) {
  return {
    UploadChunks: rpc.clientStream('UploadChunks', async (input, ctx) => {
      let count = 0;
      let newChunks = 0;
      let newBytes = 0;
      for (let msg = await input.next(); msg !== undefined; msg = await input.next()) {
        for (const c of (msg as m.UploadChunksRequest).chunks) {
          const where = `chunks[${count}]`;
          const hash = hashField(`${where}.hash`, c.hash);
          if (c.data.length === 0) throw new StrataError('INVALID_ARGUMENT', `${where}.data: a chunk is never empty`, { chunk: c.hash });
          ctx.countIn(c.data.length);
          if (!hashChunk(c.data).equals(hash)) {
            throw new StrataError('CHUNK_HASH_MISMATCH', `${where}: the ${c.data.length} bytes sent do not hash to ${c.hash}`, { chunk: c.hash, size: c.data.length });
          }
          if (await chunks.put(hash, c.data)) {
            newChunks++;
            newBytes += c.data.length;
          }
          count++;
        }
      }
      return { chunks: count, newChunks, newBytes };
    }),
    MissingChunks: rpc.unary('MissingChunks', async (req: m.MissingChunksRequest) => ({
      missing: req.hashes.filter((h, i) => !chunks.has(hashField(`hashes[${i}]`, h))),
    })),
  };
}
