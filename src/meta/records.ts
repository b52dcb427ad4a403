// The records kept in the metadata store, as in-memory types and as their
// stored encodings (JSON with a version field `v`), converted here and only
// here. Stored field names are written out explicitly, so renaming a
// TypeScript field never changes what is on disk. Times are epoch
// milliseconds everywhere.
//
// These are the stored facts. pfs's API types (src/pfs/types.ts RepoInfo,
// CommitInfo, ...) add derived fields (branches, children) on top of them.
import { StrataError } from '../errors/index.ts';
import { parseBranchName, parseCommitId, parseRepoName, quoteInput, type BranchName, type CommitId, type RepoName } from '../ids.ts';
import { decodeJson, encodeJson, type FieldReader, type Json } from './record-fields.ts';

export const RECORD_VERSION = 1;

export interface RepoRecord {
  name: RepoName;
  description: string;
  createdAt: number;
}

export interface BranchRecord {
  repo: RepoName;
  name: BranchName;
  head: CommitId | null;
  provenance: { repo: RepoName; branch: BranchName }[];
  createdAt: number;
}

/** A tag: an immutable name for one finished commit of its repo. */
export interface TagRecord {
  repo: RepoName;
  name: BranchName;
  commit: CommitId;
  createdAt: number;
}

export type CommitOrigin = 'user' | 'auto' | 'squash';
export type CommitState = 'open' | 'finished';
export const COMMIT_ORIGINS: readonly CommitOrigin[] = ['user', 'auto', 'squash'];
export const COMMIT_STATES: readonly CommitState[] = ['open', 'finished'];

export interface CommitRecord {
  repo: RepoName;
  id: CommitId;
  /** The branch it was made on; null once that branch is deleted, or for a detached commit. */
  branch: BranchName | null;
  parent: CommitId | null;
  origin: CommitOrigin;
  description: string;
  state: CommitState;
  startedAt: number;
  /** null exactly while state is 'open'. */
  finishedAt: number | null;
  size: number;
  fileCount: number;
  /** Hash of the top-level index object; null for an open commit and for an empty finished one. */
  indexRoot: string | null;
  provenance: { repo: RepoName; commit: CommitId }[];
  metadata: Record<string, string>;
  /**
   * The packs (name, object size) holding the index objects this commit
   * wrote, so another server sharing the store indexes exactly those before
   * building on or reading the commit, instead of listing the bucket. Only a
   * hint: absent on older records and on commits whose index spans many
   * packs (then the server lists the store, as before).
   */
  packs?: { name: string; size: number }[];
}

export interface MetaVersionRecord {
  /** The key layout version (keys.ts META_LAYOUT_VERSION). */
  layout: number;
}

// ---- Repo ----

export function encodeRepo(r: RepoRecord): Uint8Array {
  return checked({ v: RECORD_VERSION, name: r.name, description: r.description, createdAt: r.createdAt }, readRepo);
}

export function decodeRepo(bytes: Uint8Array, key?: string): RepoRecord {
  return readRepo(decodeJson(bytes, recordName('repo record', key), RECORD_VERSION));
}

function readRepo(f: FieldReader): RepoRecord {
  return { name: f.parsed('name', parseRepoName), description: f.string('description'), createdAt: f.count('createdAt') };
}

// ---- Branch ----

export function encodeBranch(b: BranchRecord): Uint8Array {
  return checked(
    {
      v: RECORD_VERSION,
      repo: b.repo,
      name: b.name,
      head: b.head,
      provenance: b.provenance.map((p) => ({ repo: p.repo, branch: p.branch })),
      createdAt: b.createdAt,
    },
    readBranch,
  );
}

export function decodeBranch(bytes: Uint8Array, key?: string): BranchRecord {
  return readBranch(decodeJson(bytes, recordName('branch record', key), RECORD_VERSION));
}

function readBranch(f: FieldReader): BranchRecord {
  return {
    repo: f.parsed('repo', parseRepoName),
    name: f.parsed('name', parseBranchName),
    head: f.nullableParsed('head', parseCommitId),
    provenance: f.array('provenance', (p) => ({ repo: p.parsed('repo', parseRepoName), branch: p.parsed('branch', parseBranchName) })),
    createdAt: f.count('createdAt'),
  };
}

// ---- Tag ----

export function encodeTag(t: TagRecord): Uint8Array {
  return checked({ v: RECORD_VERSION, repo: t.repo, name: t.name, commit: t.commit, createdAt: t.createdAt }, readTag);
}

export function decodeTag(bytes: Uint8Array, key?: string): TagRecord {
  return readTag(decodeJson(bytes, recordName('tag record', key), RECORD_VERSION));
}

function readTag(f: FieldReader): TagRecord {
  return { repo: f.parsed('repo', parseRepoName), name: f.parsed('name', parseBranchName), commit: f.parsed('commit', parseCommitId), createdAt: f.count('createdAt') };
}

// ---- Commit ----

export function encodeCommit(c: CommitRecord): Uint8Array {
  return checked(
    {
      v: RECORD_VERSION,
      repo: c.repo,
      id: c.id,
      branch: c.branch,
      parent: c.parent,
      origin: c.origin,
      description: c.description,
      state: c.state,
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
      size: c.size,
      fileCount: c.fileCount,
      indexRoot: c.indexRoot,
      provenance: c.provenance.map((p) => ({ repo: p.repo, commit: p.commit })),
      // Sorted, so equal records encode to equal bytes.
      metadata: Object.fromEntries(Object.entries(c.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      ...(c.packs && c.packs.length > 0 ? { packs: c.packs.map((p) => ({ name: p.name, size: p.size })) } : {}),
    },
    readCommit,
  );
}

export function decodeCommit(bytes: Uint8Array, key?: string): CommitRecord {
  return readCommit(decodeJson(bytes, recordName('commit record', key), RECORD_VERSION));
}

function readCommit(f: FieldReader): CommitRecord {
  const state = f.oneOf('state', COMMIT_STATES);
  const finishedAt = f.nullableCount('finishedAt');
  if ((state === 'open') !== (finishedAt === null)) f.fail('finishedAt', `must be null exactly when state is "open" (state is "${state}")`);
  return {
    repo: f.parsed('repo', parseRepoName),
    id: f.parsed('id', parseCommitId),
    branch: f.nullableParsed('branch', parseBranchName),
    parent: f.nullableParsed('parent', parseCommitId),
    origin: f.oneOf('origin', COMMIT_ORIGINS),
    description: f.string('description'),
    state,
    startedAt: f.count('startedAt'),
    finishedAt,
    size: f.count('size'),
    fileCount: f.count('fileCount'),
    indexRoot: f.nullableString('indexRoot'),
    provenance: f.array('provenance', (p) => ({ repo: p.parsed('repo', parseRepoName), commit: p.parsed('commit', parseCommitId) })),
    metadata: f.stringMap('metadata'),
    ...(f.has('packs') ? { packs: f.array('packs', (p) => ({ name: p.parsed('name', parsePackName), size: p.count('size') })) } : {}),
  };
}

function parsePackName(s: string): string {
  if (!/^[0-9a-f]{64}$/.test(s)) throw new StrataError('INVALID_ARGUMENT', `pack name ${quoteInput(s)} is not 64 lowercase hex digits`);
  return s;
}

// ---- meta/version ----

export function encodeMetaVersion(m: MetaVersionRecord): Uint8Array {
  return checked({ v: RECORD_VERSION, layout: m.layout }, readMetaVersion);
}

export function decodeMetaVersion(bytes: Uint8Array, key?: string): MetaVersionRecord {
  return readMetaVersion(decodeJson(bytes, recordName('meta/version record', key), RECORD_VERSION));
}

function readMetaVersion(f: FieldReader): MetaVersionRecord {
  return { layout: f.count('layout') };
}

/** `key` only makes messages say where the bad record is. */
function recordName(what: string, key: string | undefined): string {
  return key === undefined ? what : `${what} at ${quoteInput(key)}`;
}

/**
 * Encodes `obj` after reading it back with the decoder, so nothing is ever
 * written that could not be read (a NaN size, an unparsed id from a cast).
 */
function checked(obj: Json, read: (f: FieldReader) => unknown): Uint8Array {
  const bytes = encodeJson(obj);
  try {
    read(decodeJson(bytes, 'record being written', RECORD_VERSION));
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new StrataError('INTERNAL', `refusing to write an invalid record: ${detail}`, {}, { cause: err });
  }
  return bytes;
}
