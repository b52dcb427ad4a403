// File reads: bytes (with offset and length), inspect, list, walk, glob and
// diff. Every stream waits for the client (see streams.ts), so a slow
// reader holds the server's reads instead of filling its memory.
import { StrataError } from '../../src/errors/index.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import * as encode from './encode.ts';
import { LIST_CHUNKS_MAX_BYTES, SEND_DATA_BYTES } from './limits.ts';
import { afterField, commitRefField, countField, fileRefField, optionalCommitRefField } from './parse.ts';
import type { PfsRpc } from './rpc.ts';
import { slices } from './streams.ts';
import { getTarHandler } from './tar.ts';

export function readHandlers(rpc: PfsRpc, pfs: Pfs) {
  return {
    GetFile: rpc.serverStream('GetFile', async (req, send, ctx) => {
      const file = fileRefField('file', req.file);
      const offset = countField('offset', req.offset);
      const length = req.length === undefined ? undefined : countField('length', req.length);
      const bytes = await pfs.getFile(file, file.path, { offset, length });
      try {
        for await (const buf of bytes as AsyncIterable<Buffer>) {
          for (const data of slices(buf, SEND_DATA_BYTES)) {
            await send({ data });
            ctx.countOut(data.length);
          }
        }
      } finally {
        bytes.destroy();
      }
    }),
    GetTar: getTarHandler(rpc, pfs),
    InspectFile: rpc.unary('InspectFile', async (req) => {
      const file = fileRefField('file', req.file);
      return encode.fileInfo(await pfs.inspectFile(file, file.path), { includeChunks: req.includeChunks });
    }),
    ListFile: rpc.serverStream('ListFile', async (req, send) => {
      const dir = fileRefField('dir', req.dir, { dirDefault: true });
      const limit = countField('limit', req.limit);
      const opts = { after: afterField('after', dir.path, req.after), limit: limit === 0 ? undefined : limit };
      const chunksUpTo = countField('include_chunks_max_bytes', req.includeChunksMaxBytes);
      if (chunksUpTo > LIST_CHUNKS_MAX_BYTES) {
        throw new StrataError('INVALID_ARGUMENT', `include_chunks_max_bytes: at most ${LIST_CHUNKS_MAX_BYTES} (16 MiB), got ${chunksUpTo}`, { field: 'include_chunks_max_bytes', input: String(chunksUpTo) });
      }
      for await (const f of pfs.listFiles(dir, dir.path, opts)) {
        await send(encode.fileInfo(f, { includeChunks: f.type === 'file' && (f.size ?? 0) <= chunksUpTo && chunksUpTo > 0 }));
      }
    }),
    WalkFile: rpc.serverStream('WalkFile', async (req, send) => {
      const dir = fileRefField('dir', req.dir, { dirDefault: true });
      for await (const f of pfs.walkFiles(dir, dir.path)) await send(encode.fileInfo(f));
    }),
    GlobFile: rpc.serverStream('GlobFile', async (req, send) => {
      const ref = commitRefField('ref', req.ref);
      if (req.pattern === '') throw new StrataError('INVALID_GLOB', 'pattern: must not be empty (e.g. "/**/*.csv")', { field: 'pattern' });
      for await (const f of pfs.globFiles(ref, req.pattern)) await send(encode.fileInfo(f));
    }),
    DiffFile: rpc.serverStream('DiffFile', async (req, send) => {
      const newer = commitRefField('new_ref', req.newRef);
      const older = optionalCommitRefField('old_ref', req.oldRef);
      for await (const d of pfs.diff(newer, older)) await send(encode.diffEntry(d));
    }),
  };
}
