// A running job's tally: every datum's record goes through here, so the
// counters, the batched writes of datum records (skipped ones by the
// hundred) and the throttled saves of the job record stay in one place.
import type { DatumRecord, JobRecord } from './records.ts';

/** Datum records are written in batches of this many (skips by the thousand cost one write each batch). */
export const RECORD_BATCH = 500;
/** Counters are saved at most this often while a job runs. */
export const PROGRESS_MS = 250;

export class JobProgress {
  readonly counts: JobRecord['counts'];
  readonly results: DatumRecord[] = [];
  private pending: DatumRecord[] = [];
  private pendingLogs: { datum: string; text: string }[] = [];
  private lastSave = 0;

  constructor(
    total: number,
    private readonly io: {
      now(): number;
      putDatums(batch: DatumRecord[]): Promise<void>;
      /** Written before the batch of records they belong to. */
      putLogs(logs: { datum: string; text: string }[]): Promise<void>;
      saveCounts(counts: JobRecord['counts']): Promise<void>;
    },
  ) {
    this.counts = { total, processed: 0, skipped: 0, failed: 0, recovered: 0 };
  }

  /** Counts a datum recorded before (a resumed job): nothing to write. */
  recorded(r: DatumRecord): void {
    this.results.push(r);
    this.counts[r.state === 'success' ? 'processed' : r.state === 'skipped' ? 'skipped' : r.state]++;
  }

  /** Counts a datum and queues its record (and log); writes when a batch is full (or `soon` of them for processed datums). */
  async add(r: DatumRecord, soon = RECORD_BATCH, log?: string): Promise<void> {
    this.recorded(r);
    this.pending.push(r);
    if (log !== undefined) this.pendingLogs.push({ datum: r.id, text: log });
    await this.flush(this.pending.length >= soon);
  }

  /** Writes queued records when `force` or a batch is full, and the counters when due (always with `force`). */
  async flush(force = false): Promise<void> {
    if (this.pending.length > 0 && (force || this.pending.length >= RECORD_BATCH)) {
      const batch = this.pending;
      const logs = this.pendingLogs;
      this.pending = [];
      this.pendingLogs = [];
      if (logs.length > 0) await this.io.putLogs(logs);
      await this.io.putDatums(batch);
    }
    if (force || this.io.now() - this.lastSave >= PROGRESS_MS) {
      this.lastSave = this.io.now();
      await this.io.saveCounts({ ...this.counts });
    }
  }
}
