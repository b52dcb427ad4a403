// Writes that land in one commit. Against an open commit they stage into it
// (in batches, durable at close()). Against a branch whose head is finished
// they make a one-off commit: staged in memory (spilling past a bound) and
// landed atomically at close(), so nothing of it is visible before then.
import { writeFile } from '../blocks/file-io.ts';
import { fileHash } from '../chunking/index.ts';
import { StrataError } from '../errors/index.ts';
import { ROOT_PATH, newCommitId, quoteInput, type BranchName, type CommitId, type FilePath, type RepoName } from '../ids.ts';
import type { Ref } from '../ref.ts';
import type { PfsContext } from './context.ts';
import { toCommitInfo } from './commits.ts';
import { commitOneOff, type LandingExtra } from './one-off-commits.ts';
import { OneOffStage } from './one-off-stage.ts';
import { headCommit, requireCommit, requireRepo, type BranchRecord, type CommitRecord, type Stored } from './records-io.ts';
import { commitByPrefix, resolveCommit } from './resolve.ts';
import { decodeStaged, stageDelete, stagedFile, stagePuts, withAttrs, type StagedFile } from './staging.ts';
import { FENCE_KEYS, fenceConditions, fenceFrom, readFence, revalidate, type Fence } from './gc-fence.ts';
import { waitForFinisher } from './finish-claim.ts';
import * as keys from '../meta/keys.ts';
import type { BatchCondition } from '../meta/meta-store.ts';
import { decodeBranch } from '../meta/records.ts';
import { branchNameFree } from './tags.ts';
import { viewRoot } from './view.ts';
import type { ChunkRef, CommitInfo, FileWriter } from './types.ts';

export type WriteTarget = { branch: BranchName } | { commit: CommitId };

/**
 * Puts into an open commit are written to the metadata store in batches of
 * this many, so a million small files cost a thousand writes, not a million.
 */
const STAGE_BATCH = 1000;

/** Where a writer's changes go: the staging area of an open commit, or a one-off commit. */
interface Sink {
  readonly id: CommitId;
  /** close() landed a new commit (a one-off): its children as it landed (none, or the next of its group); undefined otherwise. */
  landedChildren?(): CommitId[] | undefined;
  /** The staged state of a path in this commit, or undefined when untouched. */
  lookup(path: FilePath): Promise<StagedFile | 'deleted' | undefined>;
  /** The index root the commit builds on, for paths it has not touched. */
  baseRoot(): Promise<string | null>;
  put(path: FilePath, file: StagedFile, append: boolean): Promise<void>;
  delete(path: FilePath, dir: boolean): Promise<void>;
  close(guard?: WriteGuard): Promise<CommitRecord>;
  abort(): Promise<void>;
}

function finished(repo: RepoName, id: CommitId): StrataError {
  return new StrataError('COMMIT_FINISHED', `commit ${id} of repo "${repo}" is finished; finished commits never change`, { repo, commit: id });
}

function concat(a: { size: number; chunks: ChunkRef[] }, b: { size: number; chunks: ChunkRef[] }): StagedFile {
  const chunks = [...a.chunks, ...b.chunks];
  return { size: a.size + b.size, chunks, hash: fileHash(chunks.map((c) => Buffer.from(c.hash, 'hex'))).toString('hex') };
}

/**
 * Staging into an explicitly opened commit, refused once it is finished.
 * Each staging batch holds only while the commit is open, no server is
 * finishing it and no GC sweep ran since this writer began (its chunks
 * are then known to exist); otherwise it waits and retries, or fails.
 */
function openCommitSink(ctx: PfsContext, commit: CommitRecord, initialFence: Fence): Sink {
  const { repo, id } = commit;
  let fence = initialFence;
  let pending: { path: FilePath; file: StagedFile }[] = [];
  const pendingByPath = new Map<string, StagedFile>();
  const locked = (hashes: () => Uint8Array[], write: (conditions: BatchCondition[]) => Promise<boolean>): Promise<void> =>
    ctx.commitLock.run([`${repo}/${id}`], async () => {
      for (;;) {
        const stored = await requireCommit(ctx, repo, id);
        if (stored.value.state !== 'open') throw finished(repo, id);
        const conditions = [
          { key: keys.commitKey(repo, id), expected: stored.raw },
          { key: keys.finishingKey(repo, id), expected: undefined },
          ...fenceConditions(fence),
        ];
        if (await write(conditions)) return;
        fence = await revalidate(ctx, fence, hashes(), `staging into commit ${id} of repo "${repo}"`);
        const stale = await waitForFinisher(ctx, repo, id);
        if (stale !== undefined) await ctx.meta.compareAndSet(keys.finishingKey(repo, id), stale, undefined);
      }
    });
  /**
   * The last flush of a guarded writer: the guard sees the commit as other
   * writers left it (staged, else its base) and the batch holds only if
   * every staged record it looked at is unchanged.
   */
  const guardedFlush = async (guard: WriteGuard): Promise<void> => {
    const batch = pending;
    pending = [];
    const hashes = () => batch.flatMap(({ file }) => file.chunks.map((c) => Buffer.from(c.hash, 'hex')));
    if (ctx.meta.shared) await ctx.chunks.flush(hashes());
    const base = await viewRoot(ctx, (await requireCommit(ctx, repo, id)).value);
    await locked(hashes, async (conditions) => {
      const seen: BatchCondition[] = [];
      const before = async (path: FilePath): Promise<StagedFile | undefined> => {
        const key = keys.stageKey(repo, id, path);
        const raw = await ctx.meta.get(key);
        seen.push({ key, expected: raw });
        if (raw) {
          const r = decodeStaged(raw, key);
          return r.op === 'put' ? r : undefined;
        }
        return base ? ctx.reader.get(base, path) : undefined;
      };
      const extra = (await guard(before)) ?? {};
      return stagePuts(ctx, repo, id, batch, [...conditions, ...seen, ...(extra.conditions ?? [])], extra.ops ?? []);
    });
    pendingByPath.clear();
  };
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const hashes = () => batch.flatMap(({ file }) => file.chunks.map((c) => Buffer.from(c.hash, 'hex')));
    // Another server may finish this commit: its chunks must be durable before they are staged.
    if (ctx.meta.shared) await ctx.chunks.flush(hashes());
    await locked(hashes, (conditions) => stagePuts(ctx, repo, id, batch, conditions));
    pendingByPath.clear();
  };
  return {
    id,
    async lookup(path) {
      const mine = pendingByPath.get(path);
      if (mine) return mine;
      const staged = await stagedFile(ctx, repo, id, path);
      if (!staged) return undefined;
      return staged.op === 'put' ? staged : 'deleted';
    },
    baseRoot: async () => viewRoot(ctx, (await requireCommit(ctx, repo, id)).value),
    async put(path, file) {
      pending.push({ path, file });
      pendingByPath.set(path, file);
      if (pending.length >= STAGE_BATCH) await flush();
    },
    async delete(path, dir) {
      await flush(); // orders the delete after this writer's earlier puts
      await locked(() => [], (conditions) => stageDelete(ctx, repo, id, path, dir, conditions));
    },
    async close(guard) {
      if (!guard) await flush();
      else await guardedFlush(guard);
      return (await requireCommit(ctx, repo, id)).value;
    },
    async abort() {
      pending = [];
    },
  };
}

function oneOffSink(ctx: PfsContext, repo: RepoName, branch: BranchName, headRoot: string | null, fence: Fence, repoRecord: Uint8Array, opened: Stored<BranchRecord> | undefined, description?: string): Sink {
  const stage = new OneOffStage(ctx, repo, newCommitId());
  const appended = new Set<FilePath>();
  let children: CommitId[] | undefined;
  return {
    id: stage.id,
    landedChildren: () => children,
    lookup: (path) => stage.lookup(path),
    baseRoot: async () => headRoot,
    put: (path, file, append) => {
      if (append) appended.add(path);
      return stage.put(path, file);
    },
    delete: (path, dir) => stage.delete(path, dir),
    async close(guard) {
      try {
        const landed = await commitOneOff(ctx, repo, branch, {
          id: stage.id,
          description,
          base: headRoot,
          fence,
          repoRecord,
          opened,
          guard: guard && ((root) => guard((path) => (root ? ctx.reader.get(root, path) : Promise.resolve(undefined)))),
          changes: (onChunk) => stage.changes(onChunk),
          // An append was computed against the old head: re-applying it is
          // only right if no other commit changed that file meanwhile. None
          // without appends (such a writer can be handed to another server's group).
          beforeRebase: appended.size === 0 ? undefined : async (base, head) => {
            for (const path of appended) {
              const [before, now] = await Promise.all([ctx.reader.get(base, path), ctx.reader.get(head, path)]);
              if (before?.hash !== now?.hash) {
                throw new StrataError('CONCURRENT_UPDATE', `${repo}@${branch}:${path} changed in another commit while this one appended to it; retry the append`, { repo, branch, path });
              }
            }
          },
        });
        children = landed.children;
        return landed.commit;
      } finally {
        await stage.discard();
      }
    },
    abort: () => stage.discard(),
  };
}

async function openSink(ctx: PfsContext, repo: RepoName, target: WriteTarget, opts: WriterOptions): Promise<Sink> {
  if ('commit' in target) {
    const fence = await readFence(ctx); // before this writer puts any chunk
    const c = (await requireCommit(ctx, repo, target.commit)).value;
    if (c.state !== 'open') throw finished(repo, c.id);
    return openCommitSink(ctx, c, fence);
  }
  // The fence (before this writer puts any chunk), the repo and the branch in one round trip.
  const [generation, sweeping, repoRaw, branchRaw] = await ctx.meta.getMany([...FENCE_KEYS, keys.repoKey(repo), keys.branchKey(repo, target.branch)]);
  const fence = await fenceFrom(ctx, generation, sweeping);
  const repoRecord = repoRaw ?? (await requireRepo(ctx, repo)).raw;
  const b = branchRaw && { value: decodeBranch(branchRaw), raw: branchRaw };
  if (!b) {
    // A first write makes the branch: refuse a tag's name now, before any byte is sent (finish checks again, atomically).
    await branchNameFree(ctx, repo, target.branch);
    // A unique commit-id prefix names that commit, as in reads (resolve.ts), rather than a new branch of that name.
    const byId = await commitByPrefix(ctx, repo, target.branch);
    if (byId) {
      if (byId.value.state !== 'open') throw finished(repo, byId.value.id);
      return openCommitSink(ctx, byId.value, fence);
    }
  }
  const head = b?.value.head ? await headCommit(ctx, repo, b.value.head) : undefined;
  if (head?.state === 'open') return openCommitSink(ctx, head, fence); // Pachyderm: writes to a branch go into its open commit
  return oneOffSink(ctx, repo, target.branch, head?.indexRoot ?? null, fence, repoRecord, b, opts.description);
}

/**
 * Checked as a writer's changes land, atomically with them: `before` reads a
 * file as the commit holds it without this writer's changes (the branch head
 * a one-off commit lands on, or an open commit's staged state). It throws to
 * refuse (nothing lands), or returns writes and conditions that land in the
 * same atomic batch. Called again on every retry of the landing.
 */
export type WriteGuard = (before: (path: FilePath) => Promise<StagedFile | undefined>) => Promise<LandingExtra | void>;

export interface WriterOptions {
  /** The description of a one-off commit (an open commit keeps its own; `commit finish -m` sets that). */
  description?: string;
  /** See WriteGuard: conditional writes (S3 If-Match / If-None-Match) and multipart completion use it. */
  guard?: WriteGuard;
}

export async function openWriter(ctx: PfsContext, repo: RepoName, target: WriteTarget, opts: WriterOptions = {}): Promise<FileWriter & { commit: CommitId }> {
  const opening = performance.now();
  const sink = await openSink(ctx, repo, target, opts);
  if (sink.landedChildren) ctx.stages.since('open', opening);
  const where = (path: FilePath): string => ('branch' in target ? `${repo}@${target.branch}:${path}` : `${repo}@${sink.id}:${path}`);
  let closed: Promise<CommitInfo> | undefined;
  const open = (): void => {
    if (closed) throw new StrataError('COMMIT_FINISHED', `this writer for ${repo}@${sink.id} is closed`, { repo, commit: sink.id });
  };

  /** The file at `path` as this commit sees it now: staged, else inherited. */
  const current = async (path: FilePath): Promise<StagedFile | undefined> => {
    const staged = await sink.lookup(path);
    if (staged) return staged === 'deleted' ? undefined : staged;
    const root = await sink.baseRoot();
    return root ? ctx.reader.get(root, path) : undefined;
  };
  const isDir = async (path: FilePath): Promise<boolean> => {
    const root = await sink.baseRoot();
    return root !== null && (await ctx.reader.isDir(root, path));
  };

  let files = 0;
  /** Refuses a path over the length limit, or a file past the per-commit limit, before anything is staged. */
  const withinLimits = (path: FilePath): void => {
    pathWithinLimit(path);
    if (++files > ctx.limits.maxFilesPerCommit) {
      throw new StrataError('RESOURCE_EXHAUSTED', `one commit may change at most ${ctx.limits.maxFilesPerCommit} files on this server; nothing was committed`, {
        max: ctx.limits.maxFilesPerCommit,
      });
    }
  };
  const pathWithinLimit = (path: FilePath): void => {
    const bytes = Buffer.byteLength(path);
    if (bytes > ctx.limits.maxPathBytes) {
      throw new StrataError('INVALID_PATH', `path ${quoteInput(path)} is ${bytes} bytes long; this server allows at most ${ctx.limits.maxPathBytes}`, {
        path: path.slice(0, 200),
        bytes,
        max: ctx.limits.maxPathBytes,
      });
    }
  };

  const notRoot = (path: FilePath): void => {
    if (path === ROOT_PATH) throw new StrataError('INVALID_PATH', `cannot write a file at ${where(path)}: "/" is the root directory; name a file under it`, { path });
  };

  const stage = async (path: FilePath, file: StagedFile, append: boolean): Promise<{ size: number; hash: string }> => {
    open();
    notRoot(path);
    withinLimits(path);
    const prior = append ? await current(path) : undefined;
    // Only the content fields and attributes: a copied index entry also carries its old path.
    // An append keeps the file's attributes unless new ones are given.
    const next = prior ? withAttrs(concat(prior, file), file.attrs ?? prior.attrs) : withAttrs({ size: file.size, hash: file.hash, chunks: file.chunks }, file.attrs);
    await sink.put(path, next, prior !== undefined);
    return { size: next.size, hash: next.hash };
  };

  return {
    commit: sink.id,
    async put(path, source, options = {}) {
      open();
      notRoot(path); // before any byte is stored
      pathWithinLimit(path);
      return stage(path, withAttrs(await writeFile(ctx.chunks, source), options.attrs), options.append ?? false);
    },
    async putChunks(path, chunks, options = {}) {
      notRoot(path);
      pathWithinLimit(path);
      for (const c of chunks) {
        if (!(await ctx.chunks.find(Buffer.from(c.hash, 'hex')))) {
          throw new StrataError('CHUNK_NOT_FOUND', `cannot stage ${where(path)}: chunk ${c.hash} was never uploaded`, { path, chunk: c.hash });
        }
      }
      const size = chunks.reduce((n, c) => n + c.size, 0);
      return stage(path, withAttrs(concat({ size: 0, chunks: [] }, { size, chunks }), options.attrs), options.append ?? false);
    },
    async delete(path, options = {}) {
      open();
      withinLimits(path);
      const file = (await current(path)) !== undefined;
      const dir = await isDir(path);
      if (!file && !dir) throw new StrataError('FILE_NOT_FOUND', `cannot delete ${where(path)}: no such file or directory`, { repo, path });
      await sink.delete(path, options.dir ?? (dir && !file));
    },
    async copy(src: Ref, srcPath, dstPath, options = {}) {
      open();
      const from = (await resolveCommit(ctx, src)).value;
      const root = await viewRoot(ctx, from);
      const file = root ? await ctx.reader.get(root, srcPath) : undefined;
      if (file) {
        await stage(dstPath, options.attrs ? { ...file, attrs: options.attrs } : file, false);
        return;
      }
      if (!root || !(await ctx.reader.isDir(root, srcPath))) {
        throw new StrataError('FILE_NOT_FOUND', `cannot copy ${src.repo}@${from.id}:${srcPath}: no such file or directory`, { path: srcPath });
      }
      const base = srcPath === '/' ? '' : srcPath;
      const dst = dstPath === '/' ? '' : dstPath;
      for await (const entry of ctx.reader.walk(root, srcPath)) {
        await stage(`${dst}${entry.path.slice(base.length)}` as FilePath, entry, false);
      }
    },
    close() {
      // A one-off commit is described as it landed: no scan of its children.
      closed ??= sink.close(opts.guard).then((c) => toCommitInfo(ctx, c, sink.landedChildren?.()));
      return closed;
    },
    async abort() {
      if (closed) return;
      closed = Promise.reject(new StrataError('STREAM_ABORTED', `the writer for ${repo}@${sink.id} was aborted`));
      closed.catch(() => undefined);
      await sink.abort();
    },
  };
}
