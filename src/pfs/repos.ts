// Repos: create, inspect, list, delete. A repo is a namespace of branches
// and commits; deleting one removes its records, and GC reclaims its bytes.
import { StrataError } from '../errors/index.ts';
import { DEFAULT_BRANCH, type BranchName, type RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import { decodeBranch } from '../meta/records.ts';
import type { PfsContext } from './context.ts';
import { encodeRepo, getCommit, requireRepo, type RepoRecord } from './records-io.ts';
import { deletePrefix } from './staging.ts';
import type { RepoInfo } from './types.ts';

export async function createRepo(ctx: PfsContext, name: RepoName, opts: { description?: string } = {}): Promise<RepoInfo> {
  const record: RepoRecord = { name, description: opts.description ?? '', createdAt: ctx.clock.now() };
  const created = await ctx.meta.compareAndSet(keys.repoKey(name), undefined, encodeRepo(record));
  if (!created) throw new StrataError('REPO_EXISTS', `repo "${name}" already exists`, { repo: name });
  return { ...record, branches: [], size: 0 };
}

async function branchesOf(ctx: PfsContext, repo: RepoName) {
  const out = [];
  for await (const [key, raw] of ctx.meta.scan({ prefix: keys.branchPrefix(repo) })) out.push(decodeBranch(raw));
  return out;
}

export async function inspectRepo(ctx: PfsContext, name: RepoName): Promise<RepoInfo> {
  const repo = (await requireRepo(ctx, name)).value;
  const branches = await branchesOf(ctx, name);
  const main = branches.find((b) => b.name === DEFAULT_BRANCH) ?? branches[0];
  const head = main?.head ? await getCommit(ctx, name, main.head) : undefined;
  return { ...repo, branches: branches.map((b) => b.name as BranchName), size: head?.value.size ?? 0 };
}

export async function listRepos(ctx: PfsContext): Promise<RepoInfo[]> {
  const names: RepoName[] = [];
  for await (const [key] of ctx.meta.scan({ prefix: keys.REPO_PREFIX })) names.push(keys.parseRepoKey(key));
  return Promise.all(names.map((n) => inspectRepo(ctx, n)));
}

/** Repos (other than `repo`) with a branch whose provenance names `repo`. */
async function dependents(ctx: PfsContext, repo: RepoName): Promise<string[]> {
  const found = new Set<string>();
  const [, branchEdges] = keys.repoSubvenancePrefixes(repo);
  for await (const [key] of ctx.meta.scan({ prefix: branchEdges! })) {
    const { down } = keys.parseBranchSubvenanceKey(key);
    if (down.repo !== repo) found.add(`${down.repo}@${down.branch}`);
  }
  return [...found].sort();
}

export async function deleteRepo(ctx: PfsContext, name: RepoName, opts: { force?: boolean } = {}): Promise<void> {
  await requireRepo(ctx, name);
  const deps = await dependents(ctx, name);
  if (deps.length > 0 && !opts.force) {
    throw new StrataError('REPO_HAS_DEPENDENTS', `repo "${name}" cannot be deleted: ${deps.join(', ')} depend on it (use force to delete anyway)`, {
      repo: name,
      dependents: deps.join(','),
    });
  }
  // The repo record goes first, atomically: from then on the repo does not
  // exist, whatever happens to the clean-up below.
  await ctx.meta.del(keys.repoKey(name));
  await purgeRepoKeys(ctx, name);
}

/**
 * Removes every record that belongs to the repo (branches, commits, edges,
 * staging), in batches. Run by deleteRepo, and at start-up for repos whose
 * delete was cut short (see recover in pfs.ts).
 */
export async function purgeRepoKeys(ctx: PfsContext, name: RepoName): Promise<void> {
  for (const prefix of keys.repoDataPrefixes(name)) await deletePrefix(ctx, prefix);
}
