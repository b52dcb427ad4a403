// Rewriting history: drop a commit that has no children (its branch heads
// fall back to its parent) and squash a commit into its children. Every
// commit's index is a full snapshot, so neither touches file data: only
// parent links, child edges and branch heads move, in one atomic batch.
import { StrataError } from '../errors/index.ts';
import type { CommitId, RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import type { BatchCondition, BatchOp } from '../meta/meta-store.ts';
import { decodeBranch } from '../meta/records.ts';
import type { PfsContext } from './context.ts';
import { encodeBranch, encodeCommit, listChildren, requireCommit, type CommitRecord } from './records-io.ts';
import { clearStaging } from './staging.ts';
import { tagsOn } from './tags.ts';

/** A tag promises its commit forever: refuse to drop or squash it away. */
async function refuseTagged(ctx: PfsContext, repo: RepoName, id: CommitId, verb: string): Promise<void> {
  const tags = await tagsOn(ctx, repo, id);
  if (tags.length > 0) {
    throw new StrataError('COMMIT_TAGGED', `commit ${id} of repo "${repo}" has tag ${tags.join(', ')}; delete the tag before you ${verb} it`, { repo, commit: id, tags: tags.join(',') });
  }
}

async function branchesAt(ctx: PfsContext, repo: RepoName, id: CommitId) {
  const out = [];
  for await (const [key, raw] of ctx.meta.scan({ prefix: keys.branchPrefix(repo) })) {
    const b = decodeBranch(raw);
    if (b.head === id) out.push({ key, raw, value: b });
  }
  return out;
}

function edgeOps(c: CommitRecord, type: 'del'): BatchOp[] {
  return [
    ...(c.parent ? [{ type, key: keys.childKey(c.repo, c.parent, c.id) }] : []),
    ...c.provenance.map((up) => ({ type, key: keys.commitSubvenanceKey(up, { repo: c.repo, commit: c.id }) })),
  ];
}

async function commitBatch(ctx: PfsContext, c: CommitRecord, ops: BatchOp[], conditions: BatchCondition[]): Promise<void> {
  if (!(await ctx.meta.batch(ops, conditions))) {
    throw new StrataError('CONCURRENT_UPDATE', `commit ${c.id} of repo "${c.repo}" or a branch at it changed meanwhile; try again`, { repo: c.repo, commit: c.id });
  }
}

/** Removes a commit with no children; branches whose head it was move to its parent. */
export async function dropCommit(ctx: PfsContext, repo: RepoName, id: CommitId): Promise<void> {
  const stored = await requireCommit(ctx, repo, id);
  const c = stored.value;
  const children = await listChildren(ctx, repo, id);
  if (children.length > 0) {
    throw new StrataError('COMMIT_HAS_CHILDREN', `commit ${id} of repo "${repo}" has ${children.length} child commit(s); only a commit without children can be dropped (squash it instead)`, { repo, commit: id });
  }
  await refuseTagged(ctx, repo, id, 'drop');
  const heads = await branchesAt(ctx, repo, id);
  const ops: BatchOp[] = [
    { type: 'del', key: keys.commitKey(repo, id) },
    ...edgeOps(c, 'del'),
    ...heads.map((b) => ({ type: 'put' as const, key: b.key, value: encodeBranch({ ...b.value, head: c.parent }) })),
  ];
  const conditions = [{ key: keys.commitKey(repo, id), expected: stored.raw }, ...heads.map((b) => ({ key: b.key, expected: b.raw }))];
  await commitBatch(ctx, c, ops, conditions);
  if (c.state === 'open') await clearStaging(ctx, repo, id);
}

/** Folds a finished commit into its children: they take its parent (and its provenance) as their own. */
export async function squashCommit(ctx: PfsContext, repo: RepoName, id: CommitId): Promise<void> {
  const stored = await requireCommit(ctx, repo, id);
  const c = stored.value;
  if (c.state !== 'finished') throw new StrataError('COMMIT_OPEN', `commit ${id} of repo "${repo}" is open; finish or drop it`, { repo, commit: id });
  const children = await listChildren(ctx, repo, id);
  if (children.length === 0) {
    throw new StrataError('COMMIT_HAS_CHILDREN', `commit ${id} of repo "${repo}" has no children to fold into; drop it instead`, { repo, commit: id });
  }
  await refuseTagged(ctx, repo, id, 'squash');
  const heads = await branchesAt(ctx, repo, id);
  if (heads.length > 0) {
    throw new StrataError('COMMIT_HAS_CHILDREN', `commit ${id} of repo "${repo}" is the head of branch ${heads.map((b) => b.value.name).join(', ')}; it cannot be squashed`, { repo, commit: id });
  }
  const ops: BatchOp[] = [{ type: 'del', key: keys.commitKey(repo, id) }, ...edgeOps(c, 'del')];
  const conditions: BatchCondition[] = [{ key: keys.commitKey(repo, id), expected: stored.raw }];
  for (const childId of children) {
    const child = await requireCommit(ctx, repo, childId);
    const provenance = [...child.value.provenance];
    for (const p of c.provenance) if (!provenance.some((q) => q.repo === p.repo && q.commit === p.commit)) provenance.push(p);
    ops.push({ type: 'put', key: keys.commitKey(repo, childId), value: encodeCommit({ ...child.value, parent: c.parent, provenance }) });
    ops.push({ type: 'del', key: keys.childKey(repo, id, childId) });
    if (c.parent) ops.push({ type: 'put', key: keys.childKey(repo, c.parent, childId), value: new Uint8Array(0) });
    for (const p of provenance) ops.push({ type: 'put', key: keys.commitSubvenanceKey(p, { repo, commit: childId }), value: new Uint8Array(0) });
    conditions.push({ key: keys.commitKey(repo, childId), expected: child.raw });
  }
  await commitBatch(ctx, c, ops, conditions);
}
