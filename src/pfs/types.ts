// The public face of the versioning core: what transports (gRPC, HTTP,
// mounts) call. Arguments are parsed values (RepoName, Ref, FilePath); the
// transports parse user input with src/ids.ts and src/ref.ts first.
import type { Readable } from 'node:stream';
import type { BranchName, CommitId, FilePath, RepoName } from '../ids.ts';
import type { BranchRecord, CommitRecord, RepoRecord } from '../meta/records.ts';
import type { Ref } from '../ref.ts';

export type { CommitOrigin, CommitState } from '../meta/records.ts';

/** A repo as the API shows it: the stored record plus its branches and size. */
export interface RepoInfo extends RepoRecord {
  branches: BranchName[];
  /** Bytes in the head of the default branch (0 when it has none). */
  size: number;
}

export type BranchInfo = BranchRecord;

/**
 * A commit as the API shows it: the stored record (times in epoch ms; size
 * and fileCount of an open commit are its parent's) plus its children; the
 * index root stays internal.
 */
export interface CommitInfo extends Omit<CommitRecord, 'indexRoot' | 'packs'> {
  children: CommitId[];
}

import type { ChunkRef } from '../ids.ts';

export type { ChunkRef } from '../ids.ts';

export interface FileInfo {
  path: FilePath;
  type: 'file' | 'dir';
  /** For a directory, undefined unless computed (it costs a walk). */
  size?: number;
  /** Content hash of a file (SHA-256 over its chunk hashes). */
  hash?: string;
  chunks?: ChunkRef[];
  /** Attributes stored with a file (S3 metadata); absent when none. */
  attrs?: Readonly<Record<string, string>>;
  /** The commit this view of the file belongs to. */
  commit: CommitId;
}

export interface DiffEntry {
  type: 'added' | 'deleted' | 'modified';
  path: FilePath;
  newSize?: number;
  oldSize?: number;
  newHash?: string;
  oldHash?: string;
}

export interface StartCommitOptions {
  description?: string;
  /** Commits this one is derived from. */
  provenance?: { repo: RepoName; commit: CommitId }[];
  metadata?: Record<string, string>;
}

export interface LogOptions {
  /** Stop after this commit (inclusive); default the root. */
  to?: CommitId;
  limit?: number;
}

export interface ReadOptions {
  offset?: number;
  length?: number;
}

export interface PutOptions {
  append?: boolean;
  /** Attributes stored with the file (replacing its old ones); an append without them keeps the file's. */
  attrs?: Readonly<Record<string, string>>;
}

/**
 * Writes that land in one commit. Against an open commit they stage into it;
 * against a branch whose head is finished, the writer opens a commit and
 * close() finishes it (a one-off commit), atomically.
 */
export interface FileWriter {
  put(path: FilePath, source: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<{ size: number; hash: string }>;
  /** Stages a file whose chunks the store already has (clients that upload chunks themselves). */
  putChunks(path: FilePath, chunks: ChunkRef[], options?: PutOptions): Promise<{ size: number; hash: string }>;
  /** Deletes a file, or with dir=true everything under the directory. */
  delete(path: FilePath, options?: { dir?: boolean }): Promise<void>;
  /** Copies a file or directory by reference: no bytes are copied. A file keeps its attributes unless `attrs` replaces them. */
  copy(src: Ref, srcPath: FilePath, dstPath: FilePath, options?: { attrs?: Readonly<Record<string, string>> }): Promise<void>;
  /** Finishes a one-off commit (no-op for an explicitly opened commit); returns the commit written to. */
  close(): Promise<CommitInfo>;
  /** Drops everything staged by this writer's one-off commit. */
  abort(reason?: unknown): Promise<void>;
}
