// Reading and writing the stored records of repos, branches and commits,
// with the not-found errors every caller wants. The raw bytes come back too:
// they are what compare-and-set compares.
import { StrataError } from '../errors/index.ts';
import type { BranchName, CommitId, RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import {
  decodeBranch,
  decodeCommit,
  decodeRepo,
  decodeTag,
  encodeBranch,
  encodeCommit,
  encodeRepo,
  type BranchRecord,
  type CommitRecord,
  type RepoRecord,
  type TagRecord,
} from '../meta/records.ts';
import type { PfsContext } from './context.ts';

export type { BranchRecord, CommitRecord, RepoRecord };
export { encodeBranch, encodeCommit, encodeRepo };

export interface Stored<T> {
  value: T;
  raw: Uint8Array;
}

export async function getRepo(ctx: PfsContext, repo: RepoName): Promise<Stored<RepoRecord> | undefined> {
  const key = keys.repoKey(repo);
  const raw = await ctx.meta.get(key);
  return raw && { value: decodeRepo(raw), raw };
}

export async function requireRepo(ctx: PfsContext, repo: RepoName): Promise<Stored<RepoRecord>> {
  const found = await getRepo(ctx, repo);
  if (!found) throw new StrataError('REPO_NOT_FOUND', `repo "${repo}" not found`, { repo });
  return found;
}

export async function getBranch(ctx: PfsContext, repo: RepoName, branch: BranchName): Promise<Stored<BranchRecord> | undefined> {
  const key = keys.branchKey(repo, branch);
  const raw = await ctx.meta.get(key);
  return raw && { value: decodeBranch(raw), raw };
}

export async function requireBranch(ctx: PfsContext, repo: RepoName, branch: BranchName): Promise<Stored<BranchRecord>> {
  const found = await getBranch(ctx, repo, branch);
  if (found) return found;
  await requireRepo(ctx, repo);
  throw new StrataError('BRANCH_NOT_FOUND', `branch "${branch}" not found in repo "${repo}"`, { repo, branch });
}

export async function getTag(ctx: PfsContext, repo: RepoName, tag: BranchName): Promise<Stored<TagRecord> | undefined> {
  const raw = await ctx.meta.get(keys.tagKey(repo, tag));
  return raw && { value: decodeTag(raw), raw };
}

export async function getCommit(ctx: PfsContext, repo: RepoName, id: CommitId): Promise<Stored<CommitRecord> | undefined> {
  const key = keys.commitKey(repo, id);
  const raw = await ctx.meta.get(key);
  return raw && { value: decodeCommit(raw), raw };
}

export async function requireCommit(ctx: PfsContext, repo: RepoName, id: CommitId): Promise<Stored<CommitRecord>> {
  const found = await getCommit(ctx, repo, id);
  if (found) return found;
  await requireRepo(ctx, repo);
  throw new StrataError('COMMIT_NOT_FOUND', `commit ${id} not found in repo "${repo}"`, { repo, commit: id });
}

export async function listChildren(ctx: PfsContext, repo: RepoName, id: CommitId): Promise<CommitId[]> {
  const out: CommitId[] = [];
  for await (const [key] of ctx.meta.scan({ prefix: keys.childPrefix(repo, id) })) out.push(keys.parseChildKey(key).child);
  return out;
}

/**
 * A commit a writer builds on (a branch head): from the records this server
 * landed or saw finish (FinishedCommits), else read and kept if finished.
 */
export async function headCommit(ctx: PfsContext, repo: RepoName, id: CommitId): Promise<CommitRecord> {
  const known = ctx.finished.get(repo, id);
  if (known) return known;
  const c = (await requireCommit(ctx, repo, id)).value;
  ctx.finished.saw(c);
  return c;
}
