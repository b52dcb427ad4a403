// The stored form of a handoff (handoff.ts): one-off commits a server passes
// to the holder of a branch's turn, with their staged changes, to land in
// the holder's group. JSON with a version field, like the records in
// src/meta/records.ts, converted here and only here.
import { parseCommitId, parseRepoName, type CommitId, type Hash, type RepoName } from '../ids.ts';
import type { IndexChange } from '../index/index.ts';
import { decodeJson, encodeJson, type FieldReader } from '../meta/record-fields.ts';

const HANDOFF_VERSION = 1;

export interface HandedCommit {
  id: CommitId;
  description: string;
  provenance: { repo: RepoName; commit: CommitId }[];
  metadata: Record<string, string>;
  /** gc/generation as the writer read it before its first chunk (gc-fence.ts), undefined: no sweep ever ran. */
  generation: Uint8Array | undefined;
  /** In path order, as the writer staged them; every chunk named is durable already, or carried in `chunks`. */
  changes: IndexChange[];
  /** Small chunks' bytes carried in the record (not uploaded by the offering server): the holder stores them. */
  chunks: { hash: string; bytes: Uint8Array }[];
}

export interface Handoff {
  /** The repo record as the writers read it: the landing holds only while it is unchanged. */
  repoRecord: Uint8Array;
  commits: HandedCommit[];
}

const b64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
const fromB64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

export function encodeHandoff(h: Handoff): Uint8Array {
  return encodeJson({
    v: HANDOFF_VERSION,
    repo: b64(h.repoRecord),
    commits: h.commits.map((c) => ({
      id: c.id,
      description: c.description,
      provenance: c.provenance.map((p) => ({ repo: p.repo, commit: p.commit })),
      metadata: c.metadata,
      generation: c.generation === undefined ? null : b64(c.generation),
      changes: c.changes.map(encodeChange),
      ...(c.chunks.length > 0 ? { chunks: c.chunks.map((k) => ({ h: k.hash, d: b64(k.bytes) })) } : {}),
    })),
  });
}

function encodeChange(c: IndexChange): Record<string, unknown> {
  if (c.op !== 'put') return { op: c.op, path: c.path };
  const e = c.entry;
  return { op: 'put', path: e.path, size: e.size, hash: e.hash, chunks: e.chunks.map((k) => ({ h: k.hash, n: k.size })), ...(e.attrs ? { attrs: e.attrs } : {}) };
}

/** Throws META_CORRUPT when the bytes are not a handoff this version reads. */
export function decodeHandoff(bytes: Uint8Array, key: string): Handoff {
  const f = decodeJson(bytes, `handoff at ${key}`, HANDOFF_VERSION);
  return {
    repoRecord: fromB64(f.string('repo')),
    commits: f.array('commits', (c) => ({
      id: c.parsed('id', parseCommitId),
      description: c.string('description'),
      provenance: c.array('provenance', (p) => ({ repo: p.parsed('repo', parseRepoName), commit: p.parsed('commit', parseCommitId) })),
      metadata: c.stringMap('metadata'),
      generation: c.has('generation') && c.nullableString('generation') !== null ? fromB64(c.string('generation')) : undefined,
      changes: c.array('changes', readChange),
      chunks: c.has('chunks') ? c.array('chunks', (k) => ({ hash: k.string('h'), bytes: fromB64(k.string('d')) })) : [],
    })),
  };
}

function readChange(f: FieldReader): IndexChange {
  const op = f.oneOf('op', ['put', 'delete', 'deleteDir'] as const);
  const path = f.string('path');
  if (op !== 'put') return { op, path };
  const chunks = f.array('chunks', (k) => ({ hash: k.string('h') as Hash, size: k.count('n') }));
  return { op, entry: { path, size: f.count('size'), hash: f.string('hash'), chunks, ...(f.has('attrs') ? { attrs: f.stringMap('attrs') } : {}) } };
}
