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
import { randomUUID } from 'node:crypto';
import { isStrataError } from '../errors/index.ts';
import type { BranchName, RepoName } from '../ids.ts';
import { HANDOFF_PREFIX, handoffKey, parseHandoffKey, parseTurnWantKey, TURN_PREFIX, TURN_WANT_PREFIX, turnKey, turnWantKey } from '../meta/keys.ts';
import { bytesEqual, type BatchCondition, type BatchOp, type MetaStore, type StoreLease } from '../meta/meta-store.ts';

/** How often a waiter looks at the turn again without having heard that it ended. */
const RECHECK_MS = 200;

/** How long a server's handoff may wait untaken before it also asks for the turn (the holder then ends its run). */
const HANDOFF_PATIENCE_MS = 1000;

/** What a writer waiting for the turn can hand to its holder instead (handoff.ts). */
export interface Offer {
  /**
   * Called once the turn was refused: makes the writers' chunks durable and
   * writes the handoff at `key` on `lease` (absent before); returns the
   * value written, or undefined when these writers cannot be handed off.
   */
  make(key: string, lease: StoreLease): Promise<Uint8Array | undefined>;
}

export interface TurnStats {
  /** Turns taken; handoffs this server took back (with the turn, or when its wait for the turn ran out). */
  taken: number;
  retracted: number;
  /** Handoffs written; of them, deleted by another server's landing or with the lease (gone). */
  offered: number;
  gone: number;
  /** Turns given back without a landing (release()). */
  released: number;
}

/** A handoff another server wrote for a branch, as the watch reported it. */
export interface OfferSeen {
  key: string;
  value: Uint8Array;
}

export interface Turn {
  /** Commits landed under this turn so far (it is handed on between this server's writers). */
  readonly commits: number;
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
  const grant = meta.grantLease.bind(meta);
  const owner = randomUUID();
  let taken = 0;
  const stats: TurnStats = { taken: 0, retracted: 0, offered: 0, gone: 0, released: 0 };
  let handoffs = 0;
  /** Per turn key: other servers' handoffs seen by the watch and not yet gone. */
  const offered = new Map<string, Map<string, Uint8Array>>();
  /** Turn keys another server holds, as the watch last said. */
  const heldByOther = new Set<string>();
  let session: Promise<StoreLease> | undefined;
  let watching: Promise<unknown> | undefined;
  const waiters = new Map<string, Set<() => void>>();
  /** Per branch: the last commit this server landed, and when a head landed elsewhere was last found. */
  const mine = new Map<string, string>();
  const others = new Map<string, number>();
  /** Per branch: writers on this server that arrived and are not done; a turn handed on to the next of them. */
  const writers = new Map<string, number>();
  const handedOn = new Map<string, Turn>();
  /** Per turn key: the other servers waiting for it (their want keys, from the watch). */
  const wanted = new Map<string, Set<string>>();
  /** Turn keys this server ended while another waited: its next writer lets the waiter go first (until this resolves). */
  const yielding = new Map<string, Promise<void>>();

  const wake = (key: string): void => {
    const set = waiters.get(key);
    if (!set) return;
    waiters.delete(key);
    for (const w of set) w();
  };

  /** Want keys the watch reported while the first scan ran. */
  let seen: Set<string> | undefined;
  const want = (key: string, present: boolean): void => {
    const w = parseTurnWantKey(key);
    if (!w || w.owner === owner) return;
    let set = wanted.get(w.turn);
    if (present) {
      if (!set) wanted.set(w.turn, (set = new Set()));
      set.add(w.owner);
      wake(`offer:${w.turn}`); // a holder lingering for handoffs stops: this one waits for the turn itself
    } else if (set) {
      set.delete(w.owner);
      if (set.size > 0) return;
      wanted.delete(w.turn);
      wake(`taken:${w.turn}`); // no one waits any more: a server letting a waiter go first stops waiting
    }
  };
  const offer = (key: string, value: Uint8Array | undefined): void => {
    const h = parseHandoffKey(key);
    if (!h) return;
    if (value === undefined) wake(key); // taken, retracted, or gone with its lease: the offering writer looks which
    if (h.owner === owner) return;
    let set = offered.get(h.turn);
    if (value !== undefined) {
      if (!set) offered.set(h.turn, (set = new Map()));
      set.set(key, value);
      wake(`offer:${h.turn}`);
    } else if (set) {
      set.delete(key);
      if (set.size === 0) offered.delete(h.turn);
    }
  };
  const mineValue = (v: Uint8Array): boolean => Buffer.from(v).toString().startsWith(`${owner}/`);
  const watch = (): Promise<unknown> => {
    if (!watching) seen = new Set();
    watching ??= Promise.all([
      meta.watch(TURN_PREFIX, (e) => {
        if (e.value === undefined || mineValue(e.value)) heldByOther.delete(e.key);
        else heldByOther.add(e.key);
        if (e.value === undefined) wake(e.key);
        else if (!mineValue(e.value)) wake(`taken:${e.key}`);
      }),
      meta.watch(TURN_WANT_PREFIX, (e) => {
        seen?.add(e.key);
        want(e.key, e.value !== undefined);
      }),
      meta.watch(HANDOFF_PREFIX, (e) => {
        seen?.add(e.key);
        offer(e.key, e.value);
      }),
    ]).then(async () => {
      // Waiters that said so before the watch began; a key the watch has already reported is left to it.
      for await (const [key] of meta.scan({ prefix: TURN_WANT_PREFIX })) if (!seen?.has(key)) want(key, true);
      for await (const [key, value] of meta.scan({ prefix: HANDOFF_PREFIX })) if (!seen?.has(key)) offer(key, value);
      seen = undefined;
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

  /** Resolves when one of the keys is seen deleted or after `ms`, whichever is first. */
  const ended = async (key: string | string[], ms: number): Promise<void> => {
    let done!: () => void;
    const seen = new Promise<void>((r) => (done = r));
    const keys = typeof key === 'string' ? [key] : key;
    for (const k of keys) {
      let set = waiters.get(k);
      if (!set) waiters.set(k, (set = new Set()));
      set.add(done);
    }
    const timer = setTimeout(done, ms);
    try {
      await seen;
    } finally {
      clearTimeout(timer);
      for (const k of keys) waiters.get(k)?.delete(done);
    }
  };

  const turn = (key: string, value: Uint8Array): Turn => ({
    commits: 0,
    endOp: { type: 'del', key },
    condition: { key, expected: value },
    held: async () => bytesEqual(await meta.get(key), value),
    release: async () => {
      stats.released++;
      await meta.compareAndSet(key, value, undefined);
    },
  });

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
        yielding.set(key, ended(`taken:${key}`, RECHECK_MS));
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
      await ended(`offer:${key}`, ms);
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

  async function takeTurn(key: string, repo: RepoName, branch: BranchName, o?: Offer): Promise<Turn | 'handed' | undefined> {
    await watch();
    // This server just ended its run while another waited: that one goes first.
    const letGo = yielding.get(key);
    if (letGo) {
      yielding.delete(key);
      await letGo;
    }
    const value = Buffer.from(`${owner}/${++taken}`);
    const want = turnWantKey(owner, repo, branch);
    let wanting = false;
    /** This writer's handoff while it stands; `gone`: the watch saw it deleted. */
    let handoff: { key: string; value: Uint8Array; at: number; gone: boolean } | undefined;
    let offering = o;
    // Held elsewhere as far as the watch knows: offer first, without a refused try.
    let tryFirst = !(o && heldByOther.has(key));
    const until = performance.now() + leaseMs;
    /** Deletes the handoff unless it went already: true when it was still there (so nothing else landed it). */
    const retract = async (h: { key: string; value: Uint8Array }): Promise<boolean> => meta.batch([{ type: 'del', key: h.key }], [{ key: h.key, expected: h.value }]);
    try {
      for (;;) {
        if (handoff?.gone) {
          stats.gone++;
          return 'handed';
        }
        const l = await lease();
        // Listen before trying: an end between a refused try and the wait is not missed.
        let heard = false;
        const listen = (): void => void (heard = true);
        let set = waiters.get(key);
        if (!set) waiters.set(key, (set = new Set()));
        set.add(listen);
        try {
          // Taking the turn takes back this server's handoff in the same transaction: only one of the two lands it.
          const h = handoff;
          const ops: BatchOp[] = [{ type: 'put', key, value, lease: l }, ...(wanting ? [{ type: 'del' as const, key: want }] : []), ...(h ? [{ type: 'del' as const, key: h.key }] : [])];
          if (tryFirst && (await meta.batch(ops, [{ key, expected: undefined }, ...(h ? [{ key: h.key, expected: h.value }] : [])]))) {
            wanting = false;
            stats.taken++;
            if (h) stats.retracted++;
            handoff = undefined;
            return turn(key, value);
          }
          tryFirst = true;
          if (h && !h.gone && !heard && (await meta.get(h.key)) === undefined) h.gone = true;
          if (h?.gone) {
            stats.gone++;
            return 'handed';
          }
          if (offering && !h) {
            // Refused: hand the writers to the holder rather than wait for it to finish its run.
            const hk = handoffKey(owner, ++handoffs, repo, branch);
            const made: { key: string; value: Uint8Array; at: number; gone: boolean } = { key: hk, value: new Uint8Array(0), at: performance.now(), gone: false };
            let hs = waiters.get(hk);
            if (!hs) waiters.set(hk, (hs = new Set()));
            hs.add(() => void (made.gone = true));
            const v = await offering.make(hk, l);
            offering = undefined;
            if (v) {
              stats.offered++;
              made.value = v;
              made.at = performance.now();
              handoff = made;
            } else waiters.delete(hk);
          }
          // Say this server waits, so the holder ends its run within KEEP_COMMITS (a handoff first waits to be taken).
          if (!wanting && (!handoff || performance.now() - handoff.at >= HANDOFF_PATIENCE_MS)) {
            await meta.batch([{ type: 'put', key: want, value: new Uint8Array(0), lease: l }], []);
            wanting = true;
          }
        } catch (err) {
          if (isStrataError(err, 'CONCURRENT_UPDATE')) continue; // the lease ran out just now: a new one
          // The answer may be lost while the put landed: do not leave the branch held.
          await meta.compareAndSet(key, value, undefined).catch(() => undefined);
          throw err;
        } finally {
          waiters.get(key)?.delete(listen);
        }
        const left = until - performance.now();
        if (left <= 0) {
          if (handoff && !(await retract(handoff))) {
            stats.gone++;
            return 'handed';
          }
          if (handoff) stats.retracted++;
          handoff = undefined;
          return undefined;
        }
        if (!heard && !handoff?.gone) {
          const wait = handoff && !wanting ? Math.min(RECHECK_MS, left, Math.max(1, handoff.at + HANDOFF_PATIENCE_MS - performance.now())) : Math.min(RECHECK_MS, left);
          await ended(handoff ? [key, handoff.key] : key, wait);
        }
      }
    } finally {
      if (wanting) await meta.batch([{ type: 'del', key: want }], []).catch(() => undefined);
      // Left by an error: take the handoff back if it is still there (if that fails too, it may yet land, unanswered).
      if (handoff && !handoff.gone) await retract(handoff).catch(() => undefined);
      if (handoff) waiters.delete(handoff.key);
    }
  }
}
