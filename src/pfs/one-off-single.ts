// One writer's one-off commit landed on its own (one-off-commits.ts): under
// the branch's turn across servers once another server is seen writing it,
// rebuilt on the new head and tried again whenever the compare-and-set of
// the head fails. Writers with a guard land this way, and the writers of a
// group whose batch did not land.
import { StrataError } from '../errors/index.ts';
import type { BranchName, RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import { applyChanges } from '../index/index.ts';
import { commitObjects, withParentHints, type PfsContext } from './context.ts';
import { encodeBranch, encodeCommit, getBranch, headCommit, requireCommit, requireRepo, type BranchRecord, type CommitRecord, type Stored } from './records-io.ts';
import { fenceConditions, revalidate, type Fence } from './gc-fence.ts';
import { branchNameFree } from './tags.ts';
import { createDurableSet, type DurableSet } from './durable-set.ts';
import { hintCommit } from './commits.ts';
import type { Turn } from './branch-turn.ts';
import type { OneOffCommit, TurnState } from './one-off-queue.ts';

const ONE_OFF_ATTEMPTS = 100;

/** Lands one writer's commit on its own (retrying on a moved head), under the branch's turn when needed; hands the turn on or ends it after. */
export async function commitInTurn(ctx: PfsContext, repo: RepoName, branch: BranchName, c: OneOffCommit & { repoRecord: Uint8Array }, leave: () => void): Promise<CommitRecord> {
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

