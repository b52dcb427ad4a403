// The staging area of an open commit: one record per path written since the
// commit started, in the metadata store, so it survives a restart. Finishing
// a commit feeds these records, in path order, to the index as changes.
import { StrataError } from '../errors/index.ts';
import type { CommitId, FilePath, RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import type { IndexChange } from '../index/index.ts';
import { splitBatch, type BatchCondition, type BatchOp } from '../meta/meta-store.ts';
import type { PfsContext } from './context.ts';
import type { ChunkRef } from './types.ts';

type StageRecord = { v: 1; op: 'put'; size: number; hash: string; chunks: ChunkRef[]; attrs?: Record<string, string> } | { v: 1; op: 'delete' } | { v: 1; op: 'deleteDir' };


function encode(record: StageRecord): Uint8Array {
  return Buffer.from(JSON.stringify(record));
}

export function decodeStaged(raw: Uint8Array, key: string): StageRecord {
  try {
    const r = JSON.parse(Buffer.from(raw).toString('utf8')) as StageRecord;
    if (r.v === 1 && (r.op === 'put' || r.op === 'delete' || r.op === 'deleteDir')) return r;
  } catch {
    // fall through
  }
  throw new StrataError('META_CORRUPT', `staging record ${key} is corrupt`, { key });
}

/**
 * Per open commit, a counter bumped on every staged write: lets readers
 * cache a view until it changes. Writes through other servers bump it too
 * (createPfs watches stage/ keys; see bumpStageVersion).
 */
const versions = new WeakMap<PfsContext, Map<string, number>>();

export function stageVersion(ctx: PfsContext, repo: RepoName, id: CommitId): number {
  return versions.get(ctx)?.get(`${repo}/${id}`) ?? 0;
}

export function bumpStageVersion(ctx: PfsContext, repo: RepoName, id: CommitId): void {
  bump(ctx, repo, id);
}

function bump(ctx: PfsContext, repo: RepoName, id: CommitId): void {
  let m = versions.get(ctx);
  if (!m) versions.set(ctx, (m = new Map()));
  const k = `${repo}/${id}`;
  m.set(k, (m.get(k) ?? 0) + 1);
}

export interface StagedFile {
  size: number;
  hash: string;
  chunks: ChunkRef[];
  /** Stored with the file in the index (see FileEntry.attrs). */
  attrs?: Readonly<Record<string, string>>;
}

/** An index entry with `attrs` only when there are some, so entries without stay as they always were. */
export function withAttrs<T extends object>(entry: T, attrs: Readonly<Record<string, string>> | undefined): T & { attrs?: Readonly<Record<string, string>> } {
  return attrs && Object.keys(attrs).length > 0 ? { ...entry, attrs } : entry;
}

/**
 * Stages file puts (a later put of the same path wins), in as few atomic
 * writes as the store's batch limits allow: each file is staged whole.
 * `extra` ops land with the last part.
 */
export async function stagePuts(ctx: PfsContext, repo: RepoName, id: CommitId, files: ReadonlyArray<{ path: FilePath; file: StagedFile }>, conditions: BatchCondition[] = [], extra: BatchOp[] = []): Promise<boolean> {
  if (files.length === 0 && extra.length === 0) return true;
  const ops: BatchOp[] = files.map(({ path, file }) => ({ type: 'put' as const, key: keys.stageKey(repo, id, path), value: encode({ v: 1, op: 'put', ...file }) }));
  try {
    const parts = splitBatch(ops, ctx.meta.limits, conditions);
    if (parts.length === 0) parts.push([]);
    parts[parts.length - 1]!.push(...extra);
    for (const part of parts) if (!(await ctx.meta.batch(part, conditions))) return false;
    return true;
  } finally {
    bump(ctx, repo, id);
  }
}

/** The staged state of one file path: a put, a delete, or nothing staged. */
export async function stagedFile(ctx: PfsContext, repo: RepoName, id: CommitId, path: FilePath): Promise<StageRecord | undefined> {
  const key = keys.stageKey(repo, id, path);
  const raw = await ctx.meta.get(key);
  return raw && decodeStaged(raw, key);
}

/** Resolves false, having staged at most part of it, when a condition fails. */
export async function stageDelete(ctx: PfsContext, repo: RepoName, id: CommitId, path: FilePath, dir: boolean, conditions: BatchCondition[] = []): Promise<boolean> {
  const ops: BatchOp[] = [];
  if (dir) {
    // Earlier staged writes under the directory die with it; later ones sort after its key and win.
    const prefix = keys.stageSubtreePrefix(repo, id, path);
    for await (const [key] of ctx.meta.scan({ prefix })) ops.push({ type: 'del', key });
  }
  ops.push({ type: 'put', key: dir ? keys.stageDirKey(repo, id, path) : keys.stageKey(repo, id, path), value: encode({ v: 1, op: dir ? 'deleteDir' : 'delete' }) });
  // Over the store's limits, the subtree's records go first and the delete marker last.
  try {
    for (const part of splitBatch(ops, ctx.meta.limits, conditions)) if (!(await ctx.meta.batch(part, conditions))) return false;
    return true;
  } finally {
    bump(ctx, repo, id);
  }
}

/** Staged records as index changes, in path order; `onChunk` sees every chunk hash a put refers to. */
export async function* stagedChanges(ctx: PfsContext, repo: RepoName, id: CommitId, onChunk?: (hash: string) => void): AsyncGenerator<IndexChange> {
  for await (const [key, raw] of ctx.meta.scan({ prefix: keys.stagePrefix(repo, id) })) {
    const { path: staged } = keys.parseStageKey(key);
    const r = decodeStaged(raw, key);
    if (r.op === 'deleteDir') {
      yield { op: 'deleteDir', path: staged };
    } else if (r.op === 'delete') {
      yield { op: 'delete', path: staged };
    } else {
      for (const c of r.chunks) onChunk?.(c.hash);
      yield { op: 'put', entry: withAttrs({ path: staged, size: r.size, hash: r.hash, chunks: r.chunks }, r.attrs) };
    }
  }
}

export async function clearStaging(ctx: PfsContext, repo: RepoName, id: CommitId): Promise<void> {
  await deletePrefix(ctx, keys.stagePrefix(repo, id));
}

/** Deletes every key under a prefix in batches, in one pass over a snapshot (re-scanning would walk tombstones). */
export async function deletePrefix(ctx: PfsContext, prefix: string): Promise<void> {
  let batch: { type: 'del'; key: string }[] = [];
  for await (const [key] of ctx.meta.scan({ prefix })) {
    batch.push({ type: 'del', key });
    if (batch.length >= Math.min(1000, ctx.meta.limits.maxOps)) {
      await ctx.meta.batch(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await ctx.meta.batch(batch);
}
