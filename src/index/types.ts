// The in-memory types of a commit's file index. Stored encodings live apart,
// in encoding.ts; these are what the rest of Strata passes around.

import type { ChunkRef } from '../ids.ts';

export type { ChunkRef } from '../ids.ts';

export interface FileEntry {
  /** Normalised absolute path: starts with `/`, no trailing slash, no `.`/`..`, no control characters. */
  path: string;
  size: number;
  /** Lowercase hex digest of the file (1 to 255 bytes; SHA-256 in practice). */
  hash: string;
  chunks: ChunkRef[];
  /**
   * Free-form attributes stored with the file in this commit (the S3 gateway
   * keeps Content-Type, user metadata and the write time here). Absent when
   * none; the core never reads them, only carries them.
   */
  attrs?: Readonly<Record<string, string>>;
}

export type IndexChange =
  | { op: 'put'; entry: FileEntry }
  | { op: 'delete'; path: string }
  /** Deletes everything under `path + '/'` present in the base index; later puts under it still apply. */
  | { op: 'deleteDir'; path: string };

/** Where index objects live. The versioning layer implements it over the chunk store (content-addressed, verified, packed). */
export interface IndexObjectStore {
  /** Stores bytes and returns their SHA-256, lowercase hex. Idempotent. */
  put(bytes: Uint8Array): Promise<string>;
  /** Returns the bytes whose SHA-256 is `hash`, verified by the store. */
  get(hash: string): Promise<Uint8Array>;
}

/** The hash of a metarange: names a whole index. An empty index has no root (null). */
export type IndexRoot = string;

/** One range as listed in a metarange: enough to route a lookup and to sum a commit without reading the range. */
export interface RangeRecord {
  firstPath: string;
  lastPath: string;
  /** Number of entries in the range (>= 1). */
  count: number;
  /** Sum of the entries' file sizes. */
  bytes: number;
  /** SHA-256 of the encoded range object. */
  hash: string;
}

export interface ListItem {
  /** The child's name within the listed directory. */
  name: string;
  path: string;
  type: 'file' | 'dir';
  /** Present for files. */
  entry?: FileEntry;
}

export interface ListOptions {
  /** Resume after the child with this name (as returned in `name`). */
  after?: string;
  limit?: number;
}

export interface DiffItem {
  type: 'added' | 'deleted' | 'modified';
  path: string;
  new?: FileEntry;
  old?: FileEntry;
}

export interface IndexStat {
  files: number;
  bytes: number;
}
