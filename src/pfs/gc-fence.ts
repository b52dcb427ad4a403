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
import { randomUUID } from 'node:crypto';
import { StrataError } from '../errors/index.ts';
import { GC_GENERATION_KEY, GC_LOCK_KEY, GC_SWEEPING_KEY } from '../meta/keys.ts';
import type { BatchCondition } from '../meta/meta-store.ts';
import type { PfsContext } from './context.ts';

/** A fence or lock left by a GC that died is taken over after this long. */
export const GC_LEASE_MS = 10 * 60 * 1000;
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
  const generation = await ctx.meta.get(GC_GENERATION_KEY);
  const seen = generation === undefined ? '' : Buffer.from(generation).toString();
  if ((synced.get(ctx) ?? '') !== seen) {
    await ctx.chunks.refresh({ dropMissing: true });
    synced.set(ctx, seen);
  }
  return { generation };
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

const enc = (v: object): Uint8Array => Buffer.from(JSON.stringify(v));

function expired(raw: Uint8Array, now: number): boolean {
  try {
    return (JSON.parse(Buffer.from(raw).toString('utf8')) as { until: number }).until < now;
  } catch {
    return true;
  }
}

/** Waits until no sweep runs (clearing a fence whose GC died), then returns the fence to write under. */
async function waitForSweep(ctx: PfsContext): Promise<void> {
  for (;;) {
    const raw = await ctx.meta.get(GC_SWEEPING_KEY);
    if (raw === undefined) return;
    if (expired(raw, ctx.clock.now())) await ctx.meta.compareAndSet(GC_SWEEPING_KEY, raw, undefined);
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

export interface GcLease {
  /** Puts the fence up (gc/sweeping, next generation); from now on fenced writes wait. */
  raiseFence(): Promise<void>;
  /** Lowers the fence and gives the lock back. */
  release(): Promise<void>;
}

/** Takes gc/lock, or fails with CONCURRENT_UPDATE while another live GC holds it. */
export async function acquireGc(ctx: PfsContext): Promise<GcLease> {
  const owner = randomUUID();
  const value = enc({ owner, until: ctx.clock.now() + GC_LEASE_MS });
  const held = await ctx.meta.get(GC_LOCK_KEY);
  if (held !== undefined && !expired(held, ctx.clock.now())) {
    throw new StrataError('CONCURRENT_UPDATE', 'another garbage collection is running on a server sharing this store; try again when it ends');
  }
  if (!(await ctx.meta.compareAndSet(GC_LOCK_KEY, held, value))) {
    throw new StrataError('CONCURRENT_UPDATE', 'another garbage collection started at the same moment; try again when it ends');
  }
  let fence: Uint8Array | undefined;
  return {
    async raiseFence() {
      for (;;) {
        const gen = await ctx.meta.get(GC_GENERATION_KEY);
        const next = Buffer.from(String(Number(gen ? Buffer.from(gen).toString() : '0') + 1));
        fence = enc({ owner, until: ctx.clock.now() + GC_LEASE_MS });
        const ok = await ctx.meta.batch(
          [
            { type: 'put', key: GC_SWEEPING_KEY, value: fence },
            { type: 'put', key: GC_GENERATION_KEY, value: next },
          ],
          [{ key: GC_GENERATION_KEY, expected: gen }, { key: GC_LOCK_KEY, expected: value }],
        );
        if (ok) return;
        if (!Buffer.from((await ctx.meta.get(GC_LOCK_KEY)) ?? []).equals(Buffer.from(value))) {
          throw new StrataError('CONCURRENT_UPDATE', 'this garbage collection ran past its lease and another took over; nothing was deleted');
        }
      }
    },
    async release() {
      if (fence) await ctx.meta.compareAndSet(GC_SWEEPING_KEY, fence, undefined);
      await ctx.meta.compareAndSet(GC_LOCK_KEY, value, undefined);
    },
  };
}
