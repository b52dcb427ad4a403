// One-off commits: a write to a branch whose head is finished lands as a
// commit of its own, built over whatever head the branch has at landing and
// moved there by compare-and-set (commits.ts has explicit start/finish).
//
// Writers of one branch through one server take turns (recordLock), and
// each landing used to be a chain of waits of its own: read the head, build,
// upload the pack, the landing transaction (~27 ms on etcd and s3rver, bench
// scale's trace), while the writers behind it queued. Now the writer whose
// turn it is lands the writers queued behind it too, in one go: their
// commits as a chain (each on the one before, in arrival order, each its
// own commit), one pack upload and one conditional batch for all, so the
// waits are paid once per group, not per commit. If that batch does not
// land (the head moved, a condition failed), each writer of the group lands
// on its own as before; nothing of a group is visible unless all of it is.
// A writer with a guard (S3 conditional writes, multipart completion) lands
// on its own: its conditions are its own. Through several servers, a group
// that finds the branch's turn held is handed to the holder's next group
// (handoff.ts), which lands other servers' handoffs after its own writers.
import { isStrataError, StrataError } from '../errors/index.ts';
import type { BranchName, CommitId, RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import { applyChanges, type IndexChange } from '../index/index.ts';
import { bytesEqual, type BatchCondition, type BatchOp } from '../meta/meta-store.ts';
import { commitObjects, withParentHints, type PfsContext } from './context.ts';
import { encodeBranch, encodeCommit, getBranch, headCommit, requireCommit, requireRepo, type BranchRecord, type CommitRecord, type Stored } from './records-io.ts';
import { fenceConditions, revalidate, type Fence } from './gc-fence.ts';
import { branchNameFree } from './tags.ts';
import { createDurableSet, type DurableSet } from './durable-set.ts';
import { hintCommit } from './commits.ts';
import { KEEP_COMMITS, type Turn } from './branch-turn.ts';
import { handedCommits, offerOf, storeCarried, takeOffers } from './handoff.ts';
import { decodeBranch } from '../meta/records.ts';

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
 * never lose an update, and no half-made commit is ever visible. `children`:
 * the commit's children as it landed (the next commit of its group, if any).
 */
export async function commitOneOff(ctx: PfsContext, repo: RepoName, branch: BranchName, c: OneOffCommit): Promise<{ commit: CommitRecord; children: CommitId[] }> {
  const repoRecord = c.repoRecord ?? (await requireRepo(ctx, repo)).raw;
  // Counted before queueing: a writer holding the branch's turn across servers keeps it for those queued behind it.
  const done = ctx.turns.arrive(repo, branch);
  const key = keys.branchKey(repo, branch);
  const me: Waiting = { c: { ...c, repoRecord }, leave: done };
  const queue = queueOf(ctx, key);
  queue.push(me);
  try {
    const queued = performance.now();
    return await ctx.recordLock.run([key], async () => {
      ctx.stages.since('queue', queued);
      // Landed (or failed) in the group of a writer ahead of this one: nothing left to do.
      if (!me.outcome) await landWaiting(ctx, repo, branch, takeGroup(ctx, queue, me));
      const o = me.outcome!;
      if ('error' in o) throw o.error;
      return o;
    });
  } finally {
    const at = queue.indexOf(me);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0 && queues.get(ctx)?.get(key) === queue) queues.get(ctx)!.delete(key);
    done();
  }
}

/** A writer of a branch on this server, from its arrival until it has landed or failed. */
interface Waiting {
  c: OneOffCommit & { repoRecord: Uint8Array };
  /** No longer a writer of the branch (for keeping turns: branch-turn.ts arrive). */
  leave: () => void;
  /** Set by the writer that landed it (its own, or one ahead of it in the queue). */
  outcome?: { commit: CommitRecord; children: CommitId[] } | { error: unknown };
}

/** Per server (pfs context) and branch key: the writers waiting, in arrival order (the order recordLock lets them in). */
const queues = new WeakMap<PfsContext, Map<string, Waiting[]>>();

function queueOf(ctx: PfsContext, key: string): Waiting[] {
  let byBranch = queues.get(ctx);
  if (!byBranch) queues.set(ctx, (byBranch = new Map()));
  let queue = byBranch.get(key);
  if (!queue) byBranch.set(key, (queue = []));
  return queue;
}

/** Most commits landed in one group: bounds a group's build time and its batch (etcd allows 128 ops). */
export const GROUP_COMMITS = 16;
/** Ops and conditions a group's batch has besides its commits' own (branch, turn, repo, fence, name). */
const GROUP_FIXED_OPS = 12;

/**
 * The writer whose turn it is, and the unguarded writers queued behind it,
 * as many as one batch holds; taken off the queue (they are landed now).
 */
function takeGroup(ctx: PfsContext, queue: Waiting[], me: Waiting): Waiting[] {
  const group = [me];
  const at = queue.indexOf(me);
  if (at >= 0) queue.splice(at, 1);
  if (me.c.guard) return group;
  addQueued(ctx, queue, group);
  return group;
}

/** Moves the unguarded writers waiting in `queue` into `group`, as many as one batch holds. */
function addQueued(ctx: PfsContext, queue: Waiting[], group: Waiting[]): void {
  let ops = GROUP_FIXED_OPS + group.reduce((n, w) => n + commitOps(w.c), 0);
  for (let i = 0; i < queue.length && group.length < GROUP_COMMITS; ) {
    const w = queue[i]!;
    const more = commitOps(w.c);
    if (w.outcome || w.c.guard || ops + more > ctx.meta.limits.maxOps) {
      i++;
      continue;
    }
    ops += more;
    group.push(w);
    queue.splice(i, 1);
  }
}

/** Ops a commit adds to a landing batch: its record, its parent's child key, provenance, a guard's extras (none in a group), and a fence pair. */
const commitOps = (c: OneOffCommit): number => 4 + (c.provenance?.length ?? 0);

/** Lands the group, as one batch if it can; sets every writer's outcome. */
async function landWaiting(ctx: PfsContext, repo: RepoName, branch: BranchName, group: Waiting[]): Promise<void> {
  // Unguarded, even alone: writers that queue while it waits for the branch's turn join it.
  if (!group[0]!.c.guard) {
    try {
      if (await landGroup(ctx, repo, branch, group)) return;
    } catch (error) {
      for (const w of group) w.outcome = { error };
      return;
    }
  }
  for (const w of group) {
    try {
      // Its group did not land on the branch record it opened with: that one is stale.
      if (!w.c.guard) w.c.opened = undefined;
      w.outcome = { commit: await commitInTurn(ctx, repo, branch, w.c, w.leave), children: [] };
    } catch (error) {
      w.outcome = { error };
    }
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


/**
 * The group's commits as a chain on the head, in one batch: true when it
 * landed (every writer's outcome set), false when nothing landed and the
 * writers are to land one by one (the head moved, an append raced, the
 * batch is too large); throws when the store failed.
 */
async function landGroup(ctx: PfsContext, repo: RepoName, branch: BranchName, group: Waiting[]): Promise<boolean> {
  const handed = ctx.turns.handed(repo, branch);
  // No writer of this server: other servers' handoffs only, and only under a turn kept for them.
  if (group.length === 0 && !handed) return false;
  const state: TurnState = { turn: handed, tried: handed !== undefined, kept: false };
  let outcome: 'landed' | 'one by one' | 'failed' = 'failed';
  try {
    const landed = await landChain(ctx, repo, branch, group, state);
    outcome = landed ? 'landed' : 'one by one';
    return landed;
  } finally {
    if (outcome === 'landed') for (const w of group) w.leave();
    if (!state.turn) {
      // no turn: nothing to hand on
    } else if (outcome === 'landed') {
      ctx.turns.after(repo, branch, state.turn, state.kept, group.length);
      // Kept for handoffs that came during this landing, or for a writer here: whichever comes first lands under it.
      if (state.kept) drainOffers(ctx, repo, branch);
    } else if (outcome === 'one by one' && group.length > 0) {
      ctx.turns.after(repo, branch, state.turn, true, 0); // the first of them lands under it
    } else {
      await state.turn.release().catch(() => undefined); // the batch may not have ended it
    }
  }
}

async function landChain(ctx: PfsContext, repo: RepoName, branch: BranchName, group: Waiting[], state: TurnState): Promise<boolean> {
  const first = group[0]?.c;
  let reading = performance.now();
  let b = first?.opened !== undefined && ctx.landedBranch.is(repo, branch, first.opened.raw) ? first.opened : first ? await getBranch(ctx, repo, branch) : await lastLanded(ctx, repo, branch);
  if (!state.tried && ctx.turns.contended(repo, branch, b?.value.head ?? null)) {
    ctx.stages.since('head', reading);
    state.tried = true;
    const offer = offerOf(ctx, group.map((w) => w.c));
    const got = await ctx.stages.time('turn', () => (offer ? ctx.turns.takeOrHand(repo, branch, offer) : ctx.turns.take(repo, branch)));
    if (got === 'handed') return handedLanded(ctx, repo, group);
    state.turn = got;
    reading = performance.now();
    if (state.turn) {
      b = await getBranch(ctx, repo, branch); // the head may have moved while this writer waited
      // Writers here that queued during the wait land with this group, not after another handoff.
      addQueued(ctx, queueOf(ctx, keys.branchKey(repo, branch)), group);
    }
  }
  const head = b?.value.head ? await headCommit(ctx, repo, b.value.head) : undefined;
  ctx.stages.since('head', reading);
  // On a branch another server writes, a run stays within KEEP_COMMITS (that server may be about to
  // wait for the turn); the rest queue again, first, and land next, under this turn if no one waits.
  // A turn kept longer than that (no one waited) lands whole groups until someone does.
  if (state.turn && (state.turn.commits < KEEP_COMMITS || ctx.turns.othersWaiting(repo, branch) > 0)) {
    const room = Math.max(1, KEEP_COMMITS - state.turn.commits);
    if (group.length > room) queueOf(ctx, keys.branchKey(repo, branch)).unshift(...group.splice(room));
  }
  // An open head, or a landing retried after a lost answer: the one-by-one path says what to do.
  if (head?.state === 'open' || group.some((w) => w.c.id === b?.value.head)) return false;
  // Other servers' writers handed to this turn land after this server's own (their chunks are durable already).
  const ownOps = GROUP_FIXED_OPS + group.reduce((n, w) => n + commitOps(w.c), 0);
  const ref = first && { repoRecord: first.repoRecord, generation: first.fence.generation };
  const offers = state.turn ? takeOffers(ctx, repo, branch, ref, ctx.meta.limits.maxOps - ownOps) : undefined;
  if (group.length === 0 && !offers?.commits.length) return false;
  hintCommit(ctx, head);
  const durable = createDurableSet(ctx.chunks);
  try {
    const building = performance.now();
    const { objects, packHints } = commitObjects(ctx, durable);
    const built: { c: Pick<OneOffCommit, 'id' | 'description' | 'provenance' | 'metadata'>; root: string | null; files: number; bytes: number }[] = [];
    let root = head?.indexRoot ?? null;
    for (const { c } of group) {
      if (c.base !== root && c.beforeRebase) {
        try {
          await c.beforeRebase(c.base, root);
        } catch {
          return false; // an append raced: its writer hears why on its own landing
        }
      }
      root = (await applyChanges(objects, root, c.changes(durable.addHex), { fileTree: true })).root;
      const stat = root ? await ctx.reader.stat(root) : { files: 0, bytes: 0 };
      built.push({ c, root, files: stat.files, bytes: stat.bytes });
    }
    for (const h of offers?.commits ?? []) {
      await storeCarried(ctx, h, durable);
      root = (await applyChanges(objects, root, h.changes, { fileTree: true })).root;
      const stat = root ? await ctx.reader.stat(root) : { files: 0, bytes: 0 };
      built.push({ c: h, root, files: stat.files, bytes: stat.bytes });
    }
    ctx.stages.since('build', building);
    await ctx.stages.time('flush', () => ctx.chunks.flush(durable.hashes()));
    const packs = withParentHints(packHints(), head?.packs);
    const now = ctx.clock.now();
    const made: CommitRecord[] = [];
    for (const { c, root: indexRoot, files, bytes } of built) {
      made.push({
        repo, id: c.id, branch, parent: made.at(-1)?.id ?? head?.id ?? null, origin: 'auto', description: c.description ?? '', state: 'finished',
        startedAt: now, finishedAt: now, size: bytes, fileCount: files, indexRoot, provenance: c.provenance ?? [], metadata: c.metadata ?? {},
        ...(packs ? { packs } : {}),
      });
    }
    const last = made.at(-1)!;
    const branchKey = keys.branchKey(repo, branch);
    const branchRecord = b?.value ?? { repo, name: branch, head: null, provenance: [], createdAt: now };
    const branchValue = encodeBranch({ ...branchRecord, head: last.id });
    const pending = offers ? ctx.turns.offers(repo, branch).filter((o) => !offers.keys.includes(o.key)).length : 0;
    const keep = state.turn !== undefined && ctx.turns.keep(repo, branch, state.turn, group.length, pending, true);
    const ops: BatchOp[] = [];
    for (const commit of made) {
      ops.push({ type: 'put', key: keys.commitKey(repo, commit.id), value: encodeCommit(commit) });
      if (commit.parent) ops.push({ type: 'put', key: keys.childKey(repo, commit.parent, commit.id), value: new Uint8Array(0) });
      for (const up of commit.provenance) ops.push({ type: 'put', key: keys.commitSubvenanceKey(up, { repo, commit: commit.id }), value: new Uint8Array(0) });
    }
    ops.push({ type: 'put', key: branchKey, value: branchValue }, ...(offers?.ops ?? []));
    if (state.turn && !keep) ops.push(state.turn.endOp);
    const conditions = distinct([
      { key: branchKey, expected: b?.raw },
      ...group.map((w) => ({ key: keys.repoKey(repo), expected: w.c.repoRecord })),
      ...(b ? [] : [await branchNameFree(ctx, repo, branch)]),
      ...group.flatMap((w) => fenceConditions(w.c.fence)),
      ...(state.turn ? [state.turn.condition] : []),
      ...(offers?.conditions ?? []),
    ]);
    let ok: boolean;
    try {
      ok = await ctx.stages.time('land', () => ctx.meta.batch(ops, conditions));
    } catch (err) {
      if (isStrataError(err, 'META_BATCH_TOO_LARGE')) return false;
      throw err;
    }
    if (!ok) {
      ctx.oneOff.rebuilt++;
      // A handoff may be why (it went with its server's lease): its writers look for themselves.
      if (offers) ctx.turns.consumed(repo, branch, offers.keys);
      return false;
    }
    if (offers) ctx.turns.consumed(repo, branch, offers.keys);
    state.kept = keep;
    ctx.oneOff.landed += made.length;
    ctx.oneOff.grouped += made.length - 1;
    ctx.oneOff.took += offers?.commits.length ?? 0;
    for (const commit of made) ctx.finished.saw(commit);
    for (const [i, w] of group.entries()) {
      w.outcome = { commit: made[i]!, children: i + 1 < made.length ? [made[i + 1]!.id] : [] };
    }
    ctx.landedBranch.set(repo, branch, branchValue);
    ctx.turns.landed(repo, branch, last.id);
    return true;
  } finally {
    durable.close();
  }
}

/** Conditions without repeats (writers of a group mostly share their repo record and fence). */
function distinct(conditions: BatchCondition[]): BatchCondition[] {
  const out: BatchCondition[] = [];
  for (const c of conditions) {
    if (!out.some((o) => o.key === c.key && bytesEqual(o.expected, c.expected))) out.push(c);
  }
  return out;
}

/** After the group was handed to another server's turn: its outcomes if that server landed it; false: land one by one. */
async function handedLanded(ctx: PfsContext, repo: RepoName, group: Waiting[]): Promise<boolean> {
  const made = await handedCommits(ctx, repo, group.map((w) => w.c));
  if (!made) return false;
  ctx.oneOff.handed += made.length;
  for (const [i, w] of group.entries()) {
    ctx.finished.saw(made[i]!);
    w.outcome = { commit: made[i]!, children: i + 1 < made.length ? [made[i + 1]!.id] : [] };
  }
  return true;
}

/** The branch record this server's last landing wrote (it holds the branch's turn since), else as stored. */
async function lastLanded(ctx: PfsContext, repo: RepoName, branch: BranchName): Promise<Stored<BranchRecord> | undefined> {
  const raw = ctx.landedBranch.get(repo, branch);
  return raw ? { value: decodeBranch(raw), raw } : getBranch(ctx, repo, branch);
}

/** Per server and branch key: the number of the newest drain scheduled. */
const drains = new WeakMap<PfsContext, Map<string, number>>();

/**
 * How long a holder keeps the branch's turn with nothing to land, for the
 * next writer here or another server's handoff (about a group's cycle):
 * with both servers busy the turn then stays with one, which lands the
 * other's writers, instead of changing hands group by group.
 */
const LINGER_MS = 300;

/**
 * After a landing kept the branch's turn: once a handoff comes (or another
 * server waits for the turn, or LINGER_MS pass) and the writers queued here
 * had their go, lands the handoffs pending under the turn if no writer here
 * took it; with none to land the turn is given back.
 */
function drainOffers(ctx: PfsContext, repo: RepoName, branch: BranchName): void {
  const key = keys.branchKey(repo, branch);
  let byBranch = drains.get(ctx);
  if (!byBranch) drains.set(ctx, (byBranch = new Map()));
  if (byBranch.size >= 10_000) byBranch.clear();
  const mine = (byBranch.get(key) ?? 0) + 1;
  byBranch.set(key, mine);
  // Only the newest drain of a branch acts: an older one would give back the turn a later landing kept.
  const newest = (): boolean => drains.get(ctx)?.get(key) === mine;
  void ctx.turns
    .lingered(repo, branch, LINGER_MS)
    .then(async () => {
      if (newest()) await ctx.recordLock.run([key], async () => void (newest() && (await landGroup(ctx, repo, branch, []))));
    })
    .catch((err: unknown) => ctx.log.warn({ err, repo, branch }, 'landing other servers\' handoffs failed'));
}
