// Leases on MetaStore keys that servers sharing a store contend for: the GC
// lock, the sweep fence and finish claims. A lease is a record {owner, ...}
// at the key; every write made under it is a batch conditioned on that
// record being there unchanged (pinned), so a holder that lost its lease
// cannot write, whatever it believes.
//
// On a store that keeps leases itself (etcd: MetaStore.grantLease) the
// record is {owner, lease} bound to an etcd lease: etcd counts the time and
// deletes the record when its holder stops sending keep-alives, and the
// holder judges its lease by etcd's answers and its own monotonic clock
// only (StoreLease). No server compares its clock with another's: a server
// paused past its lease (SIGSTOP) finds the record gone or another's, and
// every fenced batch it tries is refused.
//
// On a store only one process opens (LevelDB, memory) the record is
// {owner, until}: the holder rewrites `until` every third of the lease time,
// and a record whose `until` has passed belongs to a dead process (one
// clock, the process's own). At open such records are dropped at once
// (pfs.ts dropDeadLeases).
import { randomUUID } from 'node:crypto';
import { StrataError } from '../errors/index.ts';
import type { BatchCondition, StoreLease } from '../meta/meta-store.ts';
import type { PfsContext } from './context.ts';
import { KeyedLock } from '../meta/keyed-lock.ts';

export { DEFAULT_LEASE_MS } from './context.ts';

/** `until` for a clock lease (one process), `lease` (the store's lease id) for a store-kept one. */
interface LeaseRecord {
  owner: string;
  until?: number;
  lease?: string;
}

export function encodeLease(r: LeaseRecord): Uint8Array {
  return Buffer.from(JSON.stringify(r));
}

/**
 * A lease record whose holder is dead or gave up: a clock lease whose time
 * ran out, or an unreadable record. A store-kept lease's record is never
 * expired here: the store deletes it when the lease ends.
 */
export function leaseExpired(raw: Uint8Array, now: number): boolean {
  try {
    const r = JSON.parse(Buffer.from(raw).toString('utf8')) as LeaseRecord;
    if (typeof r.lease === 'string') return false;
    return typeof r.until !== 'number' || r.until < now;
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
  const record = await newLeaseRecord(ctx);
  let ok = false;
  try {
    ok = await ctx.meta.batch([{ type: 'put', key, value: record.value, ...(record.lease ? { lease: record.lease } : {}) }], [{ key, expected }]);
  } finally {
    if (!ok) await record.lease?.revoke();
  }
  return ok ? holdLease(ctx, key, record) : undefined;
}

/** A lease record this process wrote (newLeaseRecord), with the store's lease it is bound to if any. */
export interface WrittenLease {
  owner: string;
  value: Uint8Array;
  lease?: StoreLease;
}

/** Holds a lease record this process has just written (e.g. inside a batch): keeps it alive and pins writes to it. */
export function holdLease(ctx: PfsContext, key: string, written: WrittenLease): Lease {
  return written.lease ? holdStoreLease(ctx, key, written, written.lease) : holdClockLease(ctx, key, written.owner, written.value);
}

/** A record bound to a store-kept lease: the store keeps the time; nothing to rewrite. */
function holdStoreLease(ctx: PfsContext, key: string, written: WrittenLease, lease: StoreLease): Lease {
  const lost = new AbortController();
  const lock = new KeyedLock();
  const onLost = (): void => {
    if (!lost.signal.aborted) lost.abort(leaseLost(key, 'its etcd lease ended before it was renewed'));
  };
  lease.lost.addEventListener('abort', onLost, { once: true });
  const check = (): void => {
    if (!lease.alive()) onLost();
    if (lost.signal.aborted) throw lost.signal.reason as Error;
  };
  const end = (why: string): void => {
    lease.lost.removeEventListener('abort', onLost);
    if (!lost.signal.aborted) lost.abort(leaseLost(key, why));
  };
  return {
    key,
    lost: lost.signal,
    pinned: (fn) =>
      lock.run([key], async () => {
        check();
        return fn({ key, expected: written.value });
      }),
    check,
    forget: () => {
      end('released');
      void lease.revoke();
    },
    release: () =>
      lock.run([key], async () => {
        if (lost.signal.aborted) return void (await lease.revoke());
        end('released');
        await lease.revoke(); // etcd deletes the record with it
      }),
  };
}

function holdClockLease(ctx: PfsContext, key: string, owner: string, written: Uint8Array): Lease {
  let current = written;
  let until = (JSON.parse(Buffer.from(written).toString('utf8')) as LeaseRecord).until ?? 0;
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
          until = (JSON.parse(Buffer.from(next).toString('utf8')) as LeaseRecord).until ?? 0;
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

/**
 * A fresh lease record for a batch to write (then held with holdLease): bound
 * to a new store-kept lease where the store keeps leases (put it with
 * `lease`), else timed by this process's clock. Revoke its lease if the
 * batch does not land.
 */
export async function newLeaseRecord(ctx: PfsContext): Promise<WrittenLease> {
  const owner = randomUUID();
  if (ctx.meta.grantLease) {
    const lease = await ctx.meta.grantLease(ctx.leaseMs);
    return { owner, value: encodeLease({ owner, lease: lease.id }), lease };
  }
  return { owner, value: encodeLease({ owner, until: ctx.clock.now() + ctx.leaseMs }) };
}
