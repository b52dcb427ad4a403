// Turns on a branch across servers sharing a store (etcd). A one-off commit
// lands optimistically: build the index on the head, then move the head by
// compare-and-set. Writers in one process already take turns per branch
// (recordLock). Through several servers two writers on one branch both build
// their commit, and the loser builds it again on the winner's head: at two
// servers on one branch, most commits were built and uploaded twice.
//
// So a server takes the branch's turn, turn/<repo>/<branch>, before it builds,
// and gives it back in the same batch that lands the commit (no extra round
// trip). The record is bound to the server's etcd lease, so a dead server's
// turn goes when its lease does. Waiters learn that a turn ended from an etcd
// watch on turn/, and look again every RECHECK_MS in case an event is late.
//
// A turn costs a transaction, so it is taken only on a branch written
// through several servers: when the head a writer finds was not landed by
// this server, and for one lease time after that was last seen. A branch
// only this server writes (one server on etcd, or each branch through its
// own server) costs nothing more than before.
//
// The turn is advisory. The head still moves only by compare-and-set, so a
// turn that ended early (its lease ran out) or a writer that stopped waiting
// (after the lease time: the holder may be stuck) costs duplicate work, never
// an update. Stores only one process opens (LevelDB, memory) need no turns.
import { randomUUID } from 'node:crypto';
import { isStrataError } from '../errors/index.ts';
import type { BranchName, RepoName } from '../ids.ts';
import { TURN_PREFIX, turnKey } from '../meta/keys.ts';
import { bytesEqual, type BatchCondition, type BatchOp, type MetaStore, type StoreLease } from '../meta/meta-store.ts';

/** How often a waiter looks at the turn again without having heard that it ended. */
const RECHECK_MS = 200;

export interface Turn {
  /** Ends the turn: goes into the batch that lands the commit. */
  readonly endOp: BatchOp;
  /** Holds while the turn is this writer's: goes into the same batch, so endOp never deletes another's turn. */
  readonly condition: BatchCondition;
  /** After a landing batch failed: whether the turn is still this writer's. */
  held(): Promise<boolean>;
  /** Gives the turn back (when no landing batch did). */
  release(): Promise<void>;
}

export interface BranchTurns {
  /** Whether a writer that found `head` on the branch should take its turn (another server writes it too). */
  contended(repo: RepoName, branch: BranchName, head: string | null): boolean;
  /** This server landed commit `id` on the branch (so finding it as the head later is no sign of another writer). */
  landed(repo: RepoName, branch: BranchName, id: string): void;
  /** Waits for the branch's turn and takes it; undefined where turns are not needed or the wait ran out. */
  take(repo: RepoName, branch: BranchName): Promise<Turn | undefined>;
}

const NO_TURNS: BranchTurns = { contended: () => false, landed: () => undefined, take: async () => undefined };

/** Branches whose last own commit and last sign of another writer are remembered (then forgotten all at once). */
const REMEMBERED_BRANCHES = 10_000;

/** `leaseMs`: the lease turns are bound to, and the longest a writer waits for one. */
export function createBranchTurns(meta: MetaStore, leaseMs: number): BranchTurns {
  if (!meta.shared || !meta.grantLease) return NO_TURNS;
  const grant = meta.grantLease.bind(meta);
  const owner = randomUUID();
  let taken = 0;
  let session: Promise<StoreLease> | undefined;
  let watching: Promise<unknown> | undefined;
  const waiters = new Map<string, Set<() => void>>();
  /** Per branch: the last commit this server landed, and when a head landed elsewhere was last found. */
  const mine = new Map<string, string>();
  const others = new Map<string, number>();

  const wake = (key: string): void => {
    const set = waiters.get(key);
    if (!set) return;
    waiters.delete(key);
    for (const w of set) w();
  };

  const watch = (): Promise<unknown> => {
    watching ??= meta.watch(TURN_PREFIX, (e) => {
      if (e.value === undefined) wake(e.key);
    });
    return watching.catch((err: unknown) => {
      watching = undefined;
      throw err;
    });
  };

  /** One lease for all of this server's turns, granted again when it ran out. */
  const lease = async (): Promise<StoreLease> => {
    for (;;) {
      const current = (session ??= grant(leaseMs));
      let l: StoreLease;
      try {
        l = await current;
      } catch (err) {
        if (session === current) session = undefined;
        throw err;
      }
      if (l.alive()) return l;
      if (session === current) session = undefined;
    }
  };

  /** Resolves when the key is seen deleted or after `ms`, whichever is first. */
  const ended = async (key: string, ms: number): Promise<void> => {
    let done!: () => void;
    const seen = new Promise<void>((r) => (done = r));
    let set = waiters.get(key);
    if (!set) waiters.set(key, (set = new Set()));
    set.add(done);
    const timer = setTimeout(done, ms);
    try {
      await seen;
    } finally {
      clearTimeout(timer);
      waiters.get(key)?.delete(done);
    }
  };

  const turn = (key: string, value: Uint8Array): Turn => ({
    endOp: { type: 'del', key },
    condition: { key, expected: value },
    held: async () => bytesEqual(await meta.get(key), value),
    release: async () => void (await meta.compareAndSet(key, value, undefined)),
  });

  return {
    contended(repo, branch, head) {
      const key = turnKey(repo, branch);
      const now = performance.now();
      if (head !== null && mine.get(key) !== head) {
        if (others.size >= REMEMBERED_BRANCHES) others.clear();
        others.set(key, now);
        return true;
      }
      const seen = others.get(key);
      return seen !== undefined && now - seen < leaseMs;
    },
    landed(repo, branch, id) {
      if (mine.size >= REMEMBERED_BRANCHES) mine.clear();
      mine.set(turnKey(repo, branch), id);
    },
    async take(repo, branch) {
      await watch();
      const key = turnKey(repo, branch);
      const value = Buffer.from(`${owner}/${++taken}`);
      const until = performance.now() + leaseMs;
      for (;;) {
        const l = await lease();
        // Listen before trying: an end between a refused try and the wait is not missed.
        let heard = false;
        const listen = (): void => void (heard = true);
        let set = waiters.get(key);
        if (!set) waiters.set(key, (set = new Set()));
        set.add(listen);
        try {
          if (await meta.batch([{ type: 'put', key, value, lease: l }], [{ key, expected: undefined }])) return turn(key, value);
        } catch (err) {
          if (isStrataError(err, 'CONCURRENT_UPDATE')) continue; // the lease ran out just now: a new one
          // The answer may be lost while the put landed: do not leave the branch held.
          await meta.compareAndSet(key, value, undefined).catch(() => undefined);
          throw err;
        } finally {
          waiters.get(key)?.delete(listen);
        }
        const left = until - performance.now();
        if (left <= 0) return undefined;
        if (!heard) await ended(key, Math.min(RECHECK_MS, left));
      }
    },
  };
}
