// Garbage collection with several servers on one store. A writer may
// deduplicate against a chunk that nothing refers to yet, which another
// server's GC is about to delete; pack ages and in-process dedup marks
// cannot see across servers. So GC and writers meet in the MetaStore:
//
// - One GC at a time holds gc/lock.
// - GC marks, then raises the fence: in one batch it puts gc/sweeping and
//   bumps gc/generation. It marks again (only commits and staging that
//   landed meanwhile are new work), sweeps, and lowers the fence.
// - Every write that makes chunks referenced (a commit landing, staging)
//   conditions its batch on gc/sweeping being absent and gc/generation being
//   the value the writer read before its first chunk was put. If the
//   condition fails, a sweep ran or runs: the writer waits for the fence to
//   go down, catches up with the chunk store and checks every chunk it
//   refers to still exists (then retries with the new generation), or fails
//   with CONCURRENT_UPDATE: the write is not acknowledged, nothing is lost.
//
// Writes that landed before the fence went up are seen by the second mark;
// writes after it wait; none slips between mark and delete.
//
// A writer that reads the fence while a sweep runs sees the generation that
// sweep set, but the sweep has not deleted yet: the writer may deduplicate
// against a chunk about to go, and the generation would still hold once the
// fence is down. So such a fence counts as read before the sweep (the
// generation before it): its first landing fails and revalidates after the
// sweep, which checks every chunk it refers to.
import { StrataError } from '../errors/index.ts';
import { GC_GENERATION_KEY, GC_LOCK_KEY, GC_SWEEPING_KEY } from '../meta/keys.ts';
import type { BatchCondition, BatchOp } from '../meta/meta-store.ts';
import type { PfsContext } from './context.ts';
import { holdLease, leaseExpired, newLeaseRecord, takeLease, type Lease } from './lease.ts';

const WAIT_STEP_MS = 50;

export interface Fence {
  /** gc/generation as read (undefined: no sweep ever ran). */
  generation: Uint8Array | undefined;
}

/** The GC generation this process's chunk index was last brought in step with. */
const synced = new WeakMap<PfsContext, string>();

/**
 * The fence a writer works under. If a sweep ran since this process last
 * looked, its chunk index first forgets swept packs, so the writer cannot
 * deduplicate against a chunk that is gone.
 */
export async function readFence(ctx: PfsContext): Promise<Fence> {
  const [generation, sweeping] = await ctx.meta.getMany(FENCE_KEYS);
  return fenceFrom(ctx, generation, sweeping);
}

/** The keys a fence is read from, in one round trip: gc/generation, then gc/sweeping. */
export const FENCE_KEYS = [GC_GENERATION_KEY, GC_SWEEPING_KEY] as const;

/**
 * As readFence, from gc/generation and gc/sweeping read by the caller in one
 * snapshot (with other keys, in one round trip: MetaStore.getMany).
 */
export async function fenceFrom(ctx: PfsContext, read: Uint8Array | undefined, sweeping: Uint8Array | undefined): Promise<Fence> {
  // A sweep runs: what it deletes is still in the store, so the generation it set vouches for nothing yet.
  const generation = sweeping === undefined ? read : generationBefore(read);
  const seen = generation === undefined ? '' : Buffer.from(generation).toString();
  if ((synced.get(ctx) ?? '') !== seen) {
    // Also right mid-sweep: the sweeps before this one are over (one GC at a time), so this catches up with them.
    await ctx.chunks.refresh({ dropMissing: true });
    synced.set(ctx, seen);
  }
  return { generation };
}

/**
 * The generation before `gen` (raiseFence counts up from absent: 1, 2, ...).
 * Without one (a fence up with no generation, which raiseFence never
 * leaves), a value no raise writes: a fence under it never holds.
 */
function generationBefore(gen: Uint8Array | undefined): Uint8Array | undefined {
  const n = gen === undefined ? NaN : Number(Buffer.from(gen).toString());
  if (!Number.isSafeInteger(n) || n < 1) return Buffer.from('0');
  return n === 1 ? undefined : Buffer.from(String(n - 1));
}

export function fenceConditions(fence: Fence): BatchCondition[] {
  return [
    { key: GC_SWEEPING_KEY, expected: undefined },
    { key: GC_GENERATION_KEY, expected: fence.generation },
  ];
}

async function fenceHolds(ctx: PfsContext, fence: Fence): Promise<boolean> {
  return ctx.meta.batch([], fenceConditions(fence));
}

/** Waits until no sweep runs (clearing a fence whose GC died), then returns the fence to write under. */
async function waitForSweep(ctx: PfsContext): Promise<void> {
  for (;;) {
    const raw = await ctx.meta.get(GC_SWEEPING_KEY);
    if (raw === undefined) return;
    if (leaseExpired(raw, ctx.clock.now())) await ctx.meta.compareAndSet(GC_SWEEPING_KEY, raw, undefined);
    else await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
  }
}

/**
 * After a write's fenced batch failed: if the fence moved, wait out the
 * sweep and check that every chunk the write refers to survived it.
 * Returns the fence to retry under, or the same one when the fence was
 * not the reason (the caller's own conditions failed).
 */
export async function revalidate(ctx: PfsContext, fence: Fence, hashes: Iterable<Uint8Array>, what: string): Promise<Fence> {
  if (await fenceHolds(ctx, fence)) return fence;
  await waitForSweep(ctx);
  const next = await readFence(ctx);
  await ctx.chunks.refresh({ dropMissing: true });
  for (const hash of hashes) {
    if (!ctx.chunks.locate(hash)) {
      throw new StrataError('CONCURRENT_UPDATE', `${what}: chunk ${Buffer.from(hash).toString('hex')} was garbage-collected while this write was in flight; retry the write`, {
        chunk: Buffer.from(hash).toString('hex'),
      });
    }
  }
  return next;
}

/**
 * Lands `ops` (which make chunks referenced) under the fence the writer read
 * before it put its first chunk, plus the caller's own conditions. If a sweep
 * ran meanwhile, waits it out, checks the chunks survived (else
 * CONCURRENT_UPDATE) and retries. False when the caller's conditions failed.
 */
export async function fencedBatch(
  ctx: PfsContext,
  fence: Fence,
  ops: BatchOp[],
  hashes: () => Iterable<Uint8Array>,
  what: string,
  conditions: BatchCondition[] = [],
): Promise<boolean> {
  for (let current = fence; ; ) {
    if (await ctx.meta.batch(ops, [...conditions, ...fenceConditions(current)])) return true;
    const next = await revalidate(ctx, current, hashes(), what);
    if (next === current) return false;
    current = next;
  }
}

/** The oldest of several fences (lowest generation): a batch of writes made under each holds only under it. */
export function oldestFence(fences: Iterable<Fence>): Fence | undefined {
  let oldest: Fence | undefined;
  const gen = (f: Fence): number => (f.generation ? Number(Buffer.from(f.generation).toString()) : 0);
  for (const f of fences) if (!oldest || gen(f) < gen(oldest)) oldest = f;
  return oldest;
}

export interface GcLease {
  /** Puts the fence up (gc/sweeping, next generation); from now on fenced writes wait. */
  raiseFence(): Promise<void>;
  /** Throws CONCURRENT_UPDATE unless this GC still holds its lock and fence by this process's clock and lease. */
  check(): void;
  /**
   * Asks the store itself: throws CONCURRENT_UPDATE unless this GC's lock and
   * fence records are there unchanged (call before each batch of deletes).
   * check() alone trusts this process's view of its lease, which cannot see
   * a lease the store ended early (revoked, or taken over by an operator).
   */
  confirm(): Promise<void>;
  /** Lowers the fence and gives the lock back. */
  release(): Promise<void>;
}

/** Takes gc/lock, or fails with CONCURRENT_UPDATE while another live GC holds it. */
export async function acquireGc(ctx: PfsContext): Promise<GcLease> {
  const held = await ctx.meta.get(GC_LOCK_KEY);
  if (held !== undefined && !leaseExpired(held, ctx.clock.now())) {
    throw new StrataError('CONCURRENT_UPDATE', 'another garbage collection is running on a server sharing this store; try again when it ends');
  }
  const lock = await takeLease(ctx, GC_LOCK_KEY, held);
  if (!lock) throw new StrataError('CONCURRENT_UPDATE', 'another garbage collection started at the same moment; try again when it ends');
  let fence: Lease | undefined;
  return {
    async raiseFence() {
      for (;;) {
        const gen = await ctx.meta.get(GC_GENERATION_KEY);
        const next = Buffer.from(String(Number(gen ? Buffer.from(gen).toString() : '0') + 1));
        const record = await newLeaseRecord(ctx);
        // A dead GC's fence may still be up: this GC holds the lock, so it is taken over.
        const stale = await ctx.meta.get(GC_SWEEPING_KEY);
        let ok = false;
        try {
          ok = await lock.pinned((held) =>
            ctx.meta.batch(
              [
                { type: 'put', key: GC_SWEEPING_KEY, value: record.value, ...(record.lease ? { lease: record.lease } : {}) },
                { type: 'put', key: GC_GENERATION_KEY, value: next },
              ],
              [{ key: GC_GENERATION_KEY, expected: gen }, { key: GC_SWEEPING_KEY, expected: stale }, held],
            ),
          );
        } finally {
          if (!ok) await record.lease?.revoke();
        }
        if (ok) {
          fence = holdLease(ctx, GC_SWEEPING_KEY, record);
          return;
        }
      }
    },
    check() {
      lock.check();
      fence?.check();
    },
    async confirm() {
      const up = fence;
      const held = await lock.pinned((l) => (up ? up.pinned((f) => ctx.meta.batch([], [l, f])) : ctx.meta.batch([], [l])));
      if (!held) {
        throw new StrataError('CONCURRENT_UPDATE', 'this garbage collection no longer holds its lease in the metadata store (it ended or was taken over); it deletes nothing more', {});
      }
    },
    async release() {
      await fence?.release();
      await lock.release();
    },
  };
}
