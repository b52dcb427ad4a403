// Property-based fuzzing of the real server over gRPC: hostile paths, refs,
// globs, raw protobuf bytes and cut upload streams (test/helpers/hostile.ts).
// A few hundred cases per surface here; `npm run bench -- reliability` runs
// 10,000+ per surface. Every case succeeds or gets a clear Strata error code;
// afterwards the server is up, logged no internal error, and fsck is clean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SURFACES } from '../helpers/hostile.ts';
import { modify, pfsClient, unary, type RawClient, type TestServer, startServer } from '../helpers/server.ts';

const RUNS = Number(process.env.STRATA_FUZZ_RUNS ?? 100);

let server: TestServer;
let client: RawClient;

beforeAll(async () => {
  server = await startServer();
  client = pfsClient(server.grpcAddress);
  await unary(client, 'CreateRepo', { name: 'fz' });
  await modify(client, [{ header: { target: 'fz@main' } }, ...['/a.txt', '/d/b.txt', `/${'a'.repeat(60)}`, '/é/e\u0301'].flatMap((path) => [{ putFile: { path } }, { data: Buffer.from(path) }])]);
});

afterAll(async () => {
  client?.close();
  await server?.cleanup();
});

describe('hostile input over gRPC', () => {
  for (const surface of SURFACES) {
    it(`${surface.name}: every case answered, every rejection a clear code`, async () => {
      const report = await surface.run(server.grpcAddress, RUNS);
      expect(report.failures).toEqual([]);
      expect(report.cases).toBe(RUNS);
      expect(report.accepted + Object.values(report.rejected).reduce((a, b) => a + b, 0)).toBe(RUNS);
      // Still serving.
      expect((await unary(client, 'InspectRepo', { name: 'fz' })).name).toBe('fz');
    }, 120_000);
  }

  it('a file at "/" is INVALID_PATH, not an index-format error', async () => {
    for (const path of ['/', '//', '']) {
      const err = await modify(client, [{ header: { target: 'fz@main' } }, { putFile: { path } }, { data: Buffer.from('x') }]).catch((e: unknown) => e);
      expect(err, JSON.stringify(path)).toMatchObject({ code: 'INVALID_PATH' });
    }
  });

  it('logged no internal error, and fsck is clean afterwards', async () => {
    expect(server.logs.filter((l) => l.includes('internal error'))).toEqual([]);
    const fsck = await unary(client, 'Fsck', { verifyData: true });
    expect(fsck.problems).toEqual([]);
  });
});
