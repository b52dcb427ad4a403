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
// A turn is handed on: when the writer landing a commit under it has more
// writers of the branch queued behind it on this server, the landing batch
// keeps the turn and the next writer lands under it. Strictly alternating,
// each commit paid a handoff (the waiter's wake-up through the watch, its
// turn's transaction, and reading the other server's newest index objects);
// now a run of commits does. So that no server is starved, a server waiting
// for a turn says so (turnwant/<owner>/<repo>/<branch>, on its lease, seen
// through a watch): the holder then keeps the turn for at most KEEP_COMMITS
// commits, and after ending it lets a waiter take it before trying again
// (it waits to see another server's turn, or no one waiting any more, at
// most RECHECK_MS: the waiter also looks again that often).
//
// A server whose writers find the turn held hands their commits to the
// holder instead of waiting for it (handoff.ts): their chunks durable, their
// staged changes go into handoff/<owner>/<seq>/<repo>/<branch> on its lease,
// which the holder's next landing batch lands as commits in its group and
// deletes (conditioned on it being unchanged). The offering server learns
// from the watch that the key went; if it takes the turn first, it deletes
// the key in the same transaction that takes the turn, so exactly one of
// the two lands those commits. Offers are seen through a watch, with their
// values: the holder reads nothing more to take them.
//
// The turn is advisory. The head still moves only by compare-and-set, so a
// turn that ended early (its lease ran out) or a writer that stopped waiting
// (after the lease time: the holder may be stuck) costs duplicate work, never
// an update. Stores only one process opens (LevelDB, memory) need no turns.
//
// Here: when to take a turn and whether to keep it. turn-watch.ts keeps what
// the watches say; take-turn.ts takes a turn or offers a handoff.
import { randomUUID } from 'node:crypto';
import type { BranchName, RepoName } from '../ids.ts';
import { turnKey } from '../meta/keys.ts';
import type { MetaStore } from '../meta/meta-store.ts';
import { createTurnTaker, RECHECK_MS, type Offer, type Turn, type TurnStats } from './take-turn.ts';
import { createTurnWatch } from './turn-watch.ts';

export type { Offer, Turn, TurnStats } from './take-turn.ts';

/** A handoff another server wrote for a branch, as the watch reported it. */
export interface OfferSeen {
  key: string;
  value: Uint8Array;
}

export interface BranchTurns {
  /** Whether a writer that found `head` on the branch should take its turn (another server writes it too). */
  contended(repo: RepoName, branch: BranchName, head: string | null): boolean;
  /** This server landed commit `id` on the branch (so finding it as the head later is no sign of another writer). */
  landed(repo: RepoName, branch: BranchName, id: string): void;
  /** Waits for the branch's turn and takes it; undefined where turns are not needed or the wait ran out. */
  take(repo: RepoName, branch: BranchName): Promise<Turn | undefined>;
  /**
   * As take, but while the turn is held the writers are offered to its
   * holder: 'handed' when the offer was taken (the holder's batch landed
   * it, or it went with this server's lease: the caller looks which).
   */
  takeOrHand(repo: RepoName, branch: BranchName, offer: Offer): Promise<Turn | 'handed' | undefined>;
  /** Handoffs other servers wrote for the branch and no landing of this server took yet. */
  offers(repo: RepoName, branch: BranchName): OfferSeen[];
  /** This server's batch landed (and deleted) these handoffs. */
  consumed(repo: RepoName, branch: BranchName, keys: readonly string[]): void;
  /**
   * A writer of the branch arrived on this server (before it queues behind
   * the others); call the returned function when it is done, landed or not.
   */
  arrive(repo: RepoName, branch: BranchName): () => void;
  /**
   * Whether the batch landing `landing` commits (a group of writers, or one)
   * under `turn` keeps it for the next writer here (one is queued, or
   * `offers` handoffs this batch does not take are pending; a bounded run
   * if others wait). `linger`: also with neither, unless another server
   * waits (the caller then waits for a handoff: lingered()).
   */
  keep(repo: RepoName, branch: BranchName, turn: Turn, landing?: number, offers?: number, linger?: boolean): boolean;
  /** Resolves when a handoff for the branch is seen, another server waits for its turn, or after `ms`. */
  lingered(repo: RepoName, branch: BranchName, ms: number): Promise<void>;
  /** `landing` commits landed under `turn`; `kept`: the batch kept it, and the next writer of the branch here lands under it. */
  after(repo: RepoName, branch: BranchName, turn: Turn, kept: boolean, landing?: number): void;
  /** The turn a previous writer here handed on, if any (taken out: the caller now owns it). */
  handed(repo: RepoName, branch: BranchName): Turn | undefined;
  /** What became of this server's turn attempts and handoffs, for metrics. */
  readonly stats: TurnStats;
  /** Other servers this one knows to be waiting for the branch's turn (from its watch; 0 before its first turn). */
  othersWaiting(repo: RepoName, branch: BranchName): number;
}

const NO_TURNS: BranchTurns = {
  stats: { taken: 0, retracted: 0, offered: 0, gone: 0, released: 0 },
  contended: () => false,
  landed: () => undefined,
  take: async () => undefined,
  takeOrHand: async () => undefined,
  offers: () => [],
  lingered: async () => undefined,
  consumed: () => undefined,
  arrive: () => () => undefined,
  keep: () => false,
  after: () => undefined,
  handed: () => undefined,
  othersWaiting: () => 0,
};

/**
 * Most commits one server lands in a row under one turn while another
 * waits for it: bounds how long the other server's writers wait (about this
 * many commit times) against how often the turn changes hands.
 */
export const KEEP_COMMITS = 8;

/** Branches whose last own commit and last sign of another writer are remembered (then forgotten all at once). */
const REMEMBERED_BRANCHES = 10_000;

/** `leaseMs`: the lease turns are bound to, and the longest a writer waits for one. */
export function createBranchTurns(meta: MetaStore, leaseMs: number): BranchTurns {
  if (!meta.shared || !meta.grantLease) return NO_TURNS;
  const owner = randomUUID();
  const stats: TurnStats = { taken: 0, retracted: 0, offered: 0, gone: 0, released: 0 };
  const watch = createTurnWatch(meta, owner);
  const { offered, wanted } = watch;
  /** Per branch: the last commit this server landed, and when a head landed elsewhere was last found. */
  const mine = new Map<string, string>();
  const others = new Map<string, number>();
  /** Per branch: writers on this server that arrived and are not done; a turn handed on to the next of them. */
  const writers = new Map<string, number>();
  const handedOn = new Map<string, Turn>();
  /** Turn keys this server ended while another waited: its next writer lets the waiter go first (until this resolves). */
  const yielding = new Map<string, Promise<void>>();
  const takeTurn = createTurnTaker({ meta, owner, watch, leaseMs, stats, yielding });

  return {
    stats,
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
    arrive(repo, branch) {
      const key = turnKey(repo, branch);
      writers.set(key, (writers.get(key) ?? 0) + 1);
      let left = false;
      return () => {
        if (left) return;
        left = true;
        const n = writers.get(key)! - 1;
        if (n > 0) writers.set(key, n);
        else writers.delete(key);
      };
    },
    keep(repo, branch, t, landing = 1, pending = 0, linger = false) {
      const key = turnKey(repo, branch);
      if ((writers.get(key) ?? 0) <= landing && pending === 0) return linger && !wanted.has(key);
      return t.commits + landing < KEEP_COMMITS || !wanted.has(key);
    },
    after(repo, branch, t, kept, landing = 1) {
      const key = turnKey(repo, branch);
      if (kept) handedOn.set(key, { ...t, commits: t.commits + landing });
      // Listening from now, so a waiter's take that comes before this server's next writer is not missed.
      else if (wanted.has(key)) {
        if (yielding.size >= REMEMBERED_BRANCHES) yielding.clear();
        yielding.set(key, watch.ended(`taken:${key}`, RECHECK_MS));
      }
    },
    handed(repo, branch) {
      const key = turnKey(repo, branch);
      const t = handedOn.get(key);
      handedOn.delete(key);
      return t;
    },
    othersWaiting(repo, branch) {
      return wanted.get(turnKey(repo, branch))?.size ?? 0;
    },
    take: async (repo, branch) => {
      const t = await takeTurn(turnKey(repo, branch), repo, branch);
      return t === 'handed' ? undefined : t;
    },
    takeOrHand: (repo, branch, o) => takeTurn(turnKey(repo, branch), repo, branch, o),
    async lingered(repo, branch, ms) {
      const key = turnKey(repo, branch);
      if (offered.has(key) || wanted.has(key)) return;
      await watch.ended(`offer:${key}`, ms);
    },
    offers(repo, branch) {
      const set = offered.get(turnKey(repo, branch));
      return set ? [...set].map(([key, value]) => ({ key, value })) : [];
    },
    consumed(repo, branch, keys) {
      const key = turnKey(repo, branch);
      const set = offered.get(key);
      if (!set) return;
      for (const k of keys) set.delete(k);
      if (set.size === 0) offered.delete(key);
    },
  };
}
