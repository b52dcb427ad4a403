// A file read from the server written to a local path atomically: a temp
// file in the same directory, renamed into place when complete. Apart from
// files-read.ts so that a command that only reads to stdout, or only lists,
// never loads file-system promises and stream pipelines (client.ts imports
// this on first use).
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { isStrataError } from '../../src/errors/index.ts';
import { localFileError } from './sources.ts';

/** Writes a Readable to `path` through a temp file in the same directory, renamed into place when complete. */
export async function writeAtomically(source: Readable, path: string): Promise<void> {
  await throughTempFile(path, (tmp) => pipeline(source, createWriteStream(tmp, { flags: 'wx' })), () => source.destroy());
}

/**
 * As writeAtomically, from groups of pieces (readFileGroups: a GetChunks
 * message's chunks), each written with one writev: a few hundred system calls
 * per GiB instead of one per chunk, and no stream machinery per chunk.
 */
export async function writeGroupsAtomically(groups: AsyncGenerator<Buffer[], void, undefined>, path: string, onBytes?: (n: number) => void): Promise<void> {
  await throughTempFile(
    path,
    async (tmp) => {
      const fh = await open(tmp, 'wx');
      try {
        for await (const group of groups) {
          const total = group.reduce((n, b) => n + b.length, 0);
          const { bytesWritten } = await fh.writev(group);
          // A short write (rare: a signal, a full disk) goes on where it stopped.
          for (let done = bytesWritten; done < total; ) done += (await fh.write(Buffer.concat(group).subarray(done))).bytesWritten;
          onBytes?.(total);
        }
      } finally {
        await fh.close();
      }
    },
    () => void groups.return(undefined).catch(() => undefined),
  );
}

async function throughTempFile(path: string, write: (tmp: string) => Promise<void>, cancel: () => void): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.strata-${randomBytes(4).toString('hex')}`);
  try {
    await write(tmp);
  } catch (err) {
    cancel();
    await rm(tmp, { force: true });
    // Errors of the download (StrataErrors) pass through; local ones are named.
    throw isStrataError(err) ? err : localFileError(err, 'write', path);
  }
  await rename(tmp, path).catch(async (err: unknown) => {
    await rm(tmp, { force: true });
    throw localFileError(err, 'write', path);
  });
}
