// The bulk connection's reused read buffer (server/grpc/bulk-reads.ts) on
// this Node: it relies on net.Socket's internal fields for `onread`, so a
// Node that renamed them would fall back to fresh buffers silently; this
// says so instead. Also: a read callback that answers false stops reading
// until _read(0), which is how the bulk channel applies backpressure.
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readIntoReusedBuffer } from '../../server/grpc/bulk-reads.ts';

describe('readIntoReusedBuffer', () => {
  it('reads an accepted socket into one reused buffer, pausing when told and resuming on _read(0)', async () => {
    const data = randomBytes(8 << 20);
    const accepted = new Promise<Socket>((resolve) => {
      const server = createServer((s) => {
        server.close();
        resolve(s);
      }).listen(0, '127.0.0.1', () => {
        const c = connect({ port: (server.address() as { port: number }).port, host: '127.0.0.1' });
        c.end(data);
      });
    });
    const socket = await accepted;
    const hash = createHash('sha256');
    const buffers = new Set<ArrayBufferLike>();
    let got = 0;
    let paused = false;
    const hooked = readIntoReusedBuffer(socket, (bytes) => {
      buffers.add(bytes.buffer);
      hash.update(bytes);
      got += bytes.length;
      if (got >= 1 << 20 && !paused) {
        paused = true;
        return false;
      }
      return true;
    });
    expect(hooked).toBe(true);
    // Paused after the first MiB: nothing more arrives until reading is started again.
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toBeLessThan(2 << 20);
    const atPause = got;
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toBe(atPause);
    (socket as unknown as { _read(n: number): void })._read(0);
    await new Promise<void>((resolve) => socket.once('end', resolve));
    expect(got).toBe(data.length);
    expect(hash.digest().equals(createHash('sha256').update(data).digest())).toBe(true);
    expect(buffers.size).toBe(1);
    socket.destroy();
  });
});
