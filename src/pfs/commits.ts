// Commits: start, finish, inspect, log, wait, subscribe. A branch head moves
// only in a conditional batch together with the commit record, so racing
// writers never lose an update and a crash never leaves half a commit.
import { StrataError } from '../errors/index.ts';
import { newCommitId, type BranchName, type CommitId, type RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import { applyChanges, type IndexChange } from '../index/index.ts';
import { commitObjects, withParentHints, type PfsContext } from './context.ts';
import { encodeBranch, encodeCommit, getBranch, headCommit, listChildren, requireCommit, requireRepo, type BranchRecord, type CommitRecord, type Stored } from './records-io.ts';
import { clearStaging, stagedChanges } from './staging.ts';
import { fenceConditions, readFence, revalidate, type Fence } from './gc-fence.ts';
import { claimFinish, type FinishClaim } from './finish-claim.ts';
import { branchNameFree } from './tags.ts';
import { createDurableSet, type DurableSet } from './durable-set.ts';
import type { BatchCondition, BatchOp } from '../meta/meta-store.ts';
import type { Turn } from './branch-turn.ts';
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

export interface OneOffCommit {
  id: CommitId;
  /** The staged changes, in path order, over whatever head the branch has when the commit lands. */
  changes: (onChunk: (hash: string) => void) => AsyncIterable<IndexChange>;
  /** The index root the changes were made against (the head when the writer opened). */
  base: string | null;
  /** Called before applying the changes on a head that moved since `base`; may refuse (e.g. an append raced). */
  beforeRebase?: (base: string | null, head: string | null) => Promise<void>;
  description?: string;
  provenance?: { repo: RepoName; commit: CommitId }[];
  metadata?: Record<string, string>;
  /** The GC fence read before the writer put its first chunk (gc-fence.ts). */
  fence: Fence;
  /**
   * The repo's record as the writer read it: the landing batch holds only
   * while it is unchanged (the repo still exists), instead of a read of it
   * before landing. Read at landing when not given.
   */
  repoRecord?: Uint8Array;
  /**
   * The branch record as the writer read it when it opened (undefined: absent).
   * The first landing attempt builds on it instead of reading the branch
   * again when it is exactly what this server's last landing on the branch
   * wrote (see landedBranch): the compare-and-set still decides.
   */
  opened?: Stored<BranchRecord>;
  /**
   * Checked at every landing attempt against the head root it lands on, and
   * true for the landing (the head is compare-and-set with it): throws to
   * refuse, or returns more writes and conditions for the same atomic batch.
   */
  guard?: (headRoot: string | null) => Promise<LandingExtra | void>;
}

/** Writes and conditions that land atomically with a commit. */
export interface LandingExtra {
  ops?: BatchOp[];
  conditions?: BatchCondition[];
}

const ONE_OFF_ATTEMPTS = 100;

/**
 * Lands a one-off commit on a branch optimistically: build the index over
 * the current head, make it durable, then move the head by compare-and-set
 * together with writing the finished commit record. If another writer moved
 * the head first, the changes are re-applied on the new head: racing writers
 * never lose an update, and no half-made commit is ever visible.
 */
export async function commitOneOff(ctx: PfsContext, repo: RepoName, branch: BranchName, c: OneOffCommit): Promise<CommitRecord> {
  const repoRecord = c.repoRecord ?? (await requireRepo(ctx, repo)).raw;
  // Writers in this process take turns on a branch: racing each other, all but
  // one would rebuild their index for nothing (CPU the winner needs). Writers
  // through other servers still race, and compare-and-set still decides.
  // Counted before queueing: a writer holding the branch's turn across servers keeps it for those queued behind it.
  const done = ctx.turns.arrive(repo, branch);
  try {
    const queued = performance.now();
    return await ctx.recordLock.run([keys.branchKey(repo, branch)], () => {
      ctx.stages.since('queue', queued);
      return commitInTurn(ctx, repo, branch, { ...c, repoRecord }, done);
    });
  } finally {
    done();
  }
}

/** A writer's turn on the branch across servers (branch-turn.ts), taken once another server is seen writing it. */
interface TurnState {
  turn: Turn | undefined;
  /** Taken, or tried and the wait ran out: not tried again for this commit. */
  tried: boolean;
  /** The landing batch kept the turn (for the next writer here) instead of ending it. */
  kept: boolean;
}

async function commitInTurn(ctx: PfsContext, repo: RepoName, branch: BranchName, c: OneOffCommit & { repoRecord: Uint8Array }, leave: () => void): Promise<CommitRecord> {
  // A turn the previous writer here handed on: this writer lands under it, with no wait.
  const handed = ctx.turns.handed(repo, branch);
  const state: TurnState = { turn: handed, tried: handed !== undefined, kept: false };
  let landed = false;
  try {
    const done = await landInTurn(ctx, repo, branch, c, state);
    landed = true;
    ctx.turns.landed(repo, branch, done.id);
    return done;
  } finally {
    if (state.turn && landed) {
      leave(); // no longer a writer of the branch when the next one looks
      ctx.turns.after(repo, branch, state.turn, state.kept);
    } else if (state.turn) {
      // The landing batch ends the turn; any other way out gives it back.
      await state.turn.release().catch(() => undefined);
    }
  }
}

async function landInTurn(ctx: PfsContext, repo: RepoName, branch: BranchName, c: OneOffCommit & { repoRecord: Uint8Array }, state: TurnState): Promise<CommitRecord> {
  let base = c.base;
  let fence = c.fence;
  let repoRecord = c.repoRecord;
  let opened = c.opened;
  for (let attempt = 0; attempt < ONE_OFF_ATTEMPTS; attempt++) {
    let reading = performance.now();
    const b = opened !== undefined && ctx.landedBranch.is(repo, branch, opened.raw) ? opened : await getBranch(ctx, repo, branch);
    opened = undefined;
    // A landing whose answer was lost (etcd leader change) and then retried: it is there already.
    if (b?.value.head === c.id) return (await requireCommit(ctx, repo, c.id)).value;
    if (!state.tried && ctx.turns.contended(repo, branch, b?.value.head ?? null)) {
      ctx.stages.since('head', reading);
      state.tried = true;
      state.turn = await ctx.stages.time('turn', () => ctx.turns.take(repo, branch));
      if (state.turn) continue; // the head may have moved while this writer waited
      reading = performance.now();
    }
    const head = b?.value.head ? await headCommit(ctx, repo, b.value.head) : undefined;
    ctx.stages.since('head', reading);
    if (head?.state === 'open') {
      throw new StrataError('COMMIT_OPEN', `branch ${repo}@${branch} has open commit ${head.id}; write into it or finish it first`, { repo, branch, commit: head.id });
    }
    hintCommit(ctx, head);
    const headRoot = head?.indexRoot ?? null;
    if (base !== headRoot) await c.beforeRebase?.(base, headRoot);
    base = headRoot;
    const durable = createDurableSet(ctx.chunks);
    try {
      const keep = state.turn !== undefined && ctx.turns.keep(repo, branch, state.turn);
      const landed = await landOneOff(ctx, repo, branch, c, { head, headRoot, branchRecord: b, repoRecord, fence, durable, turn: state.turn, keep });
      if (landed) {
        state.kept = keep;
        ctx.oneOff.landed++;
        ctx.finished.saw(landed.commit); // the next writer here builds on it without reading it back
        ctx.landedBranch.set(repo, branch, landed.branch);
        return landed.commit;
      }
      ctx.oneOff.rebuilt++;
      const retrying = performance.now();
      repoRecord = (await requireRepo(ctx, repo)).raw; // a deleted repo ends the retries
      fence = await revalidate(ctx, fence, durable.hashes(), `commit to ${repo}@${branch}`);
      ctx.stages.since('retry', retrying);
      // The turn ran out meanwhile (its lease ended): take it again.
      if (state.turn && !(await state.turn.held())) state.turn = await ctx.stages.time('turn', () => ctx.turns.take(repo, branch));
    } finally {
      durable.close();
    }
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
  }
  throw new StrataError('CONCURRENT_UPDATE', `branch ${repo}@${branch} kept moving; the commit could not land`, { repo, branch });
}

interface LandingBase {
  head: CommitRecord | undefined;
  headRoot: string | null;
  branchRecord: Stored<BranchRecord> | undefined;
  /** The repo's record: the landing holds only while it is unchanged. */
  repoRecord: Uint8Array;
  fence: Fence;
  durable: DurableSet;
  /** This server's turn on the branch, ended by the landing batch... */
  turn: Turn | undefined;
  /** ...unless kept for the next writer here. */
  keep: boolean;
}

/** One attempt: builds the index over the head, makes it durable, and moves the head; undefined if the head moved. */
async function landOneOff(ctx: PfsContext, repo: RepoName, branch: BranchName, c: OneOffCommit, at: LandingBase): Promise<{ commit: CommitRecord; branch: Uint8Array } | undefined> {
  const { head, headRoot, durable, fence, turn, keep } = at;
  const b = at.branchRecord;
  const building = performance.now();
  const extra = (await c.guard?.(headRoot)) ?? {};
  const { objects, packHints } = commitObjects(ctx, durable);
  const { root } = await applyChanges(objects, headRoot, c.changes(durable.addHex), { fileTree: true });
  ctx.stages.since('build', building);
  await ctx.stages.time('flush', () => ctx.chunks.flush(durable.hashes()));
  const stat = root ? await ctx.reader.stat(root) : { files: 0, bytes: 0 };
  const now = ctx.clock.now();
  const packs = withParentHints(packHints(), head?.packs);
  const commit: CommitRecord = {
    repo, id: c.id, branch, parent: head?.id ?? null, origin: 'auto', description: c.description ?? '', state: 'finished',
    startedAt: now, finishedAt: now, size: stat.bytes, fileCount: stat.files, indexRoot: root, provenance: c.provenance ?? [], metadata: c.metadata ?? {},
    ...(packs ? { packs } : {}),
  };
  const branchKey = keys.branchKey(repo, branch);
  const branchRecord = b?.value ?? { repo, name: branch, head: null, provenance: [], createdAt: now };
  const branchValue = encodeBranch({ ...branchRecord, head: commit.id });
  const ops = [
    { type: 'put' as const, key: keys.commitKey(repo, commit.id), value: encodeCommit(commit) },
    { type: 'put' as const, key: branchKey, value: branchValue },
    ...(commit.parent ? [{ type: 'put' as const, key: keys.childKey(repo, commit.parent, commit.id), value: new Uint8Array(0) }] : []),
    ...commit.provenance.map((up) => ({ type: 'put' as const, key: keys.commitSubvenanceKey(up, { repo, commit: commit.id }), value: new Uint8Array(0) })),
    ...(extra.ops ?? []),
    ...(turn && !keep ? [turn.endOp] : []),
  ];
  const nameFree = b ? [] : [await branchNameFree(ctx, repo, branch)];
  const mine = turn ? [turn.condition] : [];
  const repoHolds = { key: keys.repoKey(repo), expected: at.repoRecord };
  return (await ctx.stages.time('land', () => ctx.meta.batch(ops, [{ key: branchKey, expected: b?.raw }, repoHolds, ...nameFree, ...fenceConditions(fence), ...(extra.conditions ?? []), ...mine]))) ? { commit, branch: branchValue } : undefined;
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
