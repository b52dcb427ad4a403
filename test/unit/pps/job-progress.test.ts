// JobProgress: the counters and datum records of a running job reach the
// store in batches, and a datum that ends while the next one runs long is
// shown within PROGRESS_MS (by a timer), not only when another datum ends.
// Pure logic: the store is a recording fake, the clock is vitest's.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobProgress, PROGRESS_MS, RECORD_BATCH } from '../../../src/pps/job-progress.ts';
import type { DatumRecord } from '../../../src/pps/records.ts';

const datum = (id: string, state: DatumRecord['state'] = 'success'): DatumRecord => ({
  id, job: 'j', hash: id, state, inputs: [], outputs: [], fromJob: null, tries: 1, reason: '', startedAt: 0, finishedAt: 0,
});

function recorder(opts: { failPuts?: number } = {}) {
  const written: string[][] = [];
  const saved: number[] = [];
  let failures = opts.failPuts ?? 0;
  const progress = new JobProgress(3, {
    now: () => Date.now(),
    putDatums: async (batch) => {
      if (failures-- > 0) throw new Error('store refused');
      written.push(batch.map((d) => d.id));
    },
    putLogs: async () => undefined,
    saveCounts: async (c) => void saved.push(c.processed + c.skipped),
  });
  return { progress, written, saved };
}

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

describe('JobProgress', () => {
  it('shows a datum that ended while the next runs long, within PROGRESS_MS, by itself', async () => {
    const { progress, written, saved } = recorder();
    await progress.flush(true); // the job's start: counters saved, nothing to write
    expect(saved).toEqual([0]);
    await progress.add(datum('a'), 16); // ends at once; the next datum then runs for a long time
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(PROGRESS_MS);
    expect(written).toEqual([['a']]);
    expect(saved).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(PROGRESS_MS * 10);
    expect(saved).toEqual([0, 1]); // nothing new, nothing written again
    await progress.close();
  });

  it('writes skipped datums RECORD_BATCH to a write, and nothing after close', async () => {
    const { progress, written, saved } = recorder();
    await progress.flush(true);
    for (let i = 0; i < RECORD_BATCH + 3; i++) await progress.add(datum(`s${i}`, 'skipped'));
    expect(written.map((b) => b.length)).toEqual([RECORD_BATCH]);
    await progress.flush(true);
    expect(written.map((b) => b.length)).toEqual([RECORD_BATCH, 3]);
    await progress.add(datum('late', 'skipped'));
    await progress.close();
    const count = saved.length;
    await vi.advanceTimersByTimeAsync(PROGRESS_MS * 4);
    expect(saved).toHaveLength(count); // a closed tally saves nothing (the job's state has moved on)
    expect(written.flat()).not.toContain('late');
  });

  it('never saves counters ahead of the records they count', async () => {
    const { progress, written, saved } = recorder();
    await progress.flush(true);
    vi.setSystemTime(Date.now() + PROGRESS_MS * 2); // the next datum ends when the counters are due anyway
    await progress.add(datum('a'), 16);
    expect(saved).toEqual([0, 1]);
    expect(written).toEqual([['a']]);
    await progress.close();
  });

  it('keeps the records of a failed timed write for the next flush', async () => {
    const { progress, written } = recorder({ failPuts: 1 });
    await progress.flush(true);
    await progress.add(datum('a'), 16);
    await vi.advanceTimersByTimeAsync(PROGRESS_MS); // the timed write fails
    expect(written).toEqual([]);
    await progress.add(datum('b'), 16);
    await progress.flush(true);
    expect(written).toEqual([['a', 'b']]);
    await progress.close();
  });
});
