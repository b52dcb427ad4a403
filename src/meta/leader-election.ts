// Leader election: one process among the servers sharing a store does a job
// (e.g. the pipeline controller). On etcd it is etcd's election recipe
// (a key under a lease, lowest create revision leads): a leader that dies
// stops renewing its lease and the next candidate leads once it expires
// (ttlSeconds). Single-process stores use the local elector: the first
// campaigner in this process leads until it resigns.
import type { Etcd3, Namespace } from 'etcd3';
import { StrataError } from '../errors/index.ts';

export interface Leadership {
  /** Aborted when leadership is lost (lease expired, etcd unreachable too long) or resigned. */
  readonly lost: AbortSignal;
  /** Gives leadership up; the next candidate leads. Idempotent. */
  resign(): Promise<void>;
}

export interface LeaderElector {
  /**
   * Resolves once this caller leads election `name` (candidates queue; the
   * oldest leads). `candidate` names this caller to observers (e.g. its
   * address). Rejects with CANCELLED if `signal` aborts first.
   */
  campaign(name: string, candidate: string, signal?: AbortSignal): Promise<Leadership>;
  /** The current leader's candidate value, or undefined when nobody leads. */
  leader(name: string): Promise<string | undefined>;
}

/** Seconds without lease renewal after which a dead leader is replaced. */
export const ELECTION_TTL_SECONDS = 5;

function cancelled(name: string): StrataError {
  return new StrataError('CANCELLED', `campaign for leadership of "${name}" cancelled`, { name });
}

export function createEtcdElector(ns: Namespace | Etcd3, ttlSeconds = ELECTION_TTL_SECONDS): LeaderElector {
  return {
    async campaign(name, candidate, signal) {
      if (signal?.aborted) throw cancelled(name);
      const campaign = ns.election(name, ttlSeconds).campaign(candidate);
      const lost = new AbortController();
      let resigned: Promise<void> | undefined;
      const resign = (): Promise<void> =>
        (resigned ??= (async () => {
          lost.abort();
          await campaign.resign().catch(() => undefined);
        })());
      // The campaign's lease could not be kept alive: someone else may lead now.
      campaign.on('error', () => void resign());
      const onAbort = (): void => void resign();
      signal?.addEventListener('abort', onAbort);
      try {
        await new Promise<void>((resolve, reject) => {
          campaign.once('elected', () => resolve());
          campaign.once('error', (err: unknown) => reject(new StrataError('META_IO', `campaign for leadership of "${name}" failed: ${String(err)}`, { name }, { cause: err })));
          signal?.addEventListener('abort', () => reject(cancelled(name)));
        });
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
      return { lost: lost.signal, resign };
    },
    async leader(name) {
      return (await ns.election(name, ttlSeconds).leader()) ?? undefined;
    },
  };
}

/** One process, one store: leadership is a queue in memory. */
export function createLocalElector(): LeaderElector {
  const queues = new Map<string, { candidate: string; elect: () => void; lost: AbortController }[]>();
  const promote = (name: string): void => queues.get(name)?.[0]?.elect();
  return {
    campaign(name, candidate, signal) {
      if (signal?.aborted) return Promise.reject(cancelled(name));
      return new Promise<Leadership>((resolve, reject) => {
        const queue = queues.get(name) ?? [];
        queues.set(name, queue);
        const lost = new AbortController();
        const leave = async (): Promise<void> => {
          lost.abort();
          const i = queue.indexOf(entry);
          if (i >= 0) queue.splice(i, 1);
          if (i === 0) promote(name);
        };
        const onAbort = (): void => {
          if (queue[0] === entry) return; // already leads: the abort no longer applies to the campaign
          void leave();
          reject(cancelled(name));
        };
        const entry = {
          candidate,
          lost,
          elect: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve({ lost: lost.signal, resign: leave });
          },
        };
        queue.push(entry);
        signal?.addEventListener('abort', onAbort);
        if (queue[0] === entry) entry.elect();
      });
    },
    async leader(name) {
      return queues.get(name)?.[0]?.candidate;
    },
  };
}
