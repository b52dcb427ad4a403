// Writes that land in one commit: into an open commit, or into a one-off
// commit opened on a branch whose head is finished and finished at close().
import { writeFile, type WrittenFile } from '../blocks/file-io.ts';
import { fileHash } from '../chunking/index.ts';
import { StrataError } from '../errors/index.ts';
import type { BranchName, CommitId, FilePath, RepoName } from '../ids.ts';
import type { Ref } from '../ref.ts';
import type { PfsContext } from './context.ts';
import { finishCommit, startCommit, toCommitInfo, waitForCommit } from './commits.ts';
import { dropCommit } from './commit-history.ts';
import { getBranch, requireCommit, type CommitRecord } from './records-io.ts';
import { resolveCommit } from './resolve.ts';
import { stageDelete, stagedFile, stagePuts, type StagedFile } from './staging.ts';
import { viewRoot } from './view.ts';
import type { ChunkRef, FileWriter } from './types.ts';

export type WriteTarget = { branch: BranchName } | { commit: CommitId };

/**
 * Staged puts are written to the metadata store in batches of this many, so
 * a million small files cost a thousand writes, not a million. Everything a
 * writer staged is written by close(), which is when a transport acknowledges.
 */
const STAGE_BATCH = 1000;

/** The open commit a write should go to, opening a one-off commit when the branch head is finished. */
async function targetCommit(ctx: PfsContext, repo: RepoName, target: WriteTarget): Promise<{ commit: CommitRecord; oneOff: boolean }> {
  if ('commit' in target) {
    const c = (await requireCommit(ctx, repo, target.commit)).value;
    if (c.state !== 'open') throw finished(repo, c.id);
    return { commit: c, oneOff: false };
  }
  for (;;) {
    const b = await getBranch(ctx, repo, target.branch);
    const head = b?.value.head ? (await requireCommit(ctx, repo, b.value.head)).value : undefined;
    if (head?.state === 'open' && head.origin !== 'auto') return { commit: head, oneOff: false };
    if (head?.state === 'open') {
      // Another writer's one-off commit: ours goes after it.
      await waitForCommit(ctx, repo, head.id).catch(() => undefined);
      continue;
    }
    try {
      return { commit: await startCommit(ctx, repo, target.branch, {}, 'auto'), oneOff: true };
    } catch (err) {
      if (!(err instanceof StrataError && err.code === 'COMMIT_OPEN')) throw err;
    }
  }
}

function finished(repo: RepoName, id: CommitId): StrataError {
  return new StrataError('COMMIT_FINISHED', `commit ${id} of repo "${repo}" is finished; finished commits never change`, { repo, commit: id });
}

function concat(a: { size: number; chunks: ChunkRef[] }, b: { size: number; chunks: ChunkRef[] }): { size: number; hash: string; chunks: ChunkRef[] } {
  const chunks = [...a.chunks, ...b.chunks];
  return { size: a.size + b.size, chunks, hash: fileHash(chunks.map((c) => Buffer.from(c.hash, 'hex'))).toString('hex') };
}

export async function openWriter(ctx: PfsContext, repo: RepoName, target: WriteTarget): Promise<FileWriter & { commit: CommitId }> {
  const { commit, oneOff } = await targetCommit(ctx, repo, target);
  const id = commit.id;
  let closed = false;

  /** Runs a staging step under the commit's lock, refusing if the commit has been finished meanwhile. */
  const staging = <T>(fn: () => Promise<T>): Promise<T> => {
    if (closed) throw new StrataError('COMMIT_FINISHED', `this writer for commit ${id} is closed`, { repo, commit: id });
    return ctx.commitLock.run([`${repo}/${id}`], async () => {
      const now = (await requireCommit(ctx, repo, id)).value;
      if (now.state !== 'open') throw finished(repo, id);
      return fn();
    });
  };

  let pending: { path: FilePath; file: StagedFile }[] = [];
  const pendingByPath = new Map<string, StagedFile>();

  const flushPending = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await staging(() => stagePuts(ctx, repo, id, batch));
    pendingByPath.clear();
  };

  /** The file at `path` as this writer sees it now: its own unflushed puts, then staged, then inherited. */
  const current = async (path: FilePath): Promise<StagedFile | undefined> => {
    const mine = pendingByPath.get(path);
    if (mine) return mine;
    const staged = await stagedFile(ctx, repo, id, path);
    if (staged) return staged.op === 'put' ? staged : undefined;
    const root = await viewRoot(ctx, (await requireCommit(ctx, repo, id)).value);
    return root ? ctx.reader.get(root, path) : undefined;
  };

  const stage = async (path: FilePath, file: StagedFile, append: boolean): Promise<{ size: number; hash: string }> => {
    if (closed) throw new StrataError('COMMIT_FINISHED', `this writer for commit ${id} is closed`, { repo, commit: id });
    const prior = append ? await current(path) : undefined;
    const next = prior ? concat(prior, file) : file;
    pending.push({ path, file: next });
    pendingByPath.set(path, next);
    if (pending.length >= STAGE_BATCH) await flushPending();
    return { size: next.size, hash: next.hash };
  };

  return {
    commit: id,
    async put(path, source, options = {}) {
      const written: WrittenFile = await writeFile(ctx.chunks, source);
      return stage(path, written, options.append ?? false);
    },
    async putChunks(path, chunks, options = {}) {
      for (const c of chunks) {
        if (!ctx.chunks.has(Buffer.from(c.hash, 'hex'))) {
          throw new StrataError('CHUNK_NOT_FOUND', `cannot stage ${path}: chunk ${c.hash} was never uploaded`, { path, chunk: c.hash });
        }
      }
      const size = chunks.reduce((n, c) => n + c.size, 0);
      return stage(path, concat({ size: 0, chunks: [] }, { size, chunks }), options.append ?? false);
    },
    async delete(path, options = {}) {
      await flushPending(); // a delete orders after this writer's earlier puts
      await staging(async () => {
        const root = await viewRoot(ctx, (await requireCommit(ctx, repo, id)).value);
        const isFile = (await current(path)) !== undefined;
        const isDir = root ? await ctx.reader.isDir(root, path) : false;
        if (!isFile && !isDir) {
          throw new StrataError('FILE_NOT_FOUND', `cannot delete ${repo}@${id}:${path}: no such file or directory`, { repo, path });
        }
        await stageDelete(ctx, repo, id, path, options.dir ?? (isDir && !isFile));
      });
    },
    async copy(src: Ref, srcPath, dstPath) {
      const from = (await resolveCommit(ctx, src)).value;
      const root = await viewRoot(ctx, from);
      const file = root ? await ctx.reader.get(root, srcPath) : undefined;
      if (file) {
        await stage(dstPath, file, false);
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
    async close() {
      if (closed) return toCommitInfo(ctx, (await requireCommit(ctx, repo, id)).value);
      await flushPending();
      closed = true;
      const c = oneOff ? await finishCommit(ctx, repo, id) : (await requireCommit(ctx, repo, id)).value;
      return toCommitInfo(ctx, c);
    },
    async abort() {
      if (closed) return;
      closed = true;
      pending = [];
      if (oneOff) await dropCommit(ctx, repo, id);
    },
  };
}
