// Leases on MetaStore keys that servers sharing a store contend for: the GC
// lock, the sweep fence and finish claims. A lease is a record
// {owner, until}. Its holder rewrites `until` every third of the lease time
// while it holds it, so a GC or finish that runs for an hour keeps it; a
// holder that dies stops renewing, and any server takes the key over once
// `until` has passed by its own clock. Server clocks must agree to well
// within a third of the lease time (NTP does).
//
// The holder also stops trusting its lease once `until` passes by its own
// clock (a renewal could not land: etcd unreachable, the process stalled),
// so it never acts on a lease another server may already have taken over.
import { randomUUID } from 'node:crypto';
import { StrataError } from '../errors/index.ts';
import type { BatchCondition } from '../meta/meta-store.ts';
import type { PfsContext } from './context.ts';
import { KeyedLock } from '../meta/keyed-lock.ts';

export { DEFAULT_LEASE_MS } from './context.ts';

interface LeaseRecord {
  owner: string;
  until: number;
}

export function encodeLease(r: LeaseRecord): Uint8Array {
  return Buffer.from(JSON.stringify(r));
}

/** A lease record whose time ran out (or that is unreadable): its holder is dead or gave up. */
export function leaseExpired(raw: Uint8Array, now: number): boolean {
  try {
    return (JSON.parse(Buffer.from(raw).toString('utf8')) as LeaseRecord).until < now;
  } catch {
    return true;
  }
}

export interface Lease {
  readonly key: string;
  /** Aborted when the lease is lost (another server took it over) or given up. */
  readonly lost: AbortSignal;
  /**
   * Runs `fn` with the lease's current record as a batch condition; no
   * renewal rewrites the record meanwhile. Throws CONCURRENT_UPDATE when the lease
   * is lost or its time ran out by this process's clock.
   */
  pinned<T>(fn: (condition: BatchCondition) => Promise<T>): Promise<T>;
  /** Throws CONCURRENT_UPDATE unless the lease still holds by this process's clock. */
  check(): void;
  /** Stops renewing; the caller's batch deleted the key (it held the lease when it did). */
  forget(): void;
  /** Stops renewing and deletes the key if it is still this lease's. */
  release(): Promise<void>;
}

function leaseLost(key: string, why: string): StrataError {
  return new StrataError('CONCURRENT_UPDATE', `lost the lease on ${key} (${why}); another server may have taken over, so nothing more was done`, { key });
}

/**
 * Takes `key` by compare-and-set from `expected` (absent, or a dead holder's
 * record) and keeps renewing it. Undefined when another server got it first.
 */
export async function takeLease(ctx: PfsContext, key: string, expected: Uint8Array | undefined): Promise<Lease | undefined> {
  const owner = randomUUID();
  const first = encodeLease({ owner, until: ctx.clock.now() + ctx.leaseMs });
  if (!(await ctx.meta.compareAndSet(key, expected, first))) return undefined;
  return holdLease(ctx, key, owner, first);
}

/** Keeps renewing a lease record this process has just written (e.g. inside a batch). */
export function holdLease(ctx: PfsContext, key: string, owner: string, written: Uint8Array): Lease {
  let current = written;
  let until = (JSON.parse(Buffer.from(written).toString('utf8')) as LeaseRecord).until;
  const lost = new AbortController();
  const lock = new KeyedLock();
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
  };
  const renew = (): Promise<void> =>
    lock.run([key], async () => {
      if (stopped) return;
      const next = encodeLease({ owner, until: ctx.clock.now() + ctx.leaseMs });
      try {
        if (await ctx.meta.compareAndSet(key, current, next)) {
          current = next;
          until = (JSON.parse(Buffer.from(next).toString('utf8')) as LeaseRecord).until;
        } else {
          stop();
          lost.abort(leaseLost(key, 'another holder replaced it'));
          ctx.log.warn({ key }, 'lease lost to another server');
        }
      } catch (err) {
        // The store did not answer: try again next tick; check() refuses once `until` passes.
        ctx.log.warn({ key, err }, 'lease renewal failed');
      }
    });
  const timer = setInterval(() => void renew(), Math.max(10, Math.floor(ctx.leaseMs / 3)));
  timer.unref();
  const check = (): void => {
    if (lost.signal.aborted) throw lost.signal.reason as Error;
    if (ctx.clock.now() >= until) throw leaseLost(key, 'it could not be renewed in time');
  };
  return {
    key,
    lost: lost.signal,
    pinned: (fn) =>
      lock.run([key], async () => {
        check();
        return fn({ key, expected: current });
      }),
    check,
    forget: stop,
    release: () =>
      lock.run([key], async () => {
        if (stopped) return;
        stop();
        lost.abort(leaseLost(key, 'released'));
        await ctx.meta.compareAndSet(key, current, undefined);
      }),
  };
}

/** A fresh owner id for a lease record written by a batch (then held with holdLease). */
export function newLeaseRecord(ctx: PfsContext): { owner: string; value: Uint8Array } {
  const owner = randomUUID();
  return { owner, value: encodeLease({ owner, until: ctx.clock.now() + ctx.leaseMs }) };
}
