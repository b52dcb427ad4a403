// Turns a parsed Ref (repo@branch^2, repo@<id>.3 ...) into the commit it
// names. One place, so every transport resolves the same way.
import { StrataError } from '../errors/index.ts';
import type { CommitId, RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import { formatRef, type Ref } from '../ref.ts';
import type { PfsContext } from './context.ts';
import { getBranch, getTag, requireCommit, requireRepo, type CommitRecord, type Stored } from './records-io.ts';

function refString(ref: Ref): string {
  return formatRef({ ...ref, path: null, trailingSlash: false });
}

/** Shortest commit-id prefix accepted in place of a full id (as git and lakeFS do). */
export const MIN_COMMIT_PREFIX = 7;
const PREFIX_PATTERN = /^[0-9a-f]+$/i;

/**
 * A name that is neither a branch nor a tag but 7-31 hex digits is taken as the start of a
 * commit id: the one commit whose id starts so, else COMMIT_PREFIX_AMBIGUOUS
 * or no match (undefined). A branch or tag of that name wins: callers look them up first
 * (reads here; writes in file-writer.ts, where `repo@<prefix of an open commit>` stages into it).
 */
export async function commitByPrefix(ctx: PfsContext, repo: RepoName, name: string): Promise<Stored<CommitRecord> | undefined> {
  if (name.length < MIN_COMMIT_PREFIX || !PREFIX_PATTERN.test(name)) return undefined;
  const prefix = name.toLowerCase();
  const found: string[] = [];
  // Three at most: one is the answer, two name the ambiguity, a third says there are more.
  for await (const [key] of ctx.meta.scan({ prefix: `${keys.commitPrefix(repo)}${prefix}`, limit: 3 })) found.push(keys.parseCommitKey(key).commit);
  if (found.length > 1) {
    const named = found.length > 2 ? `${found.slice(0, 2).join(', ')}, ...` : found.join(', ');
    throw new StrataError('COMMIT_PREFIX_AMBIGUOUS', `commit id prefix "${name}" in repo "${repo}" matches more than one commit (${named}); give more digits`, {
      repo,
      prefix: name,
    });
  }
  return found.length === 1 ? requireCommit(ctx, repo, found[0] as CommitId) : undefined;
}

async function target(ctx: PfsContext, ref: Ref): Promise<Stored<CommitRecord>> {
  if (ref.target.kind === 'commit') return requireCommit(ctx, ref.repo, ref.target.id);
  const name = ref.target.branch;
  const branch = await getBranch(ctx, ref.repo, name);
  if (!branch) {
    const tag = await getTag(ctx, ref.repo, name);
    if (tag) return requireCommit(ctx, ref.repo, tag.value.commit);
    const byId = await commitByPrefix(ctx, ref.repo, name);
    if (byId) return byId;
    await requireRepo(ctx, ref.repo);
    // A read names a branch or a tag (or a commit id prefix, which the CLI's hint covers).
    throw new StrataError('BRANCH_NOT_FOUND', `branch or tag "${name}" not found in repo "${ref.repo}"`, { repo: ref.repo, branch: name });
  }
  if (!branch.value.head) {
    throw new StrataError('BRANCH_HAS_NO_COMMITS', `branch "${name}" of repo "${ref.repo}" has no commits yet`, { repo: ref.repo, branch: name });
  }
  return requireCommit(ctx, ref.repo, branch.value.head);
}

/**
 * The commit a ref names, following `^N` to ancestors or `.N` from the root.
 * The packs its record names (written through another server) are indexed
 * first, so reading its files finds its index objects without a listing.
 */
export async function resolveCommit(ctx: PfsContext, ref: Ref): Promise<Stored<CommitRecord>> {
  const commit = await resolveRecord(ctx, ref);
  if (commit.value.packs) await ctx.chunks.learnPacks(commit.value.packs);
  return commit;
}

/**
 * The commit record a ref names, for callers that read no files of it
 * (inspect, wait): no packs are learned, so looking at a commit another
 * server made costs no object-store request.
 */
export async function resolveRecord(ctx: PfsContext, ref: Ref): Promise<Stored<CommitRecord>> {
  let commit = await target(ctx, ref);
  const ancestry = ref.ancestry;
  if (!ancestry) return commit;
  if (ancestry.kind === 'parent') {
    for (let i = 0; i < ancestry.n; i++) {
      const parent = commit.value.parent;
      if (!parent) throw tooShort(ref, i + 1);
      commit = await requireCommit(ctx, ref.repo, parent);
    }
    return commit;
  }
  const chain: Stored<CommitRecord>[] = [commit];
  while (commit.value.parent) {
    commit = await requireCommit(ctx, ref.repo, commit.value.parent);
    chain.push(commit);
  }
  const found = chain[chain.length - ancestry.n];
  if (!found) throw tooShort(ref, chain.length);
  return found;
}

function tooShort(ref: Ref, have: number): StrataError {
  return new StrataError('COMMIT_NOT_FOUND', `${refString(ref)} names no commit: the history there has only ${have} commit(s)`, {
    ref: refString(ref),
  });
}
