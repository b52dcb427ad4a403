// 16 clients writing to one branch at once (a few seconds here; 60 s in
// `npm run bench -- reliability`): every acknowledged write is at the head
// and in the history (no lost update), readers only ever see whole commits,
// and fsck is clean. test/helpers/reliability.ts has the loop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../helpers/reliability.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.cleanup();
});

describe('16 concurrent writers on one branch', () => {
  it('lose no acknowledged write, readers see only whole commits, fsck is clean', async () => {
    const report = await runLoad(server, { writers: 16, seconds: Number(process.env.STRATA_LOAD_SECONDS ?? 3), minPerWriter: 2 });
    expect(report.problems).toEqual([]);
    expect(report.acknowledged).toBeGreaterThanOrEqual(32);
    expect(report.readerSnapshots).toBeGreaterThan(0);
    // Concurrent one-off commits rebase onto the moved head: none should fail.
    expect(report.failedWrites).toEqual({});
  }, 120_000);
});
