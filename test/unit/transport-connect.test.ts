// The SDK's connect window: a server that is down is reported once the
// connect timeout has passed — one wait per call, not one per retry (it
// was 4 waits: 13-14 s for the CLI's 3 s timeout). Counted, not timed: the
// test checks how often the transport waits for a connection.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Transport } from '../../client/sdk/transport.ts';

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('connect window', () => {
  it('waits for the connection once per call, then fails without retrying', async () => {
    const transport = new Transport({ address: `127.0.0.1:${await closedPort()}`, deadlineMs: 0, retries: 3, backoffMs: 1, connectTimeoutMs: 300 });
    const client = (await transport.grpcSide()).client as unknown as { waitForReady(deadline: number, cb: (err?: Error) => void): void };
    const waits: number[] = [];
    const original = client.waitForReady.bind(client);
    client.waitForReady = (deadline, cb) => {
      waits.push(deadline);
      original(deadline, cb);
    };
    try {
      await expect(transport.unary('ListRepo', {}, { idempotent: true })).rejects.toMatchObject({ kind: 'Unavailable' });
      expect(waits).toHaveLength(1);
      waits.length = 0;
      const stream = transport.serverStream('WalkFile', { dir: 'a@main:/' }, { idempotent: true });
      await expect(stream.next()).rejects.toMatchObject({ kind: 'Unavailable' });
      expect(waits).toHaveLength(1);
    } finally {
      transport.close();
    }
  });

  it('without a connect window, idempotent calls are still retried', async () => {
    const transport = new Transport({ address: `127.0.0.1:${await closedPort()}`, deadlineMs: 0, retries: 2, backoffMs: 1, connectTimeoutMs: 0 });
    const client = (await transport.grpcSide()).client as unknown as Record<string, (...args: unknown[]) => unknown>;
    let calls = 0;
    const original = client.ListRepo!.bind(client);
    client.ListRepo = (...args: unknown[]) => (calls++, original(...args));
    try {
      await expect(transport.unary('ListRepo', {}, { idempotent: true })).rejects.toMatchObject({ kind: 'Unavailable' });
      expect(calls).toBe(3);
    } finally {
      transport.close();
    }
  });
});
