// The audit log: one record per write and per auth change (who, when, what,
// how it ended), kept in the MetaStore under time-ordered keys so every
// server sharing a store writes to, and reads from, the same log. Records
// older than the retention are deleted: a write finds the last prune more
// than a tenth of the retention ago (at most ten minutes) and prunes first,
// so the log stays within retention plus that tenth, on every server.
import { randomBytes } from 'node:crypto';
import { StrataError } from '../errors/index.ts';
import * as keys from '../meta/keys.ts';
import type { MetaStore } from '../meta/meta-store.ts';
import { splitBatch } from '../meta/meta-store.ts';
import { decodeAudit, encodeAudit, type AuditRecord } from './records.ts';

export interface AuditQuery {
  /** Only records of this subject. */
  subject?: string;
  /** Only records about this repo. */
  repo?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  /** At most this many (the newest ones); default 1000. */
  limit?: number;
}

export const DEFAULT_AUDIT_LIMIT = 1000;
export const MAX_AUDIT_LIMIT = 100_000;

export interface AuditLog {
  /** Stores one record; `time` defaults to now. */
  record(entry: Omit<AuditRecord, 'time'> & { time?: number }): Promise<void>;
  /** Matching records, oldest first (the newest `limit` of them). */
  query(q: AuditQuery): Promise<AuditRecord[]>;
  /** Deletes the records older than the retention now; returns how many. 0 when kept forever. */
  prune(): Promise<number>;
}

/** Records deleted per batch while pruning. */
const PRUNE_BATCH = 1000;
/** The longest time between prunes. */
const MAX_PRUNE_EVERY_MS = 10 * 60_000;

export function createAuditLog(deps: { meta: MetaStore; clock: { now(): number }; /** 0 or absent: keep forever. */ retentionMs?: number }): AuditLog {
  const { meta, clock } = deps;
  const retentionMs = deps.retentionMs ?? 0;
  if (!Number.isSafeInteger(retentionMs) || retentionMs < 0) throw new StrataError('INVALID_ARGUMENT', `invalid audit retention ${retentionMs} ms`, { field: 'retention' });
  const pruneEveryMs = Math.min(MAX_PRUNE_EVERY_MS, Math.floor(retentionMs / 10));
  let lastPrune = -Infinity;
  let pruning: Promise<number> | undefined;

  async function prune(): Promise<number> {
    if (retentionMs === 0) return 0;
    const now = clock.now();
    lastPrune = now;
    const range = { prefix: keys.AUDIT_PREFIX, lt: keys.auditTimeKey(now - retentionMs) };
    let deleted = 0;
    for (;;) {
      const doomed: string[] = [];
      for await (const [key] of meta.scan({ ...range, limit: PRUNE_BATCH })) doomed.push(key);
      if (doomed.length === 0) return deleted;
      for (const part of splitBatch(doomed.map((key) => ({ type: 'del' as const, key })), meta.limits)) await meta.batch(part);
      deleted += doomed.length;
    }
  }

  /** One prune at a time per process; callers share the one running. */
  const pruneOnce = (): Promise<number> => (pruning ??= prune().finally(() => (pruning = undefined)));

  return {
    prune: pruneOnce,

    async record(entry) {
      const time = entry.time ?? clock.now();
      if (retentionMs > 0 && clock.now() - lastPrune >= pruneEveryMs) await pruneOnce();
      await meta.put(keys.auditKey(time, randomBytes(8).toString('hex')), encodeAudit({ ...entry, time }));
    },

    async query(q) {
      const limit = q.limit ?? DEFAULT_AUDIT_LIMIT;
      if (!Number.isSafeInteger(limit) || limit <= 0 || limit > MAX_AUDIT_LIMIT) {
        throw new StrataError('INVALID_ARGUMENT', `invalid audit limit ${limit}: must be 1..${MAX_AUDIT_LIMIT}`, { field: 'limit' });
      }
      const range = {
        prefix: keys.AUDIT_PREFIX,
        ...(q.since === undefined ? {} : { gte: keys.auditTimeKey(q.since) }),
        ...(q.until === undefined ? {} : { lt: keys.auditTimeKey(q.until) }),
      };
      // Newest first, so the limit keeps the latest records and the scan stops early.
      const out: AuditRecord[] = [];
      for await (const [key, value] of meta.scan({ ...range, reverse: true })) {
        const r = decodeAudit(value, key);
        if (q.subject !== undefined && r.subject !== q.subject) continue;
        if (q.repo !== undefined && r.repo !== q.repo) continue;
        out.push(r);
        if (out.length >= limit) break;
      }
      return out.reverse();
    },
  };
}
