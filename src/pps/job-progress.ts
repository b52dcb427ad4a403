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
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** A background write (addSkipped) is queued and has not started. */
  private queued = false;

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
    const full = this.pending.length >= soon;
    const since = this.io.now() - this.lastSave;
    if (full || since >= PROGRESS_MS) await this.flush(full);
    else this.later(PROGRESS_MS - since);
  }

  /**
   * Counts a skipped datum and queues its record. A full batch is written in
   * the background while the caller goes on classifying datums (the write
   * waits on the store's threads, not on this one); a failed write keeps its
   * records for the next flush, which the job awaits.
   */
  async addSkipped(r: DatumRecord): Promise<void> {
    this.recorded(r);
    this.pending.push(r);
    const full = this.pending.length >= RECORD_BATCH;
    const since = this.io.now() - this.lastSave;
    if (this.queued) return; // the write already queued takes these records too
    if (full || since >= PROGRESS_MS) {
      this.queued = true;
      void this.flush(full).catch(() => undefined);
    } else this.later(PROGRESS_MS - since);
  }

  /** Writes queued records when `force` or a batch is full, and the counters when due (always with `force`); one write at a time. */
  flush(force = false): Promise<void> {
    const run = this.writing.then(() => this.write(force));
    this.writing = run.catch(() => undefined);
    return run;
  }

  /**
   * Stops the timed flush and waits for any write under way: call before the
   * job's state moves on (the timer would otherwise save the counters with
   * state running over it).
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
  }

  private async write(force: boolean): Promise<void> {
    this.queued = false;
    const since = this.io.now() - this.lastSave;
    const counts = { ...this.counts }; // taken with the batch: datums added during the writes are not counted yet
    // Records go out with any save of the counters: what the counters count is always listed.
    if (this.pending.length > 0 && (force || since >= PROGRESS_MS || this.pending.length >= RECORD_BATCH)) {
      const batch = this.pending;
      const logs = this.pendingLogs;
      this.pending = [];
      this.pendingLogs = [];
      try {
        if (logs.length > 0) await this.io.putLogs(logs);
        await this.io.putDatums(batch);
      } catch (err) {
        // Kept for the next flush (the job's own, which fails the job if the store still refuses).
        this.pending = [...batch, ...this.pending];
        this.pendingLogs = [...logs, ...this.pendingLogs];
        throw err;
      }
    }
    if (force || since >= PROGRESS_MS) {
      this.lastSave = this.io.now();
      await this.io.saveCounts(counts);
    }
    if (this.pending.length > 0) this.later(PROGRESS_MS); // records held back (fewer than a batch) go out soon
  }

  /**
   * A datum that ends while the next one runs long is shown (counters, its
   * record and log) within PROGRESS_MS, not when another datum ends.
   */
  private later(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) void this.flush(true).catch(() => undefined); // a failed write shows again at the job's own flush
    }, ms);
    this.timer.unref();
  }
}
