// Multipart uploads (the S3 gateway's CreateMultipartUpload / UploadPart /
// CompleteMultipartUpload): a file sent in numbered parts, each part stored
// and made durable on its own, so an upload survives a restart and a part can
// be re-sent. Completing it writes the file in one commit from the parts'
// chunk refs (no bytes are copied); GC keeps the chunks of parts alive.
import { randomBytes } from 'node:crypto';
import type { ChunkLane } from '../blocks/chunk-store.ts';
import { writeFile } from '../blocks/file-io.ts';
import { StrataError } from '../errors/index.ts';
import type { BranchName, CommitId, FilePath, RepoName } from '../ids.ts';
import { splitBatch, type BatchOp } from '../meta/meta-store.ts';
import * as keys from '../meta/keys.ts';
import type { PfsContext } from './context.ts';
import { openWriter, type WriteGuard } from './file-writer.ts';
import { fencedBatch, readFence, type Fence } from './gc-fence.ts';
import { requireRepo } from './records-io.ts';
import { deletePrefix, withAttrs } from './staging.ts';
import type { ChunkRef, CommitInfo } from './types.ts';

export const MAX_PART_NUMBER = 10_000;

export interface UploadInfo {
  repo: RepoName;
  id: string;
  branch: BranchName;
  path: FilePath;
  startedAt: number;
  /** Stored with the file when the upload completes (S3 metadata given at its start). */
  attrs?: Readonly<Record<string, string>>;
}

export interface PartInfo {
  part: number;
  size: number;
  /** The part's content hash (SHA-256 over its chunk hashes). */
  hash: string;
  chunks: ChunkRef[];
  writtenAt: number;
  /** Checksums the client sent with the part and the gateway verified (S3's x-amz-checksum-*), kept for its completion. */
  checksums?: Readonly<Record<string, string>>;
}

export interface PutPartOptions {
  /** The part's checksums, asked for once its bytes are all read (the gateway verifies them as they stream). */
  checksums?: () => Readonly<Record<string, string>>;
  /** Threads hashing its chunks (see WriteOptions.concurrency in blocks/file-io.ts). */
  concurrency?: number;
  /** The part's size when known (S3's Content-Length): sizes its pack buffer. */
  expectBytes?: number;
}

type UploadRecord = { v: 1; branch: BranchName; path: FilePath; startedAt: number; attrs?: Record<string, string> };
type PartRecord = { v: 1; size: number; hash: string; chunks: ChunkRef[]; writtenAt: number; checksums?: Record<string, string> };

const UPLOAD_ID = /^[0-9a-f]{32}$/;

function noSuchUpload(repo: RepoName, id: string): StrataError {
  return new StrataError('UPLOAD_NOT_FOUND', `no multipart upload "${id}" in repo "${repo}" (completed, aborted or never started)`, { repo, upload: id });
}

function json<T>(raw: Uint8Array): T {
  return JSON.parse(Buffer.from(raw).toString('utf8')) as T;
}

export async function createUpload(ctx: PfsContext, repo: RepoName, branch: BranchName, path: FilePath, attrs?: Readonly<Record<string, string>>): Promise<UploadInfo> {
  await requireRepo(ctx, repo);
  const id = randomBytes(16).toString('hex');
  const record: UploadRecord = withAttrs({ v: 1 as const, branch, path, startedAt: ctx.clock.now() }, attrs);
  await ctx.meta.put(keys.uploadKey(repo, id), Buffer.from(JSON.stringify(record)));
  return withAttrs({ repo, id, branch, path, startedAt: record.startedAt }, attrs);
}

export async function inspectUpload(ctx: PfsContext, repo: RepoName, id: string): Promise<UploadInfo> {
  const raw = UPLOAD_ID.test(id) ? await ctx.meta.get(keys.uploadKey(repo, id)) : undefined;
  if (!raw) throw noSuchUpload(repo, id);
  const r = json<UploadRecord>(raw);
  return withAttrs({ repo, id, branch: r.branch, path: r.path, startedAt: r.startedAt }, r.attrs);
}

/** Uploads in progress in a repo, oldest id first. */
export async function listUploads(ctx: PfsContext, repo: RepoName): Promise<UploadInfo[]> {
  const out: UploadInfo[] = [];
  for await (const [key, raw] of ctx.meta.scan({ prefix: keys.uploadPrefix(repo) })) {
    const r = json<UploadRecord>(raw);
    out.push({ repo, id: keys.parseUploadKey(key).upload, branch: r.branch, path: r.path, startedAt: r.startedAt });
  }
  return out;
}

/**
 * Stores one part; its chunks are flushed before the part is recorded, so an
 * acknowledged part is durable. Re-sending a part number replaces it. The
 * part's chunks go into packs of its own (a chunk-store lane), so parts
 * streaming at once neither wait for each other's packs nor cut them short.
 */
export async function putPart(ctx: PfsContext, repo: RepoName, id: string, part: number, source: AsyncIterable<Uint8Array>, opts: PutPartOptions = {}): Promise<PartInfo> {
  if (!Number.isInteger(part) || part < 1 || part > MAX_PART_NUMBER) {
    throw new StrataError('INVALID_ARGUMENT', `part number ${part} is out of range: expected 1 to ${MAX_PART_NUMBER}`, { part });
  }
  await inspectUpload(ctx, repo, id);
  const fence = await readFence(ctx); // before this part puts (or deduplicates against) any chunk
  const lane = ctx.chunks.lane({ expectBytes: opts.expectBytes });
  try {
    const file = await writeFile(lane, source, opts.concurrency === undefined ? {} : { concurrency: opts.concurrency });
    return await recordPart(ctx, repo, id, part, { ...file, checksums: opts.checksums?.() }, fence, lane);
  } finally {
    lane.close();
  }
}

/** Stores a part made of chunks the store already holds (a part copied from another file). */
export async function putPartChunks(ctx: PfsContext, repo: RepoName, id: string, part: number, file: { size: number; hash: string; chunks: ChunkRef[]; checksums?: Readonly<Record<string, string>> }): Promise<PartInfo> {
  await inspectUpload(ctx, repo, id);
  const lane = ctx.chunks.lane(); // puts nothing: its flush only proves the chunks stored, without waiting for other writers' packs
  try {
    return await recordPart(ctx, repo, id, part, file, await readFence(ctx), lane);
  } finally {
    lane.close();
  }
}

/**
 * Records a part once its chunks are durable, fenced against GC: a sweep on
 * any server between the first chunk and the record could delete a chunk
 * the part deduplicated against, so the record lands only if no sweep ran
 * or every chunk survived it (gc-fence.ts).
 */
async function recordPart(ctx: PfsContext, repo: RepoName, id: string, part: number, file: { size: number; hash: string; chunks: ChunkRef[]; checksums?: Readonly<Record<string, string>> }, fence: Fence, lane: ChunkLane): Promise<PartInfo> {
  const hashes = () => file.chunks.map((c) => Buffer.from(c.hash, 'hex'));
  await lane.flush(hashes());
  const record: PartRecord = { v: 1, size: file.size, hash: file.hash, chunks: file.chunks, writtenAt: ctx.clock.now() };
  if (file.checksums && Object.keys(file.checksums).length > 0) record.checksums = { ...file.checksums };
  // The upload may have been completed or aborted while this part streamed in.
  const upload = await ctx.meta.get(keys.uploadKey(repo, id));
  if (!upload) throw noSuchUpload(repo, id);
  const put = { type: 'put' as const, key: keys.uploadPartKey(repo, id, part), value: Buffer.from(JSON.stringify(record)) };
  const what = `part ${part} of upload ${id} in repo "${repo}"`;
  if (!(await fencedBatch(ctx, fence, [put], hashes, what, [{ key: keys.uploadKey(repo, id), expected: upload }]))) throw noSuchUpload(repo, id);
  return partInfo(part, record);
}

function partInfo(part: number, r: PartRecord): PartInfo {
  const info: PartInfo = { part, size: r.size, hash: r.hash, chunks: r.chunks, writtenAt: r.writtenAt };
  return r.checksums ? { ...info, checksums: r.checksums } : info;
}

/** The parts stored so far, in part order. */
export async function listParts(ctx: PfsContext, repo: RepoName, id: string): Promise<PartInfo[]> {
  await inspectUpload(ctx, repo, id);
  const out: PartInfo[] = [];
  for await (const [key, raw] of ctx.meta.scan({ prefix: keys.uploadPartPrefix(repo, id) })) {
    const r = json<PartRecord>(raw);
    out.push(partInfo(keys.parseUploadPartKey(key).part, r));
  }
  return out;
}

/** What a completed upload wrote, kept so a retried completion can be answered as the first one was. */
export interface CompletedUpload {
  repo: RepoName;
  id: string;
  branch: BranchName;
  path: FilePath;
  /** The commit the file landed in. */
  commit: CommitId;
  size: number;
  hash: string;
  completedAt: number;
  /** Whatever the caller asked to keep with it (the S3 gateway: a digest of the parts list and its ETag). */
  receipt: Readonly<Record<string, string>>;
}

type CompletionRecord = { v: 1; branch: BranchName; path: FilePath; commit: CommitId; size: number; hash: string; completedAt: number; receipt: Record<string, string> };

export interface CompleteOptions {
  /** Sees the stored parts first and may refuse (throw): nothing is committed then and the upload stays. */
  check?: (stored: Map<number, PartInfo>) => void;
  /** Kept with the completion record (see completedUpload). */
  receipt?: Readonly<Record<string, string>>;
  /** Checked as the file lands, atomically with it (file-writer.ts WriteGuard): S3's conditional Complete. */
  guard?: WriteGuard;
  /** The file's attributes from the upload's and its parts (default: the upload's). */
  attrs?: (upload: UploadInfo, parts: readonly PartInfo[]) => Readonly<Record<string, string>> | undefined;
}

/**
 * Writes the file from the named parts, in the order given (ascending part
 * numbers), as one commit on the upload's branch (or into its open commit).
 * In the same atomic write the upload is forgotten and a completion record
 * kept: two racing completions cannot both commit, and a retry (after a
 * restart, or through another server) finds the record.
 */
export async function completeUpload(ctx: PfsContext, repo: RepoName, id: string, parts: readonly number[], opts: CompleteOptions = {}): Promise<{ commit: CommitInfo; size: number; hash: string }> {
  const upload = await inspectUpload(ctx, repo, id);
  const stored = new Map((await listParts(ctx, repo, id)).map((p) => [p.part, p]));
  opts.check?.(stored);
  const chunks: ChunkRef[] = [];
  const used: PartInfo[] = [];
  for (const n of parts) {
    const p = stored.get(n);
    if (!p) throw new StrataError('INVALID_ARGUMENT', `part ${n} of upload ${id} was never uploaded`, { upload: id, part: n });
    chunks.push(...p.chunks);
    used.push(p);
  }
  const attrs = opts.attrs ? opts.attrs(upload, used) : upload.attrs;
  let file: { size: number; hash: string } | undefined;
  const uploadKey = keys.uploadKey(repo, id);
  const partKeys = [...stored.keys()].map((n) => keys.uploadPartKey(repo, id, n));
  const w = await openWriter(ctx, repo, { branch: upload.branch }, {
    guard: async (before) => {
      const theirs = (await opts.guard?.(before)) ?? {};
      const raw = await ctx.meta.get(uploadKey);
      if (!raw) throw noSuchUpload(repo, id); // completed or aborted meanwhile
      const record: CompletionRecord = { v: 1, branch: upload.branch, path: upload.path, commit: w.commit, size: file!.size, hash: file!.hash, completedAt: ctx.clock.now(), receipt: { ...opts.receipt } };
      const ops: BatchOp[] = [{ type: 'del', key: uploadKey }, { type: 'put', key: keys.uploadDoneKey(repo, id), value: Buffer.from(JSON.stringify(record)) }];
      // The parts go in the same write when the store takes it in one batch, else just after.
      if (partKeys.length + ops.length + 8 <= ctx.meta.limits.maxOps) ops.push(...partKeys.map((key) => ({ type: 'del' as const, key })));
      return { ops: [...ops, ...(theirs.ops ?? [])], conditions: [{ key: uploadKey, expected: raw }, ...(theirs.conditions ?? [])] };
    },
  });
  try {
    file = await w.putChunks(upload.path, chunks, { attrs });
  } catch (err) {
    await w.abort(err);
    throw err;
  }
  const commit = await w.close();
  await deletePrefix(ctx, keys.uploadPartPrefix(repo, id));
  return { commit, ...file };
}

/** The completion record of an upload completed within the retention (see expireUploads), else undefined. */
export async function completedUpload(ctx: PfsContext, repo: RepoName, id: string): Promise<CompletedUpload | undefined> {
  const raw = UPLOAD_ID.test(id) ? await ctx.meta.get(keys.uploadDoneKey(repo, id)) : undefined;
  if (!raw) return undefined;
  const r = json<CompletionRecord>(raw);
  return { repo, id, branch: r.branch, path: r.path, commit: r.commit, size: r.size, hash: r.hash, completedAt: r.completedAt, receipt: r.receipt };
}

/**
 * Aborts every upload, in any repo, started more than `maxAgeMs` ago by the
 * context's clock, and returns them; drops completion records as old. Abandoned uploads otherwise keep their
 * parts' chunks alive (GC marks them) forever. Safe to run on several
 * servers at once: an upload another one aborted first is skipped.
 */
export async function expireUploads(ctx: PfsContext, maxAgeMs: number): Promise<UploadInfo[]> {
  if (!(maxAgeMs > 0)) throw new StrataError('INVALID_ARGUMENT', `upload expiry must be a positive age in ms, got ${maxAgeMs}`, { maxAgeMs });
  const cutoff = ctx.clock.now() - maxAgeMs;
  const old: UploadInfo[] = [];
  for await (const [key, raw] of ctx.meta.scan({ prefix: keys.UPLOAD_PREFIX })) {
    const r = json<UploadRecord>(raw);
    if (r.startedAt > cutoff) continue;
    const { repo, upload } = keys.parseUploadKey(key);
    old.push({ repo, id: upload, branch: r.branch, path: r.path, startedAt: r.startedAt });
  }
  // Completion records live as long as an unfinished upload would.
  const stale: BatchOp[] = [];
  for await (const [key, raw] of ctx.meta.scan({ prefix: keys.UPLOAD_DONE_PREFIX })) {
    if (json<CompletionRecord>(raw).completedAt <= cutoff) stale.push({ type: 'del', key });
  }
  for (const part of splitBatch(stale, ctx.meta.limits)) await ctx.meta.batch(part);
  const expired: UploadInfo[] = [];
  for (const up of old) {
    try {
      await abortUpload(ctx, up.repo, up.id);
      expired.push(up);
    } catch (err) {
      if (!(err instanceof StrataError && err.code === 'UPLOAD_NOT_FOUND')) throw err;
    }
  }
  return expired;
}

export async function abortUpload(ctx: PfsContext, repo: RepoName, id: string): Promise<void> {
  await inspectUpload(ctx, repo, id);
  await deletePrefix(ctx, keys.uploadPartPrefix(repo, id));
  await ctx.meta.del(keys.uploadKey(repo, id));
}
