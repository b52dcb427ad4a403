// Branches: named, movable pointers to commits. A head moves only by
// compare-and-set (see commits.ts), so racing writers cannot lose an update.
import { StrataError } from '../errors/index.ts';
import type { BranchName, CommitId, RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import { decodeBranch } from '../meta/records.ts';
import type { Ref } from '../ref.ts';
import type { PfsContext } from './context.ts';
import { encodeBranch, getBranch, requireBranch, requireCommit, requireRepo, type BranchRecord } from './records-io.ts';
import { resolveCommit } from './resolve.ts';
import { branchNameFree } from './tags.ts';
import type { BranchInfo } from './types.ts';

export interface CreateBranchOptions {
  /** Start at this commit (or that branch's head); default: no head yet. */
  from?: Ref;
  provenance?: { repo: RepoName; branch: BranchName }[];
}

export async function createBranch(ctx: PfsContext, repo: RepoName, name: BranchName, opts: CreateBranchOptions = {}): Promise<BranchInfo> {
  await requireRepo(ctx, repo);
  let head = null;
  if (opts.from) {
    if (opts.from.repo !== repo) {
      throw new StrataError('INVALID_ARGUMENT', `branch ${repo}@${name} cannot start from a commit of repo "${opts.from.repo}"`, { repo });
    }
    head = (await resolveCommit(ctx, opts.from)).value.id;
  }
  for (const p of opts.provenance ?? []) await requireBranch(ctx, p.repo, p.branch);
  const nameFree = await branchNameFree(ctx, repo, name);
  const record: BranchRecord = { repo, name, head, provenance: opts.provenance ?? [], createdAt: ctx.clock.now() };
  const key = keys.branchKey(repo, name);
  const edges = record.provenance.map((up) => ({ type: 'put' as const, key: keys.branchSubvenanceKey(up, { repo, branch: name }), value: new Uint8Array(0) }));
  const created = await ctx.meta.batch([{ type: 'put', key, value: encodeBranch(record) }, ...edges], [{ key, expected: undefined }, nameFree]);
  if (!created && (await getBranch(ctx, repo, name)) === undefined) await branchNameFree(ctx, repo, name);
  if (!created) throw new StrataError('BRANCH_EXISTS', `branch "${name}" already exists in repo "${repo}"`, { repo, branch: name });
  return record;
}

export async function inspectBranch(ctx: PfsContext, repo: RepoName, name: BranchName): Promise<BranchInfo> {
  return (await requireBranch(ctx, repo, name)).value;
}

export async function listBranches(ctx: PfsContext, repo: RepoName): Promise<BranchInfo[]> {
  await requireRepo(ctx, repo);
  const out: BranchInfo[] = [];
  for await (const [key, raw] of ctx.meta.scan({ prefix: keys.branchPrefix(repo) })) out.push(decodeBranch(raw));
  return out;
}

export async function deleteBranch(ctx: PfsContext, repo: RepoName, name: BranchName): Promise<void> {
  const branch = await requireBranch(ctx, repo, name);
  const key = keys.branchKey(repo, name);
  const edges = branch.value.provenance.map((up) => ({ type: 'del' as const, key: keys.branchSubvenanceKey(up, { repo, branch: name }) }));
  const deleted = await ctx.meta.batch([{ type: 'del', key }, ...edges], [{ key, expected: branch.raw }]);
  if (!deleted) throw new StrataError('CONCURRENT_UPDATE', `branch ${repo}@${name} changed while it was being deleted; try again`, { repo, branch: name });
}

export interface ResetResult {
  branch: BranchInfo;
  /** The head before the reset; that commit stays reachable by id (and by any tag). */
  previousHead: CommitId | null;
}

/**
 * Moves a branch's head to the commit `to` names (any commit of the repo,
 * e.g. an older one, or another branch's head), by compare-and-set: when
 * `expectedHead` is given the move happens only if the head is still that
 * commit. No commit is deleted: the old head stays reachable by id, so the
 * reset can be undone by resetting back. An open head must be finished or
 * dropped first (its staged writes would be left behind).
 */
export async function resetBranch(ctx: PfsContext, repo: RepoName, name: BranchName, to: Ref, opts: { expectedHead?: CommitId } = {}): Promise<ResetResult> {
  const branch = await requireBranch(ctx, repo, name);
  if (to.repo !== repo) {
    throw new StrataError('INVALID_ARGUMENT', `branch ${repo}@${name} cannot be reset to a commit of repo "${to.repo}"`, { repo, branch: name });
  }
  const previousHead = branch.value.head;
  if (opts.expectedHead !== undefined && previousHead !== opts.expectedHead) throw headMoved(repo, name, opts.expectedHead, previousHead);
  if (previousHead) {
    const head = await requireCommit(ctx, repo, previousHead);
    if (head.value.state === 'open') {
      throw new StrataError('COMMIT_OPEN', `branch ${repo}@${name} has open commit ${previousHead}; finish or drop it before a reset`, { repo, branch: name, commit: previousHead });
    }
  }
  const target = (await resolveCommit(ctx, to)).value;
  if (target.state !== 'finished') {
    throw new StrataError('COMMIT_OPEN', `commit ${target.id} of repo "${repo}" is open; a branch can only be reset to a finished commit`, { repo, commit: target.id });
  }
  const record: BranchRecord = { ...branch.value, head: target.id };
  const key = keys.branchKey(repo, name);
  if (!(await ctx.meta.batch([{ type: 'put', key, value: encodeBranch(record) }], [{ key, expected: branch.raw }]))) {
    const now = await getBranch(ctx, repo, name);
    if (!now) await requireBranch(ctx, repo, name);
    throw headMoved(repo, name, opts.expectedHead ?? previousHead, now?.value.head ?? null);
  }
  ctx.log.info({ repo, branch: name, from: previousHead, to: target.id }, 'branch reset');
  return { branch: record, previousHead };
}

function headMoved(repo: RepoName, name: BranchName, expected: CommitId | null, actual: CommitId | null): StrataError {
  return new StrataError(
    'BRANCH_HEAD_MOVED',
    `branch ${repo}@${name} is at ${actual ?? 'no commit'}, not ${expected ?? 'no commit'}: it moved; check the new head and try again`,
    { repo, branch: name, head: actual ?? '' },
  );
}
