// Finishing an open commit while other servers may stage into it. The
// finisher first claims finishing/<repo>/<id>; staging batches condition on
// that key being absent, so once the claim is in place no staged write can
// land, and the staging the finisher then reads is all there is. The claim
// goes away in the same batch that marks the commit finished. A claim left
// by a server that died is taken over after GC_LEASE_MS.
import { randomUUID } from 'node:crypto';
import type { CommitId, RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import type { BatchCondition, BatchOp } from '../meta/meta-store.ts';
import type { PfsContext } from './context.ts';
import { GC_LEASE_MS } from './gc-fence.ts';

const WAIT_STEP_MS = 50;

export interface FinishClaim {
  /** Holds while this claim is still ours. */
  condition: BatchCondition;
  /** Deletes the claim inside the finishing batch. */
  releaseOp: BatchOp;
  /** The finishing batch landed (and removed the claim). */
  released(): void;
  /** Removes the claim unless the finishing batch did. */
  release(): Promise<void>;
}

function expired(raw: Uint8Array, now: number): boolean {
  try {
    return (JSON.parse(Buffer.from(raw).toString('utf8')) as { until: number }).until < now;
  } catch {
    return true;
  }
}

/** Resolves when no live claim on the commit exists (clearing one whose server died); returns what is there now. */
export async function waitForFinisher(ctx: PfsContext, repo: RepoName, id: CommitId): Promise<Uint8Array | undefined> {
  const key = keys.finishingKey(repo, id);
  for (;;) {
    const raw = await ctx.meta.get(key);
    if (raw === undefined || expired(raw, ctx.clock.now())) return raw;
    await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
  }
}

export async function claimFinish(ctx: PfsContext, repo: RepoName, id: CommitId): Promise<FinishClaim> {
  const key = keys.finishingKey(repo, id);
  const value = Buffer.from(JSON.stringify({ owner: randomUUID(), until: ctx.clock.now() + GC_LEASE_MS }));
  for (;;) {
    const stale = await waitForFinisher(ctx, repo, id);
    if (await ctx.meta.compareAndSet(key, stale, value)) break;
  }
  let done = false;
  return {
    condition: { key, expected: value },
    releaseOp: { type: 'del', key },
    released: () => void (done = true),
    async release() {
      if (!done) await ctx.meta.compareAndSet(key, value, undefined);
    },
  };
}
