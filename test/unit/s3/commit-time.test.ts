// The gateway's commit times (server/s3/context.ts commitTime): a finished
// commit's is looked up once and kept (inspectCommit lists the commit's
// children on every call), an open commit's is asked for every time, since
// it becomes the finish time when the commit finishes.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commitTime, isoTime } from '../../../server/s3/context.ts';
import { branch, createTestPfs, put, ref, repo, type TestPfs } from '../../helpers/pfs.ts';

describe('commit times in the gateway', () => {
  let t: TestPfs & { remove(): Promise<void> };
  beforeAll(async () => {
    t = await createTestPfs();
    await t.pfs.createRepo(repo('times'));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.remove();
  });

  it('keeps a finished commit\'s time, and asks again for an open one', async () => {
    await put(t.pfs, 'times@main:/a', 'x');
    const finished = await t.pfs.inspectCommit(ref('times@main'));
    const spy = vi.spyOn(t.pfs, 'inspectCommit');
    const pinned = ref(`times@${finished.id}`);
    expect(await commitTime(t.pfs, pinned)).toBe(finished.finishedAt);
    expect(await commitTime(t.pfs, pinned)).toBe(finished.finishedAt);
    expect(spy).toHaveBeenCalledTimes(1);
    // By branch name or ancestry the commit may change: never kept.
    await commitTime(t.pfs, ref('times@main'));
    await commitTime(t.pfs, ref(`times@${finished.id}^`)).catch(() => undefined);
    expect(spy).toHaveBeenCalledTimes(3);

    const open = await t.pfs.startCommit(repo('times'), branch('main'));
    const openRef = ref(`times@${open.id}`);
    expect(await commitTime(t.pfs, openRef)).toBe(open.startedAt);
    await t.pfs.finishCommit(openRef);
    const done = await t.pfs.inspectCommit(openRef);
    expect(await commitTime(t.pfs, openRef)).toBe(done.finishedAt);
    spy.mockClear();
    expect(await commitTime(t.pfs, openRef)).toBe(done.finishedAt);
    expect(spy).toHaveBeenCalledTimes(0);
  });

  it('formats times the same whether or not the last one is kept', () => {
    for (const ms of [0, 1_700_000_000_123, 1_700_000_000_123, 1_700_000_000_124, 0, Date.UTC(2026, 11, 3)]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
    expect(() => isoTime(NaN)).toThrow(RangeError);
  });
});
