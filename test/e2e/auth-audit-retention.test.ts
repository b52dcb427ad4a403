// The audit log's retention on the real server process (LevelDB on disk):
// with --audit-retention 2s, the records of calls made more than 2 s before a
// later audited write are gone (pruned from the store by that write); the
// newer ones stay. A bad value stops the server at start with one line. The
// exact boundaries (and 0 = forever, and etcd) are in test/contract/auth-store.test.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClient, createClient, type AuthClient, type StrataClient } from '../../client/sdk/index.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let pfs: StrataClient;
let auth: AuthClient;

beforeAll(async () => {
  server = await startServer({ args: ['--audit-retention', '2s'] });
  const anon = createAuthClient({ address: server.grpcAddress });
  const { rootToken } = await anon.activate();
  anon.close();
  pfs = createClient({ address: server.grpcAddress, token: rootToken });
  auth = createAuthClient({ address: server.grpcAddress, token: rootToken });
}, 60_000);

afterAll(async () => {
  pfs?.close();
  auth?.close();
  await server?.cleanup();
});

describe('audit retention', () => {
  it('a write prunes the records older than --audit-retention; newer ones stay', async () => {
    await pfs.createRepo('old');
    await pfs.put('old@main:/a.txt', Buffer.from('a'));
    const before = await auth.audit({});
    expect(before.map((r) => r.method)).toEqual(expect.arrayContaining(['CreateRepo', 'ModifyFile']));
    await sleep(2_200); // the records above are now older than the 2 s retention
    const cut = Date.now() - 2_000;
    await pfs.createRepo('new'); // an audited write: it prunes first
    const after = await auth.audit({});
    expect(after.filter((r) => r.repo === 'old')).toEqual([]);
    expect(after.map((r) => r.repo)).toContain('new');
    expect(after.every((r) => r.timeMs >= cut)).toBe(true);
  }, 60_000);

  it('a bad --audit-retention stops the server at start with one clear line', async () => {
    await expect(startServer({ args: ['--audit-retention', 'forever'] })).rejects.toThrow(/invalid --audit-retention "forever": expected a duration such as 90d/);
  });
});
