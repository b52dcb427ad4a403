// Commits: start, finish, inspect, log, wait, subscribe. A branch head moves
// only in a conditional batch together with the commit record, so racing
// writers never lose an update and a crash never leaves half a commit.
import { StrataError } from '../errors/index.ts';
import { newCommitId, type BranchName, type CommitId, type RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import { applyChanges } from '../index/index.ts';
import { commitObjects, withParentHints, type PfsContext } from './context.ts';
import { encodeBranch, encodeCommit, getBranch, listChildren, requireCommit, requireRepo, type CommitRecord, type Stored } from './records-io.ts';
import { clearStaging, stagedChanges } from './staging.ts';
import { fenceConditions, readFence, revalidate, type Fence } from './gc-fence.ts';
import { claimFinish, type FinishClaim } from './finish-claim.ts';
import { branchNameFree } from './tags.ts';
import { createDurableSet, type DurableSet } from './durable-set.ts';
import type { CommitInfo, CommitOrigin, LogOptions, StartCommitOptions } from './types.ts';

const START_ATTEMPTS = 20;

/** `children`: when the caller knows them (a commit that just landed has none), no scan for them. */
export async function toCommitInfo(ctx: PfsContext, c: CommitRecord, children?: CommitId[]): Promise<CommitInfo> {
  const { indexRoot: _root, packs: _packs, ...rest } = c;
  return { ...rest, children: children ?? (await listChildren(ctx, c.repo, c.id)) };
}

/** The index root an open commit builds on: its parent's. */
export async function baseRoot(ctx: PfsContext, c: CommitRecord): Promise<string | null> {
  if (c.state === 'finished') return c.indexRoot;
  return (await openParent(ctx, c))?.indexRoot ?? null;
}

/** The record an open commit builds on (its packs hinted), or undefined for a first commit. */
async function openParent(ctx: PfsContext, c: CommitRecord): Promise<CommitRecord | undefined> {
  if (!c.parent) return undefined;
  const parent = (await requireCommit(ctx, c.repo, c.parent)).value;
  hintCommit(ctx, parent);
  return parent;
}

/**
 * Before building on a commit's index: the packs its record names (made
 * through another server sharing the store) are where its index objects
 * are looked for first, so they are found without listing the store. The
 * packs are read only when an object is not known (ChunkStore.hintPacks):
 * a commit reads only the ranges its changes touch, mostly in the head's
 * own pack.
 */
export function hintCommit(ctx: PfsContext, c: CommitRecord | undefined): void {
  if (c?.packs) ctx.chunks.hintPacks(c.packs);
}

/**
 * Opens a commit on a branch (creating the branch if it does not exist).
 * Refused while the branch head is open; racing starters retry.
 */
export async function startCommit(ctx: PfsContext, repo: RepoName, branch: BranchName, opts: StartCommitOptions = {}, origin: CommitOrigin = 'user'): Promise<CommitRecord> {
  await requireRepo(ctx, repo);
  for (const p of opts.provenance ?? []) await requireCommit(ctx, p.repo, p.commit);
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const b = await getBranch(ctx, repo, branch);
    const head = b?.value.head ? await requireCommit(ctx, repo, b.value.head) : undefined;
    if (head?.value.state === 'open') {
      throw new StrataError('COMMIT_OPEN', `branch ${repo}@${branch} already has open commit ${head.value.id}; finish it first`, {
        repo,
        branch,
        commit: head.value.id,
      });
    }
    const now = ctx.clock.now();
    const commit: CommitRecord = {
      repo,
      id: newCommitId(),
      branch,
      parent: head?.value.id ?? null,
      origin,
      description: opts.description ?? '',
      state: 'open',
      startedAt: now,
      finishedAt: null,
      size: head?.value.size ?? 0,
      fileCount: head?.value.fileCount ?? 0,
      indexRoot: null,
      provenance: opts.provenance ?? [],
      metadata: opts.metadata ?? {},
    };
    const branchRecord = b?.value ?? { repo, name: branch, head: null, provenance: [], createdAt: now };
    const branchKey = keys.branchKey(repo, branch);
    // The first commit makes the branch: not under a tag's name.
    const nameFree = b ? [] : [await branchNameFree(ctx, repo, branch)];
    const ops = [
      { type: 'put' as const, key: keys.commitKey(repo, commit.id), value: encodeCommit(commit) },
      { type: 'put' as const, key: branchKey, value: encodeBranch({ ...branchRecord, head: commit.id }) },
      ...(commit.parent ? [{ type: 'put' as const, key: keys.childKey(repo, commit.parent, commit.id), value: new Uint8Array(0) }] : []),
      ...commit.provenance.map((up) => ({ type: 'put' as const, key: keys.commitSubvenanceKey(up, { repo, commit: commit.id }), value: new Uint8Array(0) })),
    ];
    if (await ctx.meta.batch(ops, [{ key: branchKey, expected: b?.raw }, ...nameFree])) return commit;
  }
  throw new StrataError('CONCURRENT_UPDATE', `branch ${repo}@${branch} kept moving; could not start a commit`, { repo, branch });
}

/**
 * Builds the commit's index from its parent's and its staged changes, makes
 * every byte it refers to durable, then marks it finished in one atomic write.
 */
export async function finishCommit(ctx: PfsContext, repo: RepoName, id: CommitId, opts: { description?: string } = {}): Promise<CommitRecord> {
  return ctx.commitLock.run([`${repo}/${id}`], async () => {
    // Other servers may stage into this commit: the claim stops them before staging is read.
    const claim = await claimFinish(ctx, repo, id);
    try {
      return await finishClaimed(ctx, repo, id, claim, opts);
    } finally {
      await claim.release();
    }
  });
}

async function finishClaimed(ctx: PfsContext, repo: RepoName, id: CommitId, claim: FinishClaim, opts: { description?: string }): Promise<CommitRecord> {
  const fence: Fence = await readFence(ctx);
  const stored = await requireCommit(ctx, repo, id);
  const c = stored.value;
  if (c.state === 'finished') {
    throw new StrataError('COMMIT_FINISHED', `commit ${id} of repo "${repo}" is already finished`, { repo, commit: id });
  }
  const durable = createDurableSet(ctx.chunks);
  try {
    return await landFinished(ctx, stored, claim, fence, durable, opts);
  } finally {
    durable.close();
  }
}

async function landFinished(ctx: PfsContext, stored: Stored<CommitRecord>, claim: FinishClaim, initialFence: Fence, durable: DurableSet, opts: { description?: string }): Promise<CommitRecord> {
  const c = stored.value;
  const { repo, id } = c;
  let fence = initialFence;
  const { objects, packHints } = commitObjects(ctx, durable);
  const parent = await openParent(ctx, c);
  const { root } = await applyChanges(objects, parent?.indexRoot ?? null, stagedChanges(ctx, repo, id, durable.addHex), { fileTree: true });
  await ctx.chunks.flush(durable.hashes());
  const stat = root ? await ctx.reader.stat(root) : { files: 0, bytes: 0 };
  // As a one-off commit's: the ranges it kept are in its parent's packs.
  const packs = withParentHints(packHints(), parent?.packs);
  const done: CommitRecord = {
    ...c,
    state: 'finished',
    finishedAt: ctx.clock.now(),
    indexRoot: root,
    size: stat.bytes,
    fileCount: stat.files,
    description: opts.description ?? c.description,
    ...(packs ? { packs } : {}),
  };
  const key = keys.commitKey(repo, id);
  for (;;) {
    const landed = await claim.pinned(async (held) => {
      const ok = await ctx.meta.batch([{ type: 'put', key, value: encodeCommit(done) }, claim.releaseOp], [{ key, expected: stored.raw }, held, ...fenceConditions(fence)]);
      if (ok) claim.released(); // before a renewal could look for the deleted claim
      return ok;
    });
    if (landed) break;
    const next = await revalidate(ctx, fence, durable.hashes(), `finishing commit ${id} of repo "${repo}"`);
    if (next === fence) throw new StrataError('CONCURRENT_UPDATE', `commit ${id} of repo "${repo}" changed while finishing`, { repo, commit: id });
    fence = next;
  }
  await clearStaging(ctx, repo, id);
  return done;
}

/** Newest first, from `from` back to the root (or `to`, inclusive). */
export async function* log(ctx: PfsContext, from: Stored<CommitRecord>, opts: LogOptions = {}): AsyncGenerator<CommitRecord> {
  let c: CommitRecord | undefined = from.value;
  for (let n = 0; c && n < (opts.limit ?? Infinity); n++) {
    yield c;
    if (opts.to && c.id === opts.to) return;
    c = c.parent ? (await requireCommit(ctx, c.repo, c.parent)).value : undefined;
  }
}

/** Resolves when the commit is finished; fails if it is dropped meanwhile. */
export async function waitForCommit(ctx: PfsContext, repo: RepoName, id: CommitId, signal?: AbortSignal): Promise<CommitRecord> {
  return new Promise<CommitRecord>((resolve, reject) => {
    const cleanup = (): void => {
      ctx.events.off('finished', onFinished);
      ctx.events.off('dropped', onDropped);
      signal?.removeEventListener('abort', onAbort);
    };
    const onFinished = (c: CommitRecord): void => {
      if (c.repo === repo && c.id === id) (cleanup(), resolve(c));
    };
    const onDropped = (c: CommitRecord): void => {
      if (c.repo === repo && c.id === id) {
        cleanup();
        reject(new StrataError('COMMIT_NOT_FOUND', `commit ${id} of repo "${repo}" was dropped before it finished`, { repo, commit: id }));
      }
    };
    const onAbort = (): void => (cleanup(), reject(new StrataError('CANCELLED', `wait for commit ${id} cancelled`)));
    ctx.events.on('finished', onFinished);
    ctx.events.on('dropped', onDropped);
    signal?.addEventListener('abort', onAbort);
    // Checked after subscribing, so a finish in between is not missed.
    requireCommit(ctx, repo, id).then((c) => {
      if (c.value.state === 'finished') (cleanup(), resolve(c.value));
    }, (err) => (cleanup(), reject(err)));
  });
}

/** Every commit finished on the branch from now on, until the signal aborts. */
export async function* subscribe(ctx: PfsContext, repo: RepoName, branch: BranchName, signal: AbortSignal): AsyncGenerator<CommitRecord> {
  await requireRepo(ctx, repo);
  const queue: CommitRecord[] = [];
  let wake: (() => void) | undefined;
  const onFinished = (c: CommitRecord): void => {
    if (c.repo === repo && c.branch === branch) {
      queue.push(c);
      wake?.();
    }
  };
  const onAbort = (): void => wake?.();
  ctx.events.on('finished', onFinished);
  signal.addEventListener('abort', onAbort);
  try {
    while (!signal.aborted) {
      const next = queue.shift();
      if (next) yield next;
      else await new Promise<void>((r) => (wake = r));
    }
  } finally {
    ctx.events.off('finished', onFinished);
    signal.removeEventListener('abort', onAbort);
  }
}
