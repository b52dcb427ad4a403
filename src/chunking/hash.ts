// Chunk and file hashes.
//
// A chunk is named by the SHA-256 of its bytes (node:crypto, which uses the
// CPU's SHA extensions here), so equal chunks are stored once and every read
// can be verified against its name.
//
// A file's hash is NOT the SHA-256 of its bytes. It is
//   fileHash = SHA-256("strata-file-v1\0" || chunkHash_1 || ... || chunkHash_n)
// a one-level Merkle hash over the chunk hashes, because:
//   - it comes for free while uploading: the chunk hashes are computed anyway,
//     and hashing 32 bytes per 64 KiB chunk costs nothing, whereas a plain
//     SHA-256 of the file would be a second full pass over every byte (the
//     bytes are hashed in parallel per chunk, a whole-file hash cannot be);
//   - it can be recomputed and checked from a file's chunk list alone (fsck,
//     copy by reference, diff) without reading the file's bytes;
//   - the prefix separates domains, so no file hash can equal the hash of a
//     chunk (whose bytes would be the concatenated hashes), and carries the
//     version so a future scheme cannot be confused with this one.
// It depends on the chunk boundaries, hence on the chunking parameters
// (params.ts), which are fixed per format version for this reason too. The
// empty file has zero chunks, and its hash is SHA-256 of the prefix alone.
import { createHash, hash as oneShotHash, type Hash } from 'node:crypto';
import { StrataError } from '../errors/index.ts';
import type { Hash as HashHex } from '../ids.ts';

export const HASH_BYTES = 32;
export const FILE_HASH_PREFIX = 'strata-file-v1\0';

/**
 * SHA-256 of a chunk's bytes: its name in the block store. One call, without
 * a Hash object: for the 1-8 KiB chunks of small files, creating and
 * finishing a Hash cost about as much as hashing the bytes (a put -r of
 * 25,000 files hashes 25,000 chunks on each side).
 */
export function hashChunk(bytes: Uint8Array): Buffer {
  return oneShotHash('sha256', bytes, 'buffer');
}

/** Lower-case hex of a hash (or any bytes), as used in object names and the CLI. */
export function hashHex(hash: Uint8Array): HashHex {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex') as HashHex;
}

export interface FileHasher {
  /** Adds the next chunk hash, in file order. */
  add(chunkHash: Uint8Array): void;
  /** The file hash; the hasher cannot be used afterwards. */
  digest(): Buffer;
}

/** Builds a file hash incrementally, as chunk hashes arrive during an upload. */
export function createFileHasher(): FileHasher {
  let sha: Hash | null = createHash('sha256').update(FILE_HASH_PREFIX, 'latin1');
  return {
    add(chunkHash) {
      if (sha === null) throw new StrataError('INTERNAL', 'file hasher used after digest()');
      checkChunkHash(chunkHash);
      sha.update(chunkHash);
    },
    digest() {
      if (sha === null) throw new StrataError('INTERNAL', 'file hasher digest() called twice');
      const out = sha.digest();
      sha = null;
      return out;
    },
  };
}

const PREFIX_BYTES = Buffer.from(FILE_HASH_PREFIX, 'latin1');

/** The file hash of a file made of these chunks, in order (see the header): one SHA-256 call over the prefix and the hashes. */
export function fileHash(chunkHashes: Iterable<Uint8Array>): Buffer {
  const parts: Uint8Array[] = [PREFIX_BYTES];
  for (const h of chunkHashes) {
    checkChunkHash(h);
    parts.push(h);
  }
  return oneShotHash('sha256', parts.length === 2 ? Buffer.concat(parts, PREFIX_BYTES.length + HASH_BYTES) : Buffer.concat(parts), 'buffer');
}

function checkChunkHash(chunkHash: Uint8Array): void {
  if (!(chunkHash instanceof Uint8Array) || chunkHash.length !== HASH_BYTES) {
    const length = chunkHash instanceof Uint8Array ? chunkHash.length : null;
    throw new StrataError('INVALID_ARGUMENT', `a chunk hash is ${HASH_BYTES} bytes`, { length });
  }
}
