// Tags: immutable names for commits (`repo@v1`), as lakeFS and git have.
// A tag never moves: to point a name elsewhere, delete it and create it
// again. Tags and branches of a repo share one namespace, so `repo@name`
// always means one thing; the commit a tag names cannot be dropped or
// squashed while the tag exists.
import { StrataError } from '../errors/index.ts';
import type { BranchName, CommitId, RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import type { BatchCondition } from '../meta/meta-store.ts';
import { decodeTag, encodeTag, type TagRecord } from '../meta/records.ts';
import type { Ref } from '../ref.ts';
import type { PfsContext } from './context.ts';
import { getBranch, getTag, requireRepo, type Stored } from './records-io.ts';
import { resolveCommit } from './resolve.ts';

export type TagInfo = TagRecord;

export async function createTag(ctx: PfsContext, repo: RepoName, name: BranchName, target: Ref): Promise<TagInfo> {
  await requireRepo(ctx, repo);
  if (target.repo !== repo) {
    throw new StrataError('INVALID_ARGUMENT', `tag ${repo}@${name} cannot name a commit of repo "${target.repo}"`, { repo, tag: name });
  }
  if (await getBranch(ctx, repo, name)) throw nameTaken(repo, name, 'branch');
  const commit = (await resolveCommit(ctx, target)).value;
  if (commit.state !== 'finished') {
    throw new StrataError('COMMIT_OPEN', `commit ${commit.id} of repo "${repo}" is open; only a finished commit can be tagged`, { repo, commit: commit.id });
  }
  const record: TagRecord = { repo, name, commit: commit.id, createdAt: ctx.clock.now() };
  const key = keys.tagKey(repo, name);
  // Both names absent, atomically: a branch of that name created meanwhile loses or wins whole.
  const conditions: BatchCondition[] = [{ key, expected: undefined }, { key: keys.branchKey(repo, name), expected: undefined }];
  if (!(await ctx.meta.batch([{ type: 'put', key, value: encodeTag(record) }], conditions))) {
    if (await getTag(ctx, repo, name)) throw new StrataError('TAG_EXISTS', `tag "${name}" already exists in repo "${repo}" (tags never move: delete it first)`, { repo, tag: name });
    throw nameTaken(repo, name, 'branch');
  }
  return record;
}

export async function requireTag(ctx: PfsContext, repo: RepoName, name: BranchName): Promise<Stored<TagRecord>> {
  const found = await getTag(ctx, repo, name);
  if (found) return found;
  await requireRepo(ctx, repo);
  throw new StrataError('TAG_NOT_FOUND', `tag "${name}" not found in repo "${repo}"`, { repo, tag: name });
}

export async function listTags(ctx: PfsContext, repo: RepoName): Promise<TagInfo[]> {
  await requireRepo(ctx, repo);
  const out: TagInfo[] = [];
  for await (const [key, raw] of ctx.meta.scan({ prefix: keys.tagPrefix(repo) })) out.push(decodeTag(raw, key));
  return out;
}

export async function deleteTag(ctx: PfsContext, repo: RepoName, name: BranchName): Promise<void> {
  const tag = await requireTag(ctx, repo, name);
  const key = keys.tagKey(repo, name);
  if (!(await ctx.meta.batch([{ type: 'del', key }], [{ key, expected: tag.raw }]))) {
    throw new StrataError('CONCURRENT_UPDATE', `tag ${repo}@${name} changed while it was being deleted; try again`, { repo, tag: name });
  }
}

/** Names of the tags on one commit (for refusing to drop or squash it). */
export async function tagsOn(ctx: PfsContext, repo: RepoName, commit: CommitId): Promise<string[]> {
  const out: string[] = [];
  for await (const [key, raw] of ctx.meta.scan({ prefix: keys.tagPrefix(repo) })) {
    const t = decodeTag(raw, key);
    if (t.commit === commit) out.push(t.name);
  }
  return out;
}

/**
 * For code that creates a branch (explicitly, or by the first write to
 * `repo@name`): refuses a name a tag holds, and gives the batch condition
 * that keeps it so until the branch lands.
 */
export async function branchNameFree(ctx: PfsContext, repo: RepoName, name: BranchName): Promise<BatchCondition> {
  if (await getTag(ctx, repo, name)) throw nameTaken(repo, name, 'tag');
  return { key: keys.tagKey(repo, name), expected: undefined };
}

function nameTaken(repo: RepoName, name: BranchName, holder: 'branch' | 'tag'): StrataError {
  const hint = holder === 'tag' ? 'tags are immutable; write to a branch (strata branch create REPO@BRANCH --from REPO@TAG)' : 'branches and tags share one namespace';
  return new StrataError('REF_NAME_TAKEN', `"${name}" is already a ${holder} of repo "${repo}": ${hint}`, { repo, name, holder });
}
