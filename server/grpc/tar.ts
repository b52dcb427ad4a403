// GetTar: a tar archive of a directory's files or a glob's matches, built
// while it is sent. Both ends wait for each other: a file's bytes go into
// its tar entry only as fast as the archive goes out to the client.
import * as tar from 'tar-stream';
import { StrataError } from '../../src/errors/index.ts';
import type { FilePath } from '../../src/ids.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import type { FileInfo } from '../../src/pfs/types.ts';
import type { Ref } from '../../src/ref.ts';
import { SEND_DATA_BYTES } from './limits.ts';
import { fileRefField, pinned } from './parse.ts';
import type { PfsRpc } from './rpc.ts';
import { slices } from './streams.ts';

type Sink = ReturnType<tar.Pack['entry']>;

/** Waits until a full entry wants more, or fails if it was destroyed meanwhile. */
function drained(stream: Sink): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      if (stream.destroyed) reject(new StrataError('CANCELLED', 'tar archive stopped'));
      else resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

async function* filesOf(pfs: Pfs, ref: Ref, dir: FilePath, glob: string): AsyncGenerator<FileInfo> {
  if (glob !== '') return yield* pfs.globFiles(ref, glob);
  const top = await pfs.inspectFile(ref, dir);
  if (top.type === 'file') yield top;
  else yield* pfs.walkFiles(ref, dir);
}

/** Starts a tar entry; `done` settles when tar-stream has taken all its bytes. */
function openEntry(pack: tar.Pack, header: Parameters<tar.Pack['entry']>[0]): { entry: Sink; done: Promise<void> } {
  let entry!: Sink;
  const done = new Promise<void>((resolve, reject) => {
    entry = pack.entry(header, (err) => (err ? reject(err) : resolve()));
  });
  done.catch(() => undefined); // awaited by the caller once the bytes are written
  return { entry, done };
}

/** Writes every file into the archive, then finalizes it; destroys it on failure. */
async function fill(pack: tar.Pack, pfs: Pfs, ref: Ref, files: AsyncIterable<FileInfo>, mtime: Date): Promise<void> {
  try {
    for await (const f of files) {
      if (f.type !== 'file') continue;
      const { entry, done } = openEntry(pack, { name: f.path.slice(1), size: f.size ?? 0, mtime, mode: 0o644 });
      const bytes = await pfs.getFile(ref, f.path);
      try {
        for await (const buf of bytes as AsyncIterable<Buffer>) if (!entry.write(buf)) await drained(entry);
      } finally {
        bytes.destroy();
      }
      entry.end(undefined);
      await done;
    }
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    throw err;
  }
}

export function getTarHandler(rpc: PfsRpc, pfs: Pfs) {
  return rpc.serverStream('GetTar', async (req, send, ctx) => {
    const ref = fileRefField('ref', req.ref, { dirDefault: true });
    if (req.glob !== '' && req.ref.includes(':')) {
      throw new StrataError('INVALID_ARGUMENT', 'ref: give either a path in the ref or a glob, not both', { field: 'ref', input: req.ref });
    }
    // One commit for the whole archive, even if the branch moves meanwhile.
    const commit = await pfs.inspectCommit(ref);
    const at = pinned(ref, commit.id);
    const mtime = new Date(commit.finishedAt ?? commit.startedAt);
    const pack = tar.pack();
    const filling = fill(pack, pfs, at, filesOf(pfs, at, ref.path, req.glob), mtime);
    filling.catch(() => undefined); // awaited below
    try {
      for await (const buf of pack as AsyncIterable<Buffer>) {
        for (const data of slices(buf, SEND_DATA_BYTES)) {
          await send({ data });
          ctx.countOut(data.length);
        }
      }
    } catch (err) {
      pack.destroy();
      await filling.catch(() => undefined);
      throw err;
    }
    await filling;
  });
}
