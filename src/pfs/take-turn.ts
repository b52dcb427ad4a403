// Taking a branch's turn across servers (branch-turn.ts has the protocol):
// try to put turn/<repo>/<branch> on this server's lease; while it is held
// elsewhere, hand the writers to the holder (an Offer) or wait for the turn,
// saying so through turnwant/ once a handoff has waited HANDOFF_PATIENCE_MS.
// Taking the turn deletes this server's handoff in the same transaction, so
// exactly one of the two servers lands it.
import { isStrataError } from '../errors/index.ts';
import type { BranchName, RepoName } from '../ids.ts';
import { handoffKey, turnWantKey } from '../meta/keys.ts';
import { bytesEqual, type BatchCondition, type BatchOp, type MetaStore, type StoreLease } from '../meta/meta-store.ts';
import type { TurnWatch } from './turn-watch.ts';

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

/** How often a waiter looks at the turn again without having heard that it ended. */
export const RECHECK_MS = 200;

/** How long a server's handoff may wait untaken before it also asks for the turn (the holder then ends its run). */
const HANDOFF_PATIENCE_MS = 1000;

export interface TurnTakerDeps {
  meta: MetaStore;
  owner: string;
  watch: TurnWatch;
  /** The lease turns are bound to, and the longest a writer waits for one. */
  leaseMs: number;
  stats: TurnStats;
  /** Turn keys this server ended while another waited: its next writer lets the waiter go first (until this resolves). */
  yielding: Map<string, Promise<void>>;
}

/** A handoff of this server's while it stands; `gone`: the watch saw it deleted. */
interface Standing {
  key: string;
  value: Uint8Array;
  at: number;
  gone: boolean;
  /** Stops listening for its deletion. */
  stop: () => void;
}

/**
 * Takes turns for `key` (turnKey(repo, branch)): the turn, 'handed' when
 * the offer was taken (landed by the holder, or gone with this server's
 * lease), undefined when the wait ran out (the handoff taken back).
 */
export type TakeTurn = (key: string, repo: RepoName, branch: BranchName, offer?: Offer) => Promise<Turn | 'handed' | undefined>;

export function createTurnTaker(d: TurnTakerDeps): TakeTurn {
  const { meta, owner, watch, stats } = d;
  let taken = 0;
  let handoffs = 0;
  const lease = leaseSession(meta, d.leaseMs);
  /** Deletes the handoff unless it went already: true when it was still there (so nothing else landed it). */
  const retract = async (h: { key: string; value: Uint8Array }): Promise<boolean> => meta.batch([{ type: 'del', key: h.key }], [{ key: h.key, expected: h.value }]);

  /** Refused: hands the writers to the holder rather than wait for it to finish its run; the handoff if one was written. */
  const handOff = async (o: Offer, repo: RepoName, branch: BranchName, l: StoreLease): Promise<Standing | undefined> => {
    const hk = handoffKey(owner, ++handoffs, repo, branch);
    const made: Standing = { key: hk, value: new Uint8Array(0), at: performance.now(), gone: false, stop: () => undefined };
    made.stop = watch.on(hk, () => void (made.gone = true));
    const v = await o.make(hk, l);
    if (!v) {
      made.stop();
      return undefined;
    }
    stats.offered++;
    made.value = v;
    made.at = performance.now();
    return made;
  };

  return async (key, repo, branch, o) => {
    await watch.start();
    // This server just ended its run while another waited: that one goes first.
    const letGo = d.yielding.get(key);
    if (letGo) {
      d.yielding.delete(key);
      await letGo;
    }
    const value = Buffer.from(`${owner}/${++taken}`);
    const want = turnWantKey(owner, repo, branch);
    let wanting = false;
    let handoff: Standing | undefined;
    let offering = o;
    // Held elsewhere as far as the watch knows: offer first, without a refused try.
    let tryFirst = !(o && watch.heldByOther.has(key));
    const until = performance.now() + d.leaseMs;
    try {
      for (;;) {
        if (handoff?.gone) {
          stats.gone++;
          return 'handed';
        }
        const l = await lease();
        // Listen before trying: an end between a refused try and the wait is not missed.
        let heard = false;
        const stopListening = watch.on(key, () => void (heard = true));
        try {
          // Taking the turn takes back this server's handoff in the same transaction: only one of the two lands it.
          const h = handoff;
          const ops: BatchOp[] = [{ type: 'put', key, value, lease: l }, ...(wanting ? [{ type: 'del' as const, key: want }] : []), ...(h ? [{ type: 'del' as const, key: h.key }] : [])];
          if (tryFirst && (await meta.batch(ops, [{ key, expected: undefined }, ...(h ? [{ key: h.key, expected: h.value }] : [])]))) {
            wanting = false;
            stats.taken++;
            if (h) stats.retracted++;
            handoff = undefined;
            return turnOf(meta, stats, key, value);
          }
          tryFirst = true;
          if (h && !h.gone && !heard && (await meta.get(h.key)) === undefined) h.gone = true;
          if (h?.gone) {
            stats.gone++;
            return 'handed';
          }
          if (offering && !h) {
            handoff = await handOff(offering, repo, branch, l);
            offering = undefined;
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
          stopListening();
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
          await watch.ended(handoff ? [key, handoff.key] : key, wait);
        }
      }
    } finally {
      if (wanting) await meta.batch([{ type: 'del', key: want }], []).catch(() => undefined);
      // Left by an error: take the handoff back if it is still there (if that fails too, it may yet land, unanswered).
      if (handoff && !handoff.gone) await retract(handoff).catch(() => undefined);
      handoff?.stop();
    }
  };
}

/** One lease for all of this server's turns, granted again when it ran out. */
function leaseSession(meta: MetaStore, leaseMs: number): () => Promise<StoreLease> {
  const grant = meta.grantLease!.bind(meta);
  let session: Promise<StoreLease> | undefined;
  return async () => {
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
}

function turnOf(meta: MetaStore, stats: TurnStats, key: string, value: Uint8Array): Turn {
  return {
    commits: 0,
    endOp: { type: 'del', key },
    condition: { key, expected: value },
    held: async () => bytesEqual(await meta.get(key), value),
    release: async () => {
      stats.released++;
      await meta.compareAndSet(key, value, undefined);
    },
  };
}
