// kill -9 of the real server process at random moments while 4 clients
// commit, then restart on the same data directory: every acknowledged
// commit is there with its bytes, the head is whole, fsck is clean. A few
// rounds here; `npm run bench -- reliability` runs 50.
// (test/integration/pfs-crash.test.ts kills an in-process writer of the core.)
import { describe, expect, it } from 'vitest';
import { runKillLoop } from '../helpers/reliability.ts';
import { createTempDir } from '../helpers/tmp.ts';

describe('kill -9 of the server at random points', () => {
  it('loses no acknowledged commit', async () => {
    const tmp = await createTempDir('strata-kill');
    try {
      const report = await runKillLoop(tmp.path, { rounds: Number(process.env.STRATA_KILL_ROUNDS ?? 3), writers: 4, maxDelayMs: 700 });
      expect(report.problems).toEqual([]);
      expect(report.lost).toBe(0);
      expect(report.acknowledged).toBeGreaterThanOrEqual(report.rounds); // each round waits for one acknowledged commit before the kill
    } finally {
      await tmp.remove();
    }
  }, 180_000);
});
