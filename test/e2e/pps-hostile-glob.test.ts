// A datum glob is a user's pattern compiled to a regular expression (its `( )`
// captures feed join_on and group_by). A pattern of many stars against a long
// name that does not match made V8's backtracking engine run for minutes,
// stalling the whole server; the server switches such a match to V8's linear
// engine. Here the real server must finish the job and keep answering.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, createPpsClient, type PpsClient, type StrataClient } from '../../client/sdk/index.ts';
import { jobForHead, spec } from '../helpers/pps.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let client: StrataClient;
let pps: PpsClient;

beforeAll(async () => {
  server = await startServer();
  client = createClient({ address: server.grpcAddress });
  pps = createPpsClient({ address: server.grpcAddress });
});

afterAll(async () => {
  client?.close();
  pps?.close();
  await server?.cleanup();
});

it('a glob that backtracks catastrophically neither hangs the server nor changes what matches', async () => {
  await client.createRepo('names');
  await client.modify('names@main', async (m) => {
    await m.put(`/${'a'.repeat(60)}`, Buffer.from('no b at the end')); // the pattern cannot match it, only try every split
    await m.put(`/${'a'.repeat(30)}b`, Buffer.from('matches'));
  });
  const hostile = `/(${'*a'.repeat(12)})b`;
  await pps.createPipeline(spec('stars', { pfs: { repo: 'names', glob: hostile } }, 'cat /pfs/names/* > /pfs/out/seen'));
  const job = await jobForHead(client, pps, 'stars', 'names@main');
  expect(job).toMatchObject({ state: 'success', counts: { total: 1, processed: 1 } });
  expect((await client.inspectRepo('names')).name).toBe('names'); // and the server still answers
}, 60_000);
