// `lazy` pfs inputs, as Pachyderm defines them: the datum's files appear as
// named pipes (FIFOs) and no byte is read from the store until the command
// opens one; a file never opened is never fetched. Each pipe is fed by a
// small loop: wait for a reader (a non-blocking open for writing fails with
// ENXIO until one has it open) and stream the file from pfs into it; a
// file read whole is then a plain file for any later open (see feedFifos).
// Pipes do not seek and show size 0, which is why Pachyderm makes this
// opt-in; the same holds here.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants, createWriteStream, open } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import { StrataError } from '../errors/index.ts';
import type { FilePath } from '../ids.ts';
import type { Pfs } from '../pfs/pfs.ts';
import type { Ref } from '../ref.ts';

/** How often a pipe nobody reads yet is checked, at most (it starts faster and backs off). */
const MAX_POLL_MS = 50;
const MKFIFO_BATCH = 500;
// A raw descriptor (not a FileHandle): the socket below owns and closes it.
const openFd = promisify(open);

/** Makes named pipes at `paths` (parents must exist), a few hundred per mkfifo. */
export async function makeFifos(paths: string[]): Promise<void> {
  for (let i = 0; i < paths.length; i += MKFIFO_BATCH) {
    const batch = paths.slice(i, i + MKFIFO_BATCH);
    const err = await new Promise<string | undefined>((resolve) => {
      const child = spawn('mkfifo', ['-m', '0444', '--', ...batch], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => void (stderr += b.toString()));
      child.once('error', (e) => resolve(e.message));
      child.once('exit', (code) => resolve(code === 0 ? undefined : stderr.trim() || `exit code ${code}`));
    });
    if (err) throw new StrataError('INTERNAL', `cannot make the named pipes of a lazy input: mkfifo: ${err}`);
  }
}

export interface LazyFeed {
  /** Stops feeding (the command has ended): pipes not opened were never read. */
  stop(): Promise<void>;
}

type LazyFile = { fifo: string; ref: Ref; path: FilePath };

/** Writes `chunk` to `w`, waiting while it is full; rejects if `w` fails (EPIPE: the reader went away). */
async function write(w: Writable, chunk: Buffer): Promise<void> {
  if (!w.write(chunk)) await once(w, 'drain');
}

async function end(w: Writable): Promise<void> {
  w.end();
  await finished(w);
}

/**
 * Feeds each pipe with its file of `ref` once a reader opens it. While
 * streaming, the bytes also go to a copy in `scratch`; once whole, the copy
 * is renamed over the pipe, so a second open reads a plain file (a second
 * feed could not tell a new reader from the first one that has not yet
 * seen the end). A reader that stops early (EPIPE) leaves the pipe in
 * place for the next one.
 */
export function feedFifos(pfs: Pfs, files: LazyFile[], scratch: string): LazyFeed {
  const done = new AbortController();
  const open = new Set<Writable>();
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const feedOne = async (f: LazyFile, n: number): Promise<void> => {
    let wait = 1;
    while (!done.signal.aborted) {
      let fd: number;
      try {
        fd = await openFd(f.fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENXIO') return; // removed: the datum is over
        await sleep(wait);
        wait = Math.min(MAX_POLL_MS, wait * 2);
        continue;
      }
      wait = 1;
      const out = new Socket({ fd, readable: false, writable: true });
      const copyPath = join(scratch, String(n));
      const copy = createWriteStream(copyPath);
      open.add(out).add(copy);
      try {
        for await (const chunk of await pfs.getFile(f.ref, f.path)) {
          if (done.signal.aborted) throw done.signal.reason;
          await Promise.all([write(out, chunk as Buffer), write(copy, chunk as Buffer)]);
        }
        await end(copy);
        await rename(copyPath, f.fifo);
        await end(out);
        return;
      } catch {
        // The reader closed early or we were stopped: the pipe stays for another reader.
        await rm(copyPath, { force: true });
      } finally {
        out.destroy();
        copy.destroy();
        open.delete(out);
        open.delete(copy);
      }
    }
  };
  const all = mkdir(scratch, { recursive: true }).then(() => Promise.all(files.map(feedOne)));
  return {
    async stop() {
      done.abort();
      for (const w of open) w.destroy();
      await all.catch(() => undefined);
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
