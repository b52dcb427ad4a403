// The SDK against HTTP/2's Rapid Reset limit on the real server: a client
// that cancels streams faster than nghttp2 allows (1,000 at once, then 33 a
// second) has its connection closed by the server with GOAWAY(INTERNAL_ERROR),
// and every call in flight on it fails with INTERNAL "Session closed with
// error code 2" (docs/api.md, "Limits"). The SDK retries the reads among them
// on a fresh connection, and never a write (the server may have run it).
// Without the retry (client/sdk/transport.ts isConnectionClosedByServer) the
// reads fail with INTERNAL (this fails).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isConnectionClosedByServer, type RetryInfo, type StrataClient, type StrataError } from '../../client/sdk/index.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let setup: StrataClient;

beforeAll(async () => {
  server = await startServer();
  setup = createClient({ address: server.grpcAddress });
  await setup.createRepo('rr');
  await setup.put('rr@main:/f.txt', Buffer.from('rapid reset\n'));
});

afterAll(async () => {
  setup?.close();
  await server?.cleanup();
});

describe('a client past the Rapid Reset limit', () => {
  it('has its reads in flight retried on a new connection, and its writes failed, not retried', async () => {
    const retries: RetryInfo[] = [];
    const client = createClient({ address: server.grpcAddress, retries: 5, onRetry: (info) => retries.push(info) });
    const closedSeen = (): boolean => retries.some((r) => isConnectionClosedByServer(r.error));
    const readFailures: StrataError[] = [];
    const writes = { ok: 0, closedUnder: 0, other: [] as StrataError[] };
    let resets = 0;
    let stop = false;
    // The hog: opens a subscription on the client's connection and cancels it a moment later (one RST_STREAM each).
    const hog = async (): Promise<void> => {
      while (!stop && resets < 20_000) {
        resets++;
        const abort = new AbortController();
        const sub = client.subscribe('rr@main', { signal: abort.signal });
        const first = sub.next().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 2));
        abort.abort();
        await first;
        await sub.return(undefined).catch(() => undefined);
      }
    };
    const reader = async (): Promise<void> => {
      while (!stop) {
        try {
          expect((await client.inspectRepo('rr')).name).toBe('rr');
          expect((await client.inspectFile('rr@main:/f.txt')).sizeBytes).toBe(12);
        } catch (err) {
          readFailures.push(err as StrataError);
        }
      }
    };
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        try {
          await client.createBranch(`rr@w${w}-${i}`, { from: 'rr@main' });
          writes.ok++;
        } catch (err) {
          if (isConnectionClosedByServer(err as StrataError)) writes.closedUnder++;
          else writes.other.push(err as StrataError);
        }
      }
    };
    // Until the server has closed the connection under the client's calls, or a read failed.
    const watch = async (): Promise<void> => {
      while (!closedSeen() && readFailures.length === 0 && resets < 20_000) await new Promise((r) => setTimeout(r, 20));
      // A little longer, so calls started on the new connection run too.
      const okBefore = writes.ok;
      while (writes.ok < okBefore + 5 && readFailures.length === 0 && writes.other.length === 0) await new Promise((r) => setTimeout(r, 20));
      stop = true;
    };
    try {
      await Promise.all([watch(), ...Array.from({ length: 10 }, hog), reader(), reader(), writer(0), writer(1)]);
    } finally {
      client.close();
    }
    expect(readFailures.map((e) => `${e.code}: ${e.message}`)).toEqual([]);
    expect(closedSeen(), `the server never closed the connection after ${resets} resets`).toBe(true);
    // Reads were retried on that failure; writes never were (retries count reads only).
    expect(retries.filter((r) => isConnectionClosedByServer(r.error)).map((r) => r.method)).not.toContain('CreateBranch');
    expect(retries.map((r) => r.method).filter((m) => m === 'CreateBranch')).toEqual([]);
    expect(writes.other.map((e) => `${e.code}: ${e.message}`)).toEqual([]);
    expect(writes.ok).toBeGreaterThan(0);
  }, 300_000);
});
