// The SDK's public value types, and the one place that converts wire
// messages (camelCase, enums as proto names) into them. Enums become short
// lower-case words and `unset` optionals become absent properties, so the
// values read well in code and print cleanly as JSON. The wire side is the
// generated __Output types (proto/generated/), as the SDK decodes them.
import type { BranchInfo__Output } from '../../proto/generated/strata/pfs/v1/BranchInfo.ts';
import type { CommitInfo__Output } from '../../proto/generated/strata/pfs/v1/CommitInfo.ts';
import type { DiffEntry__Output } from '../../proto/generated/strata/pfs/v1/DiffEntry.ts';
import type { FileInfo__Output } from '../../proto/generated/strata/pfs/v1/FileInfo.ts';
import type { FsckResponse__Output } from '../../proto/generated/strata/pfs/v1/FsckResponse.ts';
import type { GarbageCollectResponse__Output } from '../../proto/generated/strata/pfs/v1/GarbageCollectResponse.ts';
import type { RepoInfo__Output } from '../../proto/generated/strata/pfs/v1/RepoInfo.ts';
import type { ResetBranchResponse__Output } from '../../proto/generated/strata/pfs/v1/ResetBranchResponse.ts';
import type { ServerInfo__Output } from '../../proto/generated/strata/pfs/v1/ServerInfo.ts';
import type { TagInfo__Output } from '../../proto/generated/strata/pfs/v1/TagInfo.ts';
import type { ChunkRef, Hash } from '../../src/ids.ts';

export type CommitState = 'open' | 'finished';
export type CommitOrigin = 'user' | 'auto' | 'squash';
export type FileType = 'file' | 'dir';
export type DiffType = 'added' | 'deleted' | 'modified';

export interface RepoInfo {
  name: string;
  description: string;
  createdAtMs: number;
  branches: string[];
  /** Bytes in the head of the default branch. */
  sizeBytes: number;
}

export interface BranchRef {
  repo: string;
  name: string;
}

export interface BranchInfo {
  repo: string;
  name: string;
  /** Head commit id; absent while the branch has no commits. */
  head?: string;
  provenance: BranchRef[];
  createdAtMs: number;
}

/** An immutable name for a commit: `repo@name` resolves to it. */
export interface TagInfo {
  repo: string;
  name: string;
  /** Id of the commit the tag names. */
  commit: string;
  createdAtMs: number;
}

export interface ResetBranchResult {
  branch: BranchInfo;
  /** The head before the reset (absent when the branch had none); it stays reachable by id. */
  previousHead?: string;
}

export interface CommitRef {
  repo: string;
  id: string;
}

export interface CommitInfo {
  repo: string;
  id: string;
  branch?: string;
  parent?: string;
  children: string[];
  origin: CommitOrigin;
  description: string;
  state: CommitState;
  startedAtMs: number;
  finishedAtMs?: number;
  sizeBytes: number;
  fileCount: number;
  provenance: CommitRef[];
  metadata: Record<string, string>;
}

/** One chunk of a file: src/ids.ts's ChunkRef, the one shape from the chunk store to the SDK (the wire calls `size` size_bytes). */
export type { ChunkRef, Hash } from '../../src/ids.ts';

export interface FileInfo {
  path: string;
  type: FileType;
  sizeBytes?: number;
  /** Content hash of a file; empty for a directory. */
  hash: string;
  /** Only from inspectFile with `includeChunks` (or list with `includeChunksMaxBytes`, for files up to that size). */
  chunks?: ChunkRef[];
  commit: string;
}

export interface DiffEntry {
  type: DiffType;
  path: string;
  newSizeBytes?: number;
  oldSizeBytes?: number;
  newHash?: string;
  oldHash?: string;
}

export interface FsckProblem {
  repo: string;
  commit: string;
  path: string;
  detail: string;
}

export interface FsckReport {
  commits: number;
  files: number;
  problems: FsckProblem[];
  data?: { packs: number; chunks: number; problems: { kind: string; pack: string; chunk: string; detail: string }[] };
}

export interface GcReport {
  commits: number;
  indexObjects: number;
  liveChunks: number;
  deadChunks: number;
  deadBytes: number;
  packsDeleted: number;
  packsRepacked: number;
}

export interface UploadChunksResult {
  chunks: number;
  newChunks: number;
  newBytes: number;
}

/** Bytes and chunks an upload moved (or did not need to move) over the wire. */
export interface TransferStats {
  /** Files staged. */
  files: number;
  /** Bytes of the files' content. */
  bytes: number;
  /** Bytes sent over the wire: chunk uploads plus raw file data. */
  sentBytes: number;
  /** Chunks uploaded because the server lacked them. */
  sentChunks: number;
  /** Chunks the server already had (not sent). */
  reusedChunks: number;
  /** Files of a tree put that the files cache showed unchanged: neither read nor sent. */
  skippedFiles: number;
  /** Bytes of those files. */
  skippedBytes: number;
}

export function emptyStats(): TransferStats {
  return { files: 0, bytes: 0, sentBytes: 0, sentChunks: 0, reusedChunks: 0, skippedFiles: 0, skippedBytes: 0 };
}

export function addStats(into: TransferStats, from: TransferStats): void {
  into.files += from.files;
  into.bytes += from.bytes;
  into.sentBytes += from.sentBytes;
  into.sentChunks += from.sentChunks;
  into.reusedChunks += from.reusedChunks;
  into.skippedFiles += from.skippedFiles;
  into.skippedBytes += from.skippedBytes;
}

// ---- wire -> SDK ----

/** `COMMIT_STATE_OPEN` -> `open`, given the enum's prefix. */
function enumWord<T extends string>(value: unknown, prefix: string): T {
  return String(value).slice(prefix.length).toLowerCase() as T;
}

/** Copies optional fields only when they are set (proto3 `optional` unset is undefined or null). */
function optional<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

/** Drops unset optionals (undefined or null), keeping the key order for readable JSON. */
function compact<T extends object>(value: T): T {
  for (const [k, v] of Object.entries(value)) if (v === undefined || v === null) delete (value as Record<string, unknown>)[k];
  return value;
}

const num = (v: unknown): number | undefined => (v === undefined || v === null ? undefined : Number(v));

export function toRepoInfo(w: RepoInfo__Output): RepoInfo {
  return { name: w.name, description: w.description, createdAtMs: Number(w.createdAtMs), branches: [...w.branches], sizeBytes: Number(w.sizeBytes) };
}

export function toBranchInfo(w: BranchInfo__Output): BranchInfo {
  return compact({
    repo: w.repo,
    name: w.name,
    head: optional(w.head),
    provenance: w.provenance.map((p) => ({ repo: p.repo, name: p.name })),
    createdAtMs: Number(w.createdAtMs),
  });
}

export function toTagInfo(w: TagInfo__Output): TagInfo {
  return { repo: w.repo, name: w.name, commit: w.commit, createdAtMs: Number(w.createdAtMs) };
}

export function toResetBranchResult(w: ResetBranchResponse__Output): ResetBranchResult {
  return compact({ branch: toBranchInfo(w.branch!), previousHead: optional(w.previousHead) });
}

export function toCommitInfo(w: CommitInfo__Output): CommitInfo {
  return compact({
    repo: w.repo,
    id: w.id,
    branch: optional(w.branch),
    parent: optional(w.parent),
    children: [...w.children],
    origin: enumWord<CommitOrigin>(w.origin, 'COMMIT_ORIGIN_'),
    description: w.description,
    state: enumWord<CommitState>(w.state, 'COMMIT_STATE_'),
    startedAtMs: Number(w.startedAtMs),
    finishedAtMs: num(w.finishedAtMs),
    sizeBytes: Number(w.sizeBytes),
    fileCount: Number(w.fileCount),
    provenance: w.provenance.map((p) => ({ repo: p.repo, id: p.id })),
    metadata: { ...w.metadata },
  });
}

export function toFileInfo(w: FileInfo__Output): FileInfo {
  const info: FileInfo = compact({ path: w.path, type: enumWord<FileType>(w.type, 'FILE_TYPE_'), sizeBytes: num(w.sizeBytes), hash: w.hash, commit: w.commit });
  if (w.chunks.length > 0) info.chunks = w.chunks.map((c) => ({ hash: c.hash as Hash, size: c.sizeBytes }));
  return info;
}

export function toDiffEntry(w: DiffEntry__Output): DiffEntry {
  return compact({
    type: enumWord<DiffType>(w.type, 'DIFF_TYPE_'),
    path: w.path,
    newSizeBytes: num(w.newSizeBytes),
    oldSizeBytes: num(w.oldSizeBytes),
    newHash: w.newHash || undefined,
    oldHash: w.oldHash || undefined,
  });
}

export function toFsckReport(w: FsckResponse__Output): FsckReport {
  const report: FsckReport = { commits: w.commits, files: w.files, problems: w.problems.map((p) => ({ repo: p.repo, commit: p.commit, path: p.path, detail: p.detail })) };
  if (w.data) {
    report.data = {
      packs: w.data.packs,
      chunks: w.data.chunks,
      problems: w.data.problems.map((p) => ({ kind: p.kind, pack: p.pack, chunk: p.chunk, detail: p.detail })),
    };
  }
  return report;
}

export function toGcReport(w: GarbageCollectResponse__Output): GcReport {
  return {
    commits: w.commits,
    indexObjects: w.indexObjects,
    liveChunks: w.liveChunks,
    deadChunks: w.deadChunks,
    deadBytes: w.deadBytes,
    packsDeleted: w.packsDeleted,
    packsRepacked: w.packsRepacked,
  };
}

export interface ServerInfo {
  /** The server's release, e.g. `0.1.0`. */
  version: string;
  nodeVersion: string;
  startedAtMs: number;
}

export function toServerInfo(w: ServerInfo__Output): ServerInfo {
  return { version: w.version, nodeVersion: w.nodeVersion, startedAtMs: w.startedAtMs };
}
