// Finishing an open commit while other servers may stage into it. The
// finisher first claims finishing/<repo>/<id>; staging batches condition on
// that key being absent, so once the claim is in place no staged write can
// land, and the staging the finisher then reads is all there is. The claim
// goes away in the same batch that marks the commit finished. The claim is
// a lease (lease.ts): renewed while the finish runs, taken over by another
// server once a dead finisher's lease time has passed.
import type { CommitId, RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import type { BatchCondition, BatchOp } from '../meta/meta-store.ts';
import type { PfsContext } from './context.ts';
import { leaseExpired, takeLease, type Lease } from './lease.ts';

const WAIT_STEP_MS = 50;

export interface FinishClaim {
  /** Runs `fn` with the condition that holds while this claim is still ours (no renewal meanwhile). */
  pinned<T>(fn: (condition: BatchCondition) => Promise<T>): Promise<T>;
  /** Deletes the claim inside the finishing batch. */
  releaseOp: BatchOp;
  /** The finishing batch landed (and removed the claim). */
  released(): void;
  /** Removes the claim unless the finishing batch did. */
  release(): Promise<void>;
}

/** Resolves when no live claim on the commit exists (a dead server's claim counts as none); returns what is there now. */
export async function waitForFinisher(ctx: PfsContext, repo: RepoName, id: CommitId): Promise<Uint8Array | undefined> {
  const key = keys.finishingKey(repo, id);
  for (;;) {
    const raw = await ctx.meta.get(key);
    if (raw === undefined || leaseExpired(raw, ctx.clock.now())) return raw;
    await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
  }
}

export async function claimFinish(ctx: PfsContext, repo: RepoName, id: CommitId): Promise<FinishClaim> {
  const key = keys.finishingKey(repo, id);
  let lease: Lease | undefined;
  while (!lease) lease = await takeLease(ctx, key, await waitForFinisher(ctx, repo, id));
  const held = lease;
  return {
    pinned: (fn) => held.pinned(fn),
    releaseOp: { type: 'del', key },
    released: () => held.forget(),
    release: () => held.release(),
  };
}
