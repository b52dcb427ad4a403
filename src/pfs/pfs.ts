// The versioning core's front door: createPfs wires the modules of src/pfs
// over a MetaStore and a ChunkStore. Transports call these methods with
// parsed values (see ids.ts, ref.ts); each method checks what it needs.
import type { Readable } from 'node:stream';
import type { ChunkStore } from '../blocks/chunk-store.ts';
import type { BranchName, CommitId, FilePath, RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import type { MetaStore } from '../meta/meta-store.ts';
import { decodeBranch, decodeCommit } from '../meta/records.ts';
import type { Ref } from '../ref.ts';
import { createBranch, deleteBranch, inspectBranch, listBranches, resetBranch, type CreateBranchOptions, type ResetResult } from './branches.ts';
import { createTag, deleteTag, listTags, requireTag, type TagInfo } from './tags.ts';
import { dropCommit, squashCommit } from './commit-history.ts';
import { finishCommit, log, startCommit, subscribe, toCommitInfo, waitForCommit } from './commits.ts';
import { createContext, type PfsContext, type PfsDeps } from './context.ts';
import { diffCommits, getFile, globFiles, inspectFile, listFiles, walkFiles } from './file-reads.ts';
import { openWriter, type WriteTarget, type WriterOptions } from './file-writer.ts';
import { collectGarbage, fsck, rebuildChunkIndex, type FsckReport, type GcOptions, type GcReport } from './gc.ts';
import { listRepos, createRepo, deleteRepo, inspectRepo, purgeRepoKeys } from './repos.ts';
import { resolveCommit, resolveRecord } from './resolve.ts';
import { bumpStageVersion, clearStaging } from './staging.ts';
import * as uploads from './uploads.ts';
import type { BranchInfo, ChunkRef, CommitInfo, DiffEntry, FileInfo, FileWriter, LogOptions, ReadOptions, RepoInfo, StartCommitOptions } from './types.ts';

export type { PfsDeps } from './context.ts';

export type Pfs = ReturnType<typeof pfsApi>;

/** Builds the core and recovers from an unclean stop (see recover()). */
export async function createPfs(deps: PfsDeps): Promise<Pfs> {
  const ctx = createContext(deps);
  await watchCommits(ctx);
  await recover(ctx);
  return pfsApi(ctx);
}

/**
 * Commit events come from the metadata store, not from this process's own
 * writes, so subscribers, waiters and the pipeline controller see commits
 * finished through any server sharing the store: 'finished' when a commit
 * record becomes finished, 'dropped' when an open or finished record goes.
 * Staged writes through other servers invalidate cached views of open commits.
 */
async function watchCommits(ctx: PfsContext): Promise<void> {
  await ctx.meta.watch('commit/', ({ key, value, prev }) => {
    try {
      if (value !== undefined) {
        const c = decodeCommit(value);
        ctx.finished.saw(c);
        if (c.state === 'finished' && (prev === undefined || decodeCommit(prev).state === 'open')) ctx.events.emit('finished', c);
      } else if (prev !== undefined) {
        const { repo, commit } = keys.parseCommitKey(key);
        ctx.finished.forget(repo, commit);
        ctx.events.emit('dropped', decodeCommit(prev));
      }
    } catch (err) {
      // A listener's failure is its own; the write that caused the event has landed.
      ctx.log.warn({ key, err }, 'commit event listener failed');
    }
  });
  await watchHeads(ctx);
  await ctx.meta.watch('stage/', ({ key }) => {
    const { repo, commit } = keys.parseStageKey(key);
    bumpStageVersion(ctx, repo, commit);
  });
}

/** What a 'head' event carries: a branch record now names `head` where it named `previous`. */
export interface HeadMoved {
  repo: RepoName;
  branch: BranchName;
  head: CommitId;
  previous: CommitId | null;
}

/**
 * 'head' when a branch record's head changes to a commit (a reset, a new
 * branch made from a commit, a one-off or started commit, a dropped head),
 * from the store like commit events, so the pipeline controller of any
 * server sees a reset made through another. Listeners sort out which moves
 * matter to them; 'finished' is unchanged, so subscribers and waiters see
 * the same commits as before.
 */
async function watchHeads(ctx: PfsContext): Promise<void> {
  await ctx.meta.watch('branch/', ({ key, value, prev }) => {
    try {
      if (value === undefined) return;
      const head = decodeBranch(value).head;
      const previous = prev === undefined ? null : decodeBranch(prev).head;
      if (head === null || head === previous) return;
      const { repo, branch } = keys.parseBranchKey(key);
      ctx.events.emit('head', { repo, branch, head, previous } satisfies HeadMoved);
    } catch (err) {
      ctx.log.warn({ key, err }, 'branch event listener failed');
    }
  });
}

/**
 * After a crash: staging left by one-off commits that never landed (their
 * writers were never acknowledged) or by commits that did finish is cleared,
 * and repo deletes that were cut short are finished. Commits opened
 * explicitly stay open and intact.
 */
async function recover(ctx: PfsContext): Promise<void> {
  // A repo delete removes the repo record first; finish any whose clean-up was cut short.
  const orphans = new Set<RepoName>();
  for await (const [key] of ctx.meta.scan({ prefix: 'branch/' })) orphans.add(keys.parseBranchKey(key).repo);
  for await (const [key] of ctx.meta.scan({ prefix: 'commit/' })) orphans.add(keys.parseCommitKey(key).repo);
  for (const repo of orphans) {
    if (!(await ctx.meta.get(keys.repoKey(repo)))) await purgeRepoKeys(ctx, repo);
  }
  const seen = new Set<string>();
  for await (const [key] of ctx.meta.scan({ prefix: 'stage/' })) {
    const { repo, commit } = keys.parseStageKey(key);
    if (seen.has(`${repo}/${commit}`)) continue;
    seen.add(`${repo}/${commit}`);
    const c = await ctx.meta.get(keys.commitKey(repo, commit));
    // Spilled staging of a one-off commit has no record until it lands: on a
    // shared store it may be another server's write in flight, so it stays.
    if (c ? decodeCommit(c).state === 'finished' : !ctx.meta.shared) await clearStaging(ctx, repo, commit);
  }
  if (!ctx.meta.shared) await dropDeadLeases(ctx);
}

/**
 * A store no other process opens (LevelDB holds its lock) can only hold GC
 * and finish leases of a process that died: a kill -9 mid-GC leaves the GC
 * lock and the sweep fence up. Left alone they would stall every write and
 * GC until the lease ran out (lease.ts); dropped here, they cost
 * nothing. On a shared store they may belong to a live server, so they stay.
 */
async function dropDeadLeases(ctx: PfsContext): Promise<void> {
  const dead: string[] = [keys.GC_LOCK_KEY, keys.GC_SWEEPING_KEY];
  for await (const [key] of ctx.meta.scan({ prefix: 'finishing/' })) dead.push(key);
  for (const key of dead) await ctx.meta.del(key);
}

function pfsApi(ctx: PfsContext) {
  const commitOf = async (ref: Ref) => (await resolveCommit(ctx, ref)).value;
  const recordOf = async (ref: Ref) => (await resolveRecord(ctx, ref)).value;
  return {
    context: ctx,
    createRepo: (name: RepoName, opts?: { description?: string }): Promise<RepoInfo> => createRepo(ctx, name, opts),
    inspectRepo: (name: RepoName): Promise<RepoInfo> => inspectRepo(ctx, name),
    listRepos: (): Promise<RepoInfo[]> => listRepos(ctx),
    deleteRepo: (name: RepoName, opts?: { force?: boolean }): Promise<void> => deleteRepo(ctx, name, opts),

    createBranch: (repo: RepoName, name: BranchName, opts?: CreateBranchOptions): Promise<BranchInfo> => createBranch(ctx, repo, name, opts),
    inspectBranch: (repo: RepoName, name: BranchName): Promise<BranchInfo> => inspectBranch(ctx, repo, name),
    listBranches: (repo: RepoName): Promise<BranchInfo[]> => listBranches(ctx, repo),
    deleteBranch: (repo: RepoName, name: BranchName): Promise<void> => deleteBranch(ctx, repo, name),
    resetBranch: (repo: RepoName, name: BranchName, to: Ref, opts?: { expectedHead?: CommitId }): Promise<ResetResult> => resetBranch(ctx, repo, name, to, opts),

    createTag: (repo: RepoName, name: BranchName, target: Ref): Promise<TagInfo> => createTag(ctx, repo, name, target),
    inspectTag: async (repo: RepoName, name: BranchName): Promise<TagInfo> => (await requireTag(ctx, repo, name)).value,
    listTags: (repo: RepoName): Promise<TagInfo[]> => listTags(ctx, repo),
    deleteTag: (repo: RepoName, name: BranchName): Promise<void> => deleteTag(ctx, repo, name),

    startCommit: async (repo: RepoName, branch: BranchName, opts?: StartCommitOptions): Promise<CommitInfo> =>
      toCommitInfo(ctx, await startCommit(ctx, repo, branch, opts)),
    finishCommit: async (ref: Ref, opts?: { description?: string }): Promise<CommitInfo> => {
      const c = await commitOf(ref);
      return toCommitInfo(ctx, await finishCommit(ctx, c.repo, c.id, opts));
    },
    inspectCommit: async (ref: Ref): Promise<CommitInfo> => toCommitInfo(ctx, await recordOf(ref)),
    waitCommit: async (ref: Ref, signal?: AbortSignal): Promise<CommitInfo> => {
      const c = await recordOf(ref);
      return toCommitInfo(ctx, await waitForCommit(ctx, c.repo, c.id, signal));
    },
    log: async function* (ref: Ref, opts?: LogOptions): AsyncGenerator<CommitInfo> {
      for await (const c of log(ctx, await resolveCommit(ctx, ref), opts)) yield toCommitInfo(ctx, c);
    },
    subscribe: async function* (repo: RepoName, branch: BranchName, signal: AbortSignal): AsyncGenerator<CommitInfo> {
      for await (const c of subscribe(ctx, repo, branch, signal)) yield toCommitInfo(ctx, c);
    },
    /** Commits whose provenance names this commit (the other direction of provenance). */
    subvenance: async (ref: Ref): Promise<{ repo: RepoName; commit: CommitId }[]> => {
      const c = await commitOf(ref);
      const out: { repo: RepoName; commit: CommitId }[] = [];
      for await (const [key] of ctx.meta.scan({ prefix: keys.commitSubvenancePrefix({ repo: c.repo, commit: c.id }) })) {
        const { down } = keys.parseCommitSubvenanceKey(key);
        out.push({ repo: down.repo, commit: down.commit });
      }
      return out;
    },
    squashCommit: async (ref: Ref): Promise<void> => {
      const c = await commitOf(ref);
      await squashCommit(ctx, c.repo, c.id);
    },
    dropCommit: async (ref: Ref): Promise<void> => {
      const c = await commitOf(ref);
      await dropCommit(ctx, c.repo, c.id);
    },

    /** Writes that land in one commit: the open commit `target` names, or a one-off commit on the branch. */
    openWriter: (repo: RepoName, target: WriteTarget, opts?: WriterOptions): Promise<FileWriter & { commit: CommitId }> => openWriter(ctx, repo, target, opts),
    /** One file in one step (a one-off commit unless the branch head is open). */
    putFile: async (repo: RepoName, target: WriteTarget, path: FilePath, source: AsyncIterable<Uint8Array>, opts?: { append?: boolean }): Promise<CommitInfo> => {
      const w = await openWriter(ctx, repo, target);
      try {
        await w.put(path, source, opts);
      } catch (err) {
        await w.abort(err);
        throw err;
      }
      return w.close();
    },
    getFile: async (ref: Ref, path: FilePath, opts?: ReadOptions): Promise<Readable> => getFile(ctx, await commitOf(ref), path, opts),
    inspectFile: async (ref: Ref, path: FilePath): Promise<FileInfo> => inspectFile(ctx, await commitOf(ref), path),
    listFiles: async function* (ref: Ref, dir: FilePath, opts?: { after?: string; limit?: number }): AsyncGenerator<FileInfo> {
      yield* listFiles(ctx, await commitOf(ref), dir, opts);
    },
    walkFiles: async function* (ref: Ref, dir: FilePath): AsyncGenerator<FileInfo> {
      yield* walkFiles(ctx, await commitOf(ref), dir);
    },
    globFiles: async function* (ref: Ref, pattern: string): AsyncGenerator<FileInfo> {
      yield* globFiles(ctx, await commitOf(ref), pattern);
    },
    /** `opts.after`: only changes after that path (a paged diff resumes without reading what came before). */
    diff: async function* (newer: Ref, older?: Ref, opts: { after?: FilePath } = {}): AsyncGenerator<DiffEntry> {
      const n = await commitOf(newer);
      const o = older ? await commitOf(older) : n.parent ? (await resolveCommit(ctx, { ...newer, target: { kind: 'commit', id: n.parent }, ancestry: null })).value : null;
      yield* diffCommits(ctx, n, o, opts.after);
    },

    /** Multipart uploads: durable parts, completed into one file in one commit (see uploads.ts). */
    uploads: {
      create: (repo: RepoName, branch: BranchName, path: FilePath, attrs?: Readonly<Record<string, string>>) => uploads.createUpload(ctx, repo, branch, path, attrs),
      inspect: (repo: RepoName, id: string) => uploads.inspectUpload(ctx, repo, id),
      list: (repo: RepoName) => uploads.listUploads(ctx, repo),
      putPart: (repo: RepoName, id: string, part: number, source: AsyncIterable<Uint8Array>, opts?: uploads.PutPartOptions) =>
        uploads.putPart(ctx, repo, id, part, source, opts),
      putPartChunks: (repo: RepoName, id: string, part: number, file: { size: number; hash: string; chunks: ChunkRef[]; checksums?: Readonly<Record<string, string>> }) =>
        uploads.putPartChunks(ctx, repo, id, part, file),
      listParts: (repo: RepoName, id: string) => uploads.listParts(ctx, repo, id),
      complete: (repo: RepoName, id: string, parts: readonly number[], opts?: uploads.CompleteOptions) => uploads.completeUpload(ctx, repo, id, parts, opts),
      /** What a completed upload wrote, while its record is kept (as long as an unfinished upload would be). */
      completed: (repo: RepoName, id: string) => uploads.completedUpload(ctx, repo, id),
      abort: (repo: RepoName, id: string) => uploads.abortUpload(ctx, repo, id),
      /** Aborts uploads (any repo) started more than `maxAgeMs` ago by the core's clock. */
      expire: (maxAgeMs: number) => uploads.expireUploads(ctx, maxAgeMs),
    },

    gc: (opts?: GcOptions): Promise<GcReport> => collectGarbage(ctx, opts),
    fsck: (opts?: { verifyData?: boolean }): Promise<FsckReport> => fsck(ctx, opts),
    /** Rebuilds the chunk index from the packs alone, under the GC lock (gc.ts). */
    rebuildChunkIndex: () => rebuildChunkIndex(ctx),
  };
}
