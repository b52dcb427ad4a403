// One-off commits: a write to a branch whose head is finished lands as a
// commit of its own, built over whatever head the branch has at landing and
// moved there by compare-and-set (commits.ts has explicit start/finish).
//
// Writers of one branch through one server take turns (recordLock), and
// each landing used to be a chain of waits of its own: read the head, build,
// upload the pack, the landing transaction (~27 ms on etcd and s3rver, bench
// scale's trace), while the writers queued. Now the writer whose turn it is
// lands the writers queued behind it too, in one go (one-off-group.ts):
// their commits as a chain (each on the one before, in arrival order, each
// its own commit), one pack upload and one conditional batch for all, so the
// waits are paid once per group, not per commit. If that batch does not
// land (the head moved, a condition failed), each writer of the group lands
// on its own as before (one-off-single.ts); nothing of a group is visible
// unless all of it is. A writer with a guard (S3 conditional writes,
// multipart completion) lands on its own: its conditions are its own.
// Through several servers, a group that finds the branch's turn held is
// handed to the holder's next group (handoff.ts), which lands other
// servers' handoffs after its own writers.
import type { BranchName, CommitId, RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import type { PfsContext } from './context.ts';
import { requireRepo, type CommitRecord } from './records-io.ts';
import { landGroup } from './one-off-group.ts';
import { commitInTurn } from './one-off-single.ts';
import { leaveQueue, queueOf, takeGroup, type OneOffCommit, type Waiting } from './one-off-queue.ts';

export type { LandingExtra, OneOffCommit } from './one-off-queue.ts';

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
    leaveQueue(ctx, key, queue, me);
    done();
  }
}

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
