// What a put reads from: a local file path, a Buffer, a Node Readable or any
// async iterable of bytes, opened as one async iterable plus its size when
// known. Nothing is read ahead beyond the stream's own buffer, so memory
// stays bounded whatever the size. Local file errors become StrataErrors.
import * as fs from 'node:fs';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';
import { StrataError, type ErrorCode } from '../../src/errors/index.ts';

/** A local file path (string), bytes in memory, or a stream of bytes. */
export type PutSource = string | Uint8Array | Readable | AsyncIterable<Uint8Array>;

export interface OpenedSource {
  bytes: AsyncIterable<Uint8Array>;
  /** Known for files and buffers; undefined for streams. */
  size?: number;
}

/** Bytes per read from a local file, and per data message of a raw put. */
export const PIECE_BYTES = 1 << 20;

const ERRNO_CODES: Record<string, ErrorCode> = {
  ENOENT: 'NOT_FOUND',
  ENOTDIR: 'NOT_FOUND',
  EACCES: 'PERMISSION_DENIED',
  EPERM: 'PERMISSION_DENIED',
  EEXIST: 'ALREADY_EXISTS',
  EISDIR: 'FAILED_PRECONDITION',
  ENOSPC: 'RESOURCE_EXHAUSTED',
};

/** A local file system error as a StrataError: `cannot read ./x: no such file or directory`. */
export function localFileError(err: unknown, verb: string, path: string): StrataError {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof StrataError) return err;
  const code = (e?.code && ERRNO_CODES[e.code]) || 'INTERNAL';
  const reason = e?.code === 'ENOENT' ? 'no such file or directory' : e?.code === 'EISDIR' ? 'is a directory' : e?.code === 'EACCES' ? 'permission denied' : (e?.message ?? String(err));
  return new StrataError(code, `cannot ${verb} ${path}: ${reason}`, { local: path, errno: e?.code ?? null }, { cause: err });
}

async function* slicesOf(buf: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < buf.length; at += PIECE_BYTES) yield buf.subarray(at, Math.min(at + PIECE_BYTES, buf.length));
}

/** A file this small is read with one call into a buffer of its size (a stream would allocate PIECE_BYTES). */
const WHOLE_READ_BYTES = 256 << 10;
/**
 * A file this small is opened, read and closed with synchronous calls: a
 * round trip through libuv's thread pool and a promise per call cost 3-6x
 * the CPU of the read itself (25,000 files of 1-8 KiB: 1.0-2.0 CPU-s
 * against 0.3), and blocking the event loop for one read this size is short.
 */
const SYNC_READ_BYTES = 64 << 10;

const openFd = promisify(fs.open);
const readFd = promisify(fs.read);
const closeFd = promisify(fs.close);

/** Reads `fd` from its start until `buf` is full or the file ends; the bytes read. */
async function fill(fd: number, buf: Buffer, sync: boolean): Promise<number> {
  let have = 0;
  while (have < buf.length) {
    const n = sync ? fs.readSync(fd, buf, have, buf.length - have, have) : (await readFd(fd, buf, have, buf.length - have, have)).bytesRead;
    if (n === 0) break;
    have += n;
  }
  return have;
}

/** A small file in one read (one byte more than its size shows whether it grew); a grown file streams its rest. */
async function* smallFile(path: string, size: number): AsyncGenerator<Uint8Array> {
  const sync = size <= SYNC_READ_BYTES;
  let fd: number;
  try {
    fd = sync ? fs.openSync(path, 'r') : await openFd(path, 'r');
  } catch (err) {
    throw localFileError(err, 'read', path);
  }
  try {
    const buf = Buffer.allocUnsafe(size + 1);
    const have = await fill(fd, buf, sync);
    if (have > 0) yield buf.subarray(0, have);
    if (have <= size) return;
    for (let at = have; ; ) {
      const piece = Buffer.allocUnsafe(PIECE_BYTES);
      const { bytesRead } = await readFd(fd, piece, 0, piece.length, at);
      if (bytesRead === 0) return;
      at += bytesRead;
      yield piece.subarray(0, bytesRead);
    }
  } catch (err) {
    throw localFileError(err, 'read', path);
  } finally {
    if (sync) closeQuietly(fd);
    else await closeFd(fd).catch(() => undefined);
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // nothing was written through it: a failed close loses nothing
  }
}

async function* fileBytes(path: string): AsyncGenerator<Uint8Array> {
  const stream = fs.createReadStream(path, { highWaterMark: PIECE_BYTES });
  try {
    for await (const piece of stream) yield piece as Buffer;
  } catch (err) {
    throw localFileError(err, 'read', path);
  } finally {
    stream.destroy();
  }
}

/** A small file's whole bytes, read with synchronous calls (see SYNC_READ_BYTES); local errors as StrataErrors. */
export function readSmallFileSync(path: string): Buffer {
  try {
    return fs.readFileSync(path);
  } catch (err) {
    throw localFileError(err, 'read', path);
  }
}

/** Bytes per slab of SmallFileReader, and idle slabs it keeps. */
const SLAB_BYTES = 1 << 20;
const IDLE_SLABS = 8;

interface Slab {
  buf: Buffer;
  /** Files read into it whose bytes are still held. */
  refs: number;
}

/** A small file's bytes, a view into a slab, and the call that says they are no longer needed. */
export interface SlabBytes {
  bytes: Buffer;
  release: () => void;
}

/**
 * Reads many small files whose sizes a tree walk gave, each with open, one
 * read and close, into shared 1 MiB slabs: the bytes of a file are a view
 * into a slab. readFileSync adds an fstat per file and allocates a buffer
 * of the file's size, each one an ArrayBuffer V8 counts as external memory
 * (for 25,000 files of 1-8 KiB, allocation and GC were ~15 % of the CLI's
 * CPU). A full slab is used again once every file read into it was
 * released (its chunk sent): reading into fresh memory cost the kernel a
 * page fault per 4 KiB, which on this VM was most of the read's cost
 * (25,000 files: 1.15 CPU-s into fresh slabs, 0.45 into a reused buffer).
 */
export class SmallFileReader {
  private slab: Slab = { buf: Buffer.allocUnsafe(0), refs: 0 };
  private used = 0;
  private readonly idle: Buffer[] = [];

  /**
   * The file's bytes if it still has at most `size` bytes (one byte more is
   * asked for, so growth since the walk shows); undefined if it grew.
   */
  read(path: string, size: number): SlabBytes | undefined {
    if (this.used + size + 1 > this.slab.buf.length) {
      const full = this.slab;
      this.slab = { buf: size + 1 <= SLAB_BYTES ? (this.idle.pop() ?? Buffer.allocUnsafe(SLAB_BYTES)) : Buffer.allocUnsafe(size + 1), refs: 0 };
      this.used = 0;
      if (full.refs === 0) this.recycle(full);
    }
    const slab = this.slab;
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (err) {
      throw localFileError(err, 'read', path);
    }
    let have = 0;
    try {
      for (;;) {
        const n = fs.readSync(fd, slab.buf, this.used + have, size + 1 - have, have);
        if (n === 0) break;
        have += n;
        if (have > size) return undefined;
      }
    } catch (err) {
      throw localFileError(err, 'read', path);
    } finally {
      closeQuietly(fd);
    }
    const bytes = slab.buf.subarray(this.used, this.used + have);
    this.used += have;
    slab.refs++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      if (--slab.refs === 0 && slab !== this.slab) this.recycle(slab);
    };
    return { bytes, release };
  }

  private recycle(slab: Slab): void {
    if (slab.buf.length === SLAB_BYTES && this.idle.length < IDLE_SLABS) this.idle.push(slab.buf);
  }
}

/** How a large regular file is read (default: a read stream); see read-buffers.ts. */
export type LargeFileBytes = (path: string) => AsyncIterable<Uint8Array>;

/** A regular file whose size a stat just gave (a tree walk): opened without another stat. */
export function openStatted(path: string, size: number, large: LargeFileBytes = fileBytes): OpenedSource {
  return { bytes: size <= WHOLE_READ_BYTES ? smallFile(path, size) : large(path), size };
}

export async function openSource(source: PutSource, large: LargeFileBytes = fileBytes): Promise<OpenedSource> {
  if (typeof source === 'string') {
    const st = await stat(source).catch((err: unknown) => {
      throw localFileError(err, 'read', source);
    });
    if (st.isDirectory()) throw new StrataError('FAILED_PRECONDITION', `cannot put ${source}: it is a directory (use putDirectory, or put -r)`, { local: source });
    // Regular files have a size to declare; pipes and devices do not.
    if (!st.isFile()) return { bytes: fileBytes(source) };
    return { bytes: st.size <= WHOLE_READ_BYTES ? smallFile(source, st.size) : large(source), size: st.size };
  }
  if (source instanceof Uint8Array) return { bytes: slicesOf(source), size: source.length };
  if (source && typeof (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    return { bytes: normalise(source as AsyncIterable<Uint8Array | string>) };
  }
  throw new StrataError('INVALID_ARGUMENT', 'a put source must be a local file path, a Buffer/Uint8Array, a Readable or an async iterable of bytes');
}

/** Readables in string mode yield strings; everything else passes through. */
async function* normalise(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for await (const piece of source) yield typeof piece === 'string' ? Buffer.from(piece) : piece;
}

/** Calls `onBytes` with the running total as the bytes pass. */
export async function* counted(bytes: AsyncIterable<Uint8Array>, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const piece of bytes) {
    yield piece;
    onBytes(piece.length);
  }
}
