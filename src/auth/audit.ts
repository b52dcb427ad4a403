// The audit log: one record per write and per auth change (who, when, what,
// how it ended), kept in the MetaStore under time-ordered keys so every
// server sharing a store writes to, and reads from, the same log.
import { randomBytes } from 'node:crypto';
import { StrataError } from '../errors/index.ts';
import * as keys from '../meta/keys.ts';
import type { MetaStore } from '../meta/meta-store.ts';
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
}

export function createAuditLog(deps: { meta: MetaStore; clock: { now(): number } }): AuditLog {
  const { meta, clock } = deps;
  return {
    async record(entry) {
      const time = entry.time ?? clock.now();
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
