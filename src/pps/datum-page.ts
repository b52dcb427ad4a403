// One page of a job's datums, read from the store range by range, so a job
// of 100,000 datums shows a page for what a job of 200 does. The store keeps
// processed datums (success, failed, recovered) one record each, keyed by id,
// and skipped ones in batches under random keys (records.ts), so no key order
// lists both by id. A page therefore follows store order: processed datums
// by id, then skipped ones batch by batch (each batch as written). The cursor
// says where the last page ended: a datum id in the first part,
// `skipped:<batch>:<n>` (n rows of that batch shown) in the second.
import { StrataError } from '../errors/index.ts';
import type { RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import * as rec from './records.ts';
import type { PpsStore } from './store.ts';

export interface DatumPageEntry {
  datum: rec.DatumRecord;
  /** For a skipped datum: the batch holding its record, so a link can find it without a scan (PpsStore.datum). */
  batch?: string;
  /** For a skipped datum: its place in that batch. */
  row?: number;
}

export interface DatumPage {
  entries: DatumPageEntry[];
  /** Cursor of the next page, or null when this page is the last. */
  next: string | null;
}

type Cursor = { part: 'processed'; after?: string } | { part: 'skipped'; batch: string; shown: number };

const SKIPPED_CURSOR = /^skipped:([A-Za-z0-9_-]{1,64}):(\d{1,6})$/;

/** Parses a page cursor; anything else is refused (InvalidArgument), naming what is accepted. */
export function parseDatumCursor(after: string | undefined): Cursor {
  if (after === undefined) return { part: 'processed' };
  if (/^[0-9a-f]{1,64}$/.test(after)) return { part: 'processed', after };
  const m = SKIPPED_CURSOR.exec(after);
  if (m) return { part: 'skipped', batch: m[1]!, shown: Number(m[2]) };
  throw new StrataError('INVALID_ARGUMENT', `invalid datum page cursor ${JSON.stringify(after.slice(0, 80))}: give a datum id (hex) or the "skipped:BATCH:N" of a page's next link`, { after: after.slice(0, 80) });
}

/** The cursor of the page that starts after `e`. */
const cursorAfter = (e: DatumPageEntry): string => (e.batch === undefined ? e.datum.id : `skipped:${e.batch}:${e.row! + 1}`);

/** The smallest key after `key`: scans start there to resume strictly after it. */
const justAfter = (key: string): string => `${key}\u0000`;

/**
 * Up to `limit` datums of a job after the cursor `after` (undefined: from
 * the start). Reads at most limit + 1 processed records and the skipped
 * batches the page spans, and resolves the outputs of the skipped datums it
 * returns only.
 */
export async function datumPage(store: PpsStore, pipeline: string, job: string, opts: { after?: string; limit: number }): Promise<DatumPage> {
  const p = pipeline as RepoName;
  const cursor = parseDatumCursor(opts.after);
  const entries: DatumPageEntry[] = [];
  if (cursor.part === 'processed') {
    const prefix = keys.ppsDatumPrefix(p, job);
    const gte = cursor.after === undefined ? prefix : justAfter(prefix + cursor.after);
    for await (const [key, raw] of store.meta.scan({ prefix, gte, limit: opts.limit + 1 })) {
      if (entries.length === opts.limit) return { entries, next: entries.at(-1)!.datum.id };
      entries.push({ datum: rec.decodeDatum(raw, key) });
    }
  }
  const skippedPrefix = keys.ppsSkippedPrefix(p, job);
  let gte = skippedPrefix;
  let skip = 0;
  if (cursor.part === 'skipped') {
    gte = skippedPrefix + cursor.batch;
    skip = cursor.shown;
  }
  let next: string | null = null;
  // A batch holds up to a few hundred datums: a page spans a few of them.
  // A full page stops before decoding the next batch (there is one: more).
  scan: for await (const [key, raw] of store.meta.scan({ prefix: skippedPrefix, gte })) {
    const batch = key.slice(skippedPrefix.length);
    const start = cursor.part === 'skipped' && batch === cursor.batch ? skip : 0;
    if (entries.length === opts.limit) {
      next = cursorAfter(entries.at(-1)!);
      break;
    }
    const rows = rec.decodeSkippedBatch(raw, key);
    for (let i = start; i < rows.length; i++) {
      if (entries.length === opts.limit) {
        next = cursorAfter(entries.at(-1)!);
        break scan;
      }
      entries.push({ datum: rows[i]!, batch, row: i });
    }
  }
  // One index read per skipped datum shown, all in flight at once (the store's reads run on its own threads).
  await Promise.all(entries.map((e) => ((e.datum as rec.SkippedDatum).unresolved ? store.resolveSkipped(pipeline, e.datum as rec.SkippedDatum) : undefined)));
  return { entries, next };
}
