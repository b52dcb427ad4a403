// Durable object writes for the local block store that bypass the page
// cache where the file system allows it (Linux O_DIRECT): the device reads
// the bytes from our memory, so the kernel does not copy every byte of a
// pack into freshly allocated page-cache pages only to write them out at
// the fsync. That copy was a third of the server's CPU during a large put
// (perf, docs/benchmarks.md api), and its cost swings with the page cache's
// state: `dd` of 256 MiB here took 0.06 s of system time with O_DIRECT and
// 0.12-1.69 s buffered plus fdatasync.
//
// O_DIRECT needs the memory address, the file offset and the length aligned
// to the device's block size. JavaScript cannot see a Buffer's address, so
// bytes go through a few staging buffers whose aligned start is found once,
// by trial writes at each 16-byte offset (the allocator's alignment) until
// one is accepted; then each piece is copied in (a user-space copy, far
// cheaper than the page cache's) and written at an aligned offset. The last
// piece is padded with zeros and the file cut back to its length before the
// fsync. Durability is the same as the buffered path's: nothing is
// acknowledged before the fsync (O_DIRECT alone does not flush the device's
// cache or the file's size). Where O_DIRECT is refused (tmpfs, some FUSE or
// network file systems, a platform without it) every write takes the
// buffered path, decided once per store.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Bytes copied and written per O_DIRECT write: a large write per syscall, little memory per upload in flight. */
const STAGE_BYTES = 1 << 20;
/** Every write's offset and length are multiples of this (a multiple of any device's logical block size). */
const ALIGN = 4096;
/** Objects smaller than this are written through the page cache: for them the page cache costs little. */
const DIRECT_MIN_BYTES = 256 << 10;
/** Idle staging buffers kept (one per pack upload in flight at the chunk store's default). */
const STAGES_KEPT = 4;

export interface DurableWriter {
  /** Creates `path` (it must not exist) holding `data`, fsynced before this resolves. */
  write(path: string, data: Uint8Array): Promise<void>;
  /** Creates `path` (it must not exist), written in pieces as its bytes arrive (see BlockWriter). */
  pieces(path: string): PieceFile;
  /** Whether writes bypass the page cache ('unknown' until the first large write). */
  readonly mode: 'direct' | 'buffered' | 'unknown';
}

/** A file written as its bytes arrive: each call runs after the one before. */
export interface PieceFile {
  /** `data` is a longer prefix of the file than before: writes what is new of it (in direct mode, up to the last whole block). */
  ahead(data: Uint8Array): Promise<void>;
  /** `data` is the whole file: writes the rest of it and fsyncs; throws the first failure of any call. */
  finish(data: Uint8Array): Promise<void>;
  /** Closes the file once every call is done (the caller removes it if it is not wanted). */
  close(): Promise<void>;
}

export function createDurableWriter(opts: { direct?: boolean } = {}): DurableWriter {
  const O_DIRECT = (constants as Record<string, number | undefined>).O_DIRECT;
  let mode: DurableWriter['mode'] = opts.direct === false || O_DIRECT === undefined ? 'buffered' : 'unknown';
  const spare: Buffer[] = [];
  /**
   * Where the last new staging buffer's aligned start was: tried first, as
   * buffers of one size come from the allocator alike (mmap'd, one header
   * into a page). Each trial is a write through the thread pool; trying from
   * 0 took ~255 of them per new buffer, 0.5 s under load.
   */
  let lastAt = 0;

  /** An aligned staging buffer, its start found by trial writes into `file` (offset 0, overwritten later); undefined when none is accepted. */
  async function stage(file: FileHandle): Promise<Buffer | undefined> {
    const kept = spare.pop();
    if (kept) return kept;
    const raw = Buffer.allocUnsafeSlow(STAGE_BYTES + ALIGN);
    raw.fill(0, 0, ALIGN * 2);
    for (let i = -16; i < ALIGN; i += 16) {
      const at = i < 0 ? lastAt : i;
      if (i >= 0 && at === lastAt) continue;
      try {
        await file.write(raw, at, ALIGN, 0);
        lastAt = at;
        return raw.subarray(at, at + STAGE_BYTES);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
      }
    }
    return undefined;
  }

  async function writeDirect(file: FileHandle, data: Uint8Array, buf: Buffer): Promise<void> {
    for (let at = 0; at < data.length; at += STAGE_BYTES) {
      const n = Math.min(STAGE_BYTES, data.length - at);
      buf.set(data.subarray(at, at + n));
      const padded = Math.ceil(n / ALIGN) * ALIGN;
      if (padded > n) buf.fill(0, n, padded);
      for (let done = 0; done < padded; ) {
        const { bytesWritten } = await file.write(buf, done, padded - done, at + done);
        done += bytesWritten;
      }
    }
    if (data.length % ALIGN !== 0) await file.truncate(data.length);
  }

  async function writeBuffered(path: string, data: Uint8Array, flags: string): Promise<void> {
    const file = await open(path, flags);
    try {
      // writeFile writes 512 KiB at a time. One write call of a whole 8 MiB pack
      // was measured to cost the kernel 2-3x the system time here (page-cache
      // allocation; docs/benchmarks.md, api, put side seventh pass): keep it.
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
  }

  function pieces(path: string): PieceFile {
    let file: FileHandle | undefined;
    let buf: Buffer | undefined; // set in direct mode
    let written = 0; // bytes of the file on disk (a multiple of ALIGN in direct mode)
    let failure: unknown;
    let chain: Promise<void> = Promise.resolve();
    const run = (step: () => Promise<void>): Promise<void> => {
      chain = chain.then(async () => {
        if (failure !== undefined) return;
        try {
          await step();
        } catch (err) {
          failure = err;
        }
      });
      return chain;
    };

    async function opened(): Promise<FileHandle> {
      if (file) return file;
      if (mode !== 'buffered') {
        try {
          file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_DIRECT!, 0o666);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
          mode = 'buffered';
        }
        if (file) {
          buf = await stage(file);
          if (buf) {
            mode = 'direct';
            return file;
          }
          await file.close();
          file = undefined;
          mode = 'buffered';
          return (file = await open(path, 'w'));
        }
      }
      return (file = await open(path, 'wx'));
    }

    /** Writes data[from, to) at `from`; in direct mode `from` is aligned and the last piece padded. */
    async function put(f: FileHandle, data: Uint8Array, from: number, to: number): Promise<void> {
      if (!buf) {
        for (let at = from; at < to; ) at += (await f.write(data, at, to - at, at)).bytesWritten;
        return;
      }
      for (let at = from; at < to; at += STAGE_BYTES) {
        const n = Math.min(STAGE_BYTES, to - at);
        buf.set(data.subarray(at, at + n));
        const padded = Math.ceil(n / ALIGN) * ALIGN;
        if (padded > n) buf.fill(0, n, padded);
        for (let done = 0; done < padded; ) done += (await f.write(buf, done, padded - done, at + done)).bytesWritten;
      }
    }

    return {
      ahead: (data) =>
        run(async () => {
          const f = await opened();
          const to = buf ? data.length - (data.length % ALIGN) : data.length;
          if (to <= written) return;
          await put(f, data, written, to);
          written = to;
        }),
      async finish(data) {
        await run(async () => {
          const f = await opened();
          if (data.length > written) await put(f, data, written, data.length);
          written = data.length;
          if (buf && data.length % ALIGN !== 0) await f.truncate(data.length);
          await f.sync();
        });
        if (failure !== undefined) throw failure;
      },
      async close() {
        await chain;
        const f = file;
        file = undefined;
        await f?.close();
        if (buf && spare.length < STAGES_KEPT) spare.push(buf);
        buf = undefined;
      },
    };
  }

  return {
    pieces,
    get mode() {
      return mode;
    },
    async write(path, data) {
      if (mode === 'buffered' || data.length < DIRECT_MIN_BYTES) return writeBuffered(path, data, 'wx');
      let file: FileHandle;
      try {
        file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_DIRECT!, 0o666);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
        mode = 'buffered'; // the file system refuses O_DIRECT
        return writeBuffered(path, data, 'wx');
      }
      let buf: Buffer | undefined;
      try {
        buf = await stage(file);
        if (buf) {
          mode = 'direct';
          await writeDirect(file, data, buf);
          await file.sync();
          return;
        }
      } finally {
        await file.close();
        if (buf && spare.length < STAGES_KEPT) spare.push(buf);
      }
      // No aligned write was accepted: this file system takes O_DIRECT opens but not the writes.
      mode = 'buffered';
      await writeBuffered(path, data, 'w');
    },
  };
}
