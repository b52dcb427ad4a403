// Branches: named, movable pointers to commits. A head moves only by
// compare-and-set (see commits.ts), so racing writers cannot lose an update.
import { StrataError } from '../errors/index.ts';
import type { BranchName, RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import { decodeBranch } from '../meta/records.ts';
import type { Ref } from '../ref.ts';
import type { PfsContext } from './context.ts';
import { encodeBranch, requireBranch, requireRepo, type BranchRecord } from './records-io.ts';
import { resolveCommit } from './resolve.ts';
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
  const record: BranchRecord = { repo, name, head, provenance: opts.provenance ?? [], createdAt: ctx.clock.now() };
  const key = keys.branchKey(repo, name);
  const edges = record.provenance.map((up) => ({ type: 'put' as const, key: keys.branchSubvenanceKey(up, { repo, branch: name }), value: new Uint8Array(0) }));
  const created = await ctx.meta.batch([{ type: 'put', key, value: encodeBranch(record) }, ...edges], [{ key, expected: undefined }]);
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
