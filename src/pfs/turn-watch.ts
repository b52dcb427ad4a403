// What one server knows of other servers' turns, wants and handoffs on
// branches (branch-turn.ts has the protocol), from three etcd watches:
// turn/ (who holds a branch's turn), turnwant/ (who waits for one) and
// handoff/ (commits offered to a holder, with their values, so a holder
// reads nothing more to take them). Waiters park on a key here and are woken
// when the watch reports it ended, or on the pseudo-keys `taken:<turn>` (the
// turn went to another server, or no one waits any more) and `offer:<turn>`
// (a handoff came, or another server waits).
import { HANDOFF_PREFIX, parseHandoffKey, parseTurnWantKey, TURN_PREFIX, TURN_WANT_PREFIX } from '../meta/keys.ts';
import type { MetaStore } from '../meta/meta-store.ts';

export interface TurnWatch {
  /** Per turn key: other servers' handoffs seen by the watch and not yet gone. */
  readonly offered: Map<string, Map<string, Uint8Array>>;
  /** Turn keys another server holds, as the watch last said. */
  readonly heldByOther: Set<string>;
  /** Per turn key: the other servers waiting for it (their want keys, from the watch). */
  readonly wanted: Map<string, Set<string>>;
  /** Starts the watches (once; again after a failure) and resolves when they and the first scans are done. */
  start(): Promise<unknown>;
  /** Calls `fn` once, the next time `key` is woken; returns a function that stops listening. */
  on(key: string, fn: () => void): () => void;
  /** Resolves when one of the keys is woken or after `ms`, whichever is first. */
  ended(key: string | string[], ms: number): Promise<void>;
}

/** `owner`: this server's id, the prefix of its turn values and part of its want and handoff keys. */
export function createTurnWatch(meta: MetaStore, owner: string): TurnWatch {
  const offered = new Map<string, Map<string, Uint8Array>>();
  const heldByOther = new Set<string>();
  const wanted = new Map<string, Set<string>>();
  const waiters = new Map<string, Set<() => void>>();
  let watching: Promise<unknown> | undefined;

  const wake = (key: string): void => {
    const set = waiters.get(key);
    if (!set) return;
    waiters.delete(key);
    for (const w of set) w();
  };
  const on = (key: string, fn: () => void): (() => void) => {
    let set = waiters.get(key);
    if (!set) waiters.set(key, (set = new Set()));
    set.add(fn);
    return () => void waiters.get(key)?.delete(fn);
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

  return {
    offered,
    heldByOther,
    wanted,
    on,
    start() {
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
    },
    async ended(key, ms) {
      let done!: () => void;
      const woken = new Promise<void>((r) => (done = r));
      const stops = (typeof key === 'string' ? [key] : key).map((k) => on(k, done));
      const timer = setTimeout(done, ms);
      try {
        await woken;
      } finally {
        clearTimeout(timer);
        for (const stop of stops) stop();
      }
    },
  };
}
