// A group of one-off writers landed as one chain of commits in one batch
// (one-off-commits.ts): the writer whose turn it is builds every commit of
// the group on the one before, uploads one pack, and lands all of them, and
// other servers' handoffs for the branch (handoff.ts), with one conditional
// batch. Nothing of a group is visible unless all of it is; if the batch
// does not land, the writers land one by one (one-off-single.ts).
import { isStrataError } from '../errors/index.ts';
import type { BranchName, RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import { applyChanges, type IndexObjectStore } from '../index/index.ts';
import { bytesEqual, type BatchCondition, type BatchOp } from '../meta/meta-store.ts';
import { commitObjects, withParentHints, type PfsContext } from './context.ts';
import { encodeBranch, encodeCommit, getBranch, headCommit, type BranchRecord, type CommitRecord, type Stored } from './records-io.ts';
import { fenceConditions } from './gc-fence.ts';
import { branchNameFree } from './tags.ts';
import { createDurableSet, type DurableSet } from './durable-set.ts';
import { hintCommit } from './commits.ts';
import { KEEP_COMMITS } from './branch-turn.ts';
import { handedCommits, offerOf, storeCarried, takeOffers, type TakenOffers } from './handoff.ts';
import type { HandedCommit } from './handoff-record.ts';
import { decodeBranch } from '../meta/records.ts';
import { addQueued, commitOps, GROUP_FIXED_OPS, landedAs, queueOf, type OneOffCommit, type TurnState, type Waiting } from './one-off-queue.ts';

/**
 * The group's commits as a chain on the head, in one batch: true when it
 * landed (every writer's outcome set), false when nothing landed and the
 * writers are to land one by one (the head moved, an append raced, the
 * batch is too large); throws when the store failed. An empty group lands
 * other servers' handoffs only, under a turn this server kept for them.
 */
export async function landGroup(ctx: PfsContext, repo: RepoName, branch: BranchName, group: Waiting[]): Promise<boolean> {
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

/** What a chain's commit is made of: the writer's (or handoff's) fields, and the index it built. */
interface Built {
  c: Pick<OneOffCommit, 'id' | 'description' | 'provenance' | 'metadata'>;
  root: string | null;
  files: number;
  bytes: number;
}

async function landChain(ctx: PfsContext, repo: RepoName, branch: BranchName, group: Waiting[], state: TurnState): Promise<boolean> {
  const read = await branchInTurn(ctx, repo, branch, group, state);
  if (read === 'handed') return handedLanded(ctx, repo, group);
  const { b, reading } = read;
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
  const first = group[0]?.c;
  const ref = first && { repoRecord: first.repoRecord, generation: first.fence.generation };
  const offers = state.turn ? takeOffers(ctx, repo, branch, ref, ctx.meta.limits.maxOps - ownOps) : undefined;
  if (group.length === 0 && !offers?.commits.length) return false;
  hintCommit(ctx, head);
  const durable = createDurableSet(ctx.chunks);
  try {
    const building = performance.now();
    const { objects, packHints } = commitObjects(ctx, durable);
    const built = await buildChain(ctx, objects, head?.indexRoot ?? null, group, offers?.commits ?? [], durable);
    if (!built) return false;
    ctx.stages.since('build', building);
    await ctx.stages.time('flush', () => ctx.chunks.flush(durable.hashes()));
    const now = ctx.clock.now();
    const made = chainRecords(repo, branch, head, built, withParentHints(packHints(), head?.packs), now);
    const last = made.at(-1)!;
    const branchKey = keys.branchKey(repo, branch);
    const branchRecord = b?.value ?? { repo, name: branch, head: null, provenance: [], createdAt: now };
    const branchValue = encodeBranch({ ...branchRecord, head: last.id });
    const pending = offers ? ctx.turns.offers(repo, branch).filter((o) => !offers.keys.includes(o.key)).length : 0;
    const keep = state.turn !== undefined && ctx.turns.keep(repo, branch, state.turn, group.length, pending, true);
    const ops = chainOps(repo, made);
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
    if (!(await landBatch(ctx, repo, branch, ops, conditions, offers))) return false;
    state.kept = keep;
    ctx.oneOff.landed += made.length;
    ctx.oneOff.grouped += made.length - 1;
    ctx.oneOff.took += offers?.commits.length ?? 0;
    for (const commit of made) ctx.finished.saw(commit);
    landedAs(group, made);
    ctx.landedBranch.set(repo, branch, branchValue);
    ctx.turns.landed(repo, branch, last.id);
    return true;
  } finally {
    durable.close();
  }
}

/**
 * The branch record the group builds on, and when its reading began (for
 * the "head" stage). Takes the branch's turn first when another server
 * writes it (offering the group to the holder while it is held): 'handed'
 * when the holder took the offer.
 */
async function branchInTurn(ctx: PfsContext, repo: RepoName, branch: BranchName, group: Waiting[], state: TurnState): Promise<{ b: Stored<BranchRecord> | undefined; reading: number } | 'handed'> {
  const first = group[0]?.c;
  let reading = performance.now();
  let b = first?.opened !== undefined && ctx.landedBranch.is(repo, branch, first.opened.raw) ? first.opened : first ? await getBranch(ctx, repo, branch) : await lastLanded(ctx, repo, branch);
  if (state.tried || !ctx.turns.contended(repo, branch, b?.value.head ?? null)) return { b, reading };
  ctx.stages.since('head', reading);
  state.tried = true;
  const offer = offerOf(ctx, group.map((w) => w.c));
  const got = await ctx.stages.time('turn', () => (offer ? ctx.turns.takeOrHand(repo, branch, offer) : ctx.turns.take(repo, branch)));
  if (got === 'handed') return 'handed';
  state.turn = got;
  reading = performance.now();
  if (state.turn) {
    b = await getBranch(ctx, repo, branch); // the head may have moved while this writer waited
    // Writers here that queued during the wait land with this group, not after another handoff.
    addQueued(ctx, queueOf(ctx, keys.branchKey(repo, branch)), group);
  }
  return { b, reading };
}

/** The group's indexes, each on the one before, then the handoffs' (their carried chunks stored); undefined when an append raced. */
async function buildChain(ctx: PfsContext, objects: IndexObjectStore, headRoot: string | null, group: Waiting[], handed: HandedCommit[], durable: DurableSet): Promise<Built[] | undefined> {
  const built: Built[] = [];
  let root = headRoot;
  for (const { c } of group) {
    if (c.base !== root && c.beforeRebase) {
      try {
        await c.beforeRebase(c.base, root);
      } catch {
        return undefined; // an append raced: its writer hears why on its own landing
      }
    }
    root = (await applyChanges(objects, root, c.changes(durable.addHex), { fileTree: true })).root;
    const stat = root ? await ctx.reader.stat(root) : { files: 0, bytes: 0 };
    built.push({ c, root, files: stat.files, bytes: stat.bytes });
  }
  for (const h of handed) {
    await storeCarried(ctx, h, durable);
    root = (await applyChanges(objects, root, h.changes, { fileTree: true })).root;
    const stat = root ? await ctx.reader.stat(root) : { files: 0, bytes: 0 };
    built.push({ c: h, root, files: stat.files, bytes: stat.bytes });
  }
  return built;
}

/** The finished commit records of a built chain on `head`. */
function chainRecords(repo: RepoName, branch: BranchName, head: CommitRecord | undefined, built: Built[], packs: CommitRecord['packs'], now: number): CommitRecord[] {
  const made: CommitRecord[] = [];
  for (const { c, root: indexRoot, files, bytes } of built) {
    made.push({
      repo, id: c.id, branch, parent: made.at(-1)?.id ?? head?.id ?? null, origin: 'auto', description: c.description ?? '', state: 'finished',
      startedAt: now, finishedAt: now, size: bytes, fileCount: files, indexRoot, provenance: c.provenance ?? [], metadata: c.metadata ?? {},
      ...(packs ? { packs } : {}),
    });
  }
  return made;
}

/** The commits' own writes: each record, its parent's child key, its provenance's subvenance keys. */
function chainOps(repo: RepoName, made: CommitRecord[]): BatchOp[] {
  const ops: BatchOp[] = [];
  for (const commit of made) {
    ops.push({ type: 'put', key: keys.commitKey(repo, commit.id), value: encodeCommit(commit) });
    if (commit.parent) ops.push({ type: 'put', key: keys.childKey(repo, commit.parent, commit.id), value: new Uint8Array(0) });
    for (const up of commit.provenance) ops.push({ type: 'put', key: keys.commitSubvenanceKey(up, { repo, commit: commit.id }), value: new Uint8Array(0) });
  }
  return ops;
}

/** The landing batch: true when it landed; false when a condition failed or it is too large. Either way the handoffs it named are no longer this server's to take. */
async function landBatch(ctx: PfsContext, repo: RepoName, branch: BranchName, ops: BatchOp[], conditions: BatchCondition[], offers: TakenOffers | undefined): Promise<boolean> {
  let ok: boolean;
  try {
    ok = await ctx.stages.time('land', () => ctx.meta.batch(ops, conditions));
  } catch (err) {
    if (isStrataError(err, 'META_BATCH_TOO_LARGE')) return false;
    throw err;
  }
  if (!ok) ctx.oneOff.rebuilt++;
  // Failed: a handoff may be why (it went with its server's lease): its writers look for themselves.
  if (offers) ctx.turns.consumed(repo, branch, offers.keys);
  return ok;
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
  for (const commit of made) ctx.finished.saw(commit);
  landedAs(group, made);
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
