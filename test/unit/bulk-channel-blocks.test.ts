// The bulk connection's receive blocks (server/grpc/bulk.ts): a channel
// reuses the blocks it copies socket reads into, so a long upload allocates
// a handful of them, not one per MiB received. Fresh pages are dear (each
// page of a new block is faulted in and zeroed by the kernel), so this is
// what keeps a large put's server from paying that per MiB.
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { setImmediate as turn } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BulkChannel } from '../../server/grpc/bulk.ts';

const MiB = 1 << 20;

async function socketPair(): Promise<{ client: Socket; accepted: Socket }> {
  return new Promise((resolve) => {
    const server = createServer((accepted) => {
      server.close();
      resolve({ client, accepted });
    });
    let client: Socket;
    server.listen(0, '127.0.0.1', () => {
      client = connect({ port: (server.address() as { port: number }).port, host: '127.0.0.1' });
    });
  });
}

afterEach(() => vi.restoreAllMocks());

describe('BulkChannel receive blocks', () => {
  it('takes 64 MiB from a reader that lags behind in a few reused 1 MiB blocks, bytes intact', async () => {
    const data = randomBytes(64 * MiB);
    const { client, accepted } = await socketPair();
    const channel = new BulkChannel(() => undefined, { bulkBytesIn: () => undefined });
    const allocUnsafe = vi.spyOn(Buffer, 'allocUnsafe');
    channel.attach(accepted, Buffer.alloc(0));
    client.end(data);
    const hash = createHash('sha256');
    for (let at = 0; at < data.length; at += 64 << 10) {
      hash.update(await channel.take(Math.min(64 << 10, data.length - at)));
      // A reader that stops now and then: reads pile up to the channel's queue bound, then it drains them.
      if (at % (4 * MiB) === 0) await new Promise((r) => setTimeout(r, 30));
      else await turn();
    }
    expect(hash.digest().equals(createHash('sha256').update(data).digest())).toBe(true);
    const blocks = allocUnsafe.mock.calls.filter(([size]) => size === MiB).length;
    // The queue holds up to 4 MiB (and a read past it), plus the block being filled and the one the last take's view is in:
    // at most ~6 live at once, so ~6 allocated whatever the length (11 at 64 MiB when only 2 were kept).
    expect(blocks).toBeGreaterThan(0);
    expect(blocks).toBeLessThanOrEqual(7);
    channel.close();
    client.destroy();
  });
});
