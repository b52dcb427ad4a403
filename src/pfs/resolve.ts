// Turns a parsed Ref (repo@branch^2, repo@<id>.3 ...) into the commit it
// names. One place, so every transport resolves the same way.
import { StrataError } from '../errors/index.ts';
import { formatRef, type Ref } from '../ref.ts';
import type { PfsContext } from './context.ts';
import { requireBranch, requireCommit, type CommitRecord, type Stored } from './records-io.ts';

function refString(ref: Ref): string {
  return formatRef({ ...ref, path: null, trailingSlash: false });
}

async function target(ctx: PfsContext, ref: Ref): Promise<Stored<CommitRecord>> {
  if (ref.target.kind === 'commit') return requireCommit(ctx, ref.repo, ref.target.id);
  const branch = await requireBranch(ctx, ref.repo, ref.target.branch);
  if (!branch.value.head) {
    throw new StrataError('BRANCH_HAS_NO_COMMITS', `branch "${ref.target.branch}" of repo "${ref.repo}" has no commits yet`, {
      repo: ref.repo,
      branch: ref.target.branch,
    });
  }
  return requireCommit(ctx, ref.repo, branch.value.head);
}

/** The commit a ref names, following `^N` to ancestors or `.N` from the root. */
export async function resolveCommit(ctx: PfsContext, ref: Ref): Promise<Stored<CommitRecord>> {
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
