// The chunk cache's files: chunks appended to pack files, many chunks a file,
// so caching a chunk costs a share of one write instead of a file of its own
// (create, write, close, rename: most of a small-file `cat`'s cost through
// the mount went there). A pack is one process's: it is written by that
// process only (its pid and a random tag in the name), read by any, and
// deleted whole when the cache passes its size.
//
// Format (version 1): the 8 bytes "STRCHK01", then records of a chunk's
// SHA-256 (32 bytes), its length (uint32, big-endian) and its bytes. Nothing
// else is needed to find a pack's chunks again (scanPack); a record cut short
// by a crash ends the scan there, and bytes damaged on disk are caught by the
// hash check of the first read (chunk-cache.ts).
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';

export const PACK_MAGIC = Buffer.from('STRCHK01', 'latin1');
export const RECORD_HEADER_BYTES = 36;
export const PACK_SUFFIX = '.pack';

/** One chunk in a pack: where its bytes start and how many there are. */
export interface PackedChunk {
  hash: string;
  offset: number;
  size: number;
}

/** A new pack's file name: sortable by creation, unique across processes sharing the directory. */
export function newPackName(seq: number): string {
  return `${Date.now().toString(36).padStart(9, '0')}-${process.pid}-${randomBytes(4).toString('hex')}-${seq}${PACK_SUFFIX}`;
}

/** The record header of a chunk (its hash as 64 hex characters). */
export function recordHeader(hash: string, size: number): Buffer {
  const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  header.write(hash, 0, 32, 'hex');
  header.writeUInt32BE(size, 32);
  return header;
}

/**
 * The chunks of the pack at `path`, in file order, and the bytes they take
 * (up to the last whole record). Undefined when the file is not a pack.
 */
export async function scanPack(path: string): Promise<{ chunks: PackedChunk[]; bytes: number } | undefined> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(RECORD_HEADER_BYTES);
    if ((await fh.read(head, 0, PACK_MAGIC.length, 0)).bytesRead !== PACK_MAGIC.length || !head.subarray(0, PACK_MAGIC.length).equals(PACK_MAGIC)) return undefined;
    const chunks: PackedChunk[] = [];
    let pos = PACK_MAGIC.length;
    while (pos + RECORD_HEADER_BYTES <= size) {
      if ((await fh.read(head, 0, RECORD_HEADER_BYTES, pos)).bytesRead !== RECORD_HEADER_BYTES) break;
      const length = head.readUInt32BE(32);
      const offset = pos + RECORD_HEADER_BYTES;
      if (offset + length > size) break; // cut short by a crash (or still being written by its process)
      chunks.push({ hash: head.toString('hex', 0, 32), offset, size: length });
      pos = offset + length;
    }
    return { chunks, bytes: pos };
  } finally {
    await fh.close();
  }
}
