// A put starts reading, cutting and hashing its file while its ModifyFile
// stream is still being set up (client/sdk/modify.ts, Session.open), but
// asks the server nothing and sends no chunk byte before the server accepts
// the target. Seen through a relay that holds every byte the server sends:
// while held, the SDK reads megabytes of the file yet sends only the
// connection's and the stream's set-up; once released, the put lands and
// the file reads back equal.
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type StrataClient } from '../../client/sdk/index.ts';
import { collect } from '../helpers/bytes.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const MiB = 1 << 20;
let server: TestServer;
let tmp: TempDir;

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-put-overlap')]);
  const c = createClient({ address: server.grpcAddress });
  await c.createRepo('overlap');
  c.close();
});

afterAll(async () => {
  await Promise.all([server?.cleanup(), tmp?.remove()]);
});

/** A TCP relay to `target` that counts what clients send and, until release(), holds what the server answers. */
async function holdingRelay(target: string) {
  const colon = target.lastIndexOf(':');
  const [host, port] = [target.slice(0, colon), Number(target.slice(colon + 1))];
  let up = 0;
  let held = true;
  const waiting: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const relay: Server = createServer((client) => {
    const upstream = connect({ host, port });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (client.destroy(), upstream.destroy()));
    }
    client.on('data', (d: Buffer) => void (up += d.length));
    client.pipe(upstream);
    const answer = (): void => void upstream.pipe(client);
    if (held) waiting.push(answer);
    else answer();
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(relay.address() as AddressInfo).port}`,
    sent: () => up,
    release(): void {
      held = false;
      for (const answer of waiting.splice(0)) answer();
    },
    close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), relay.close(() => resolve()))),
  };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!ok()) throw new Error(`never happened: ${what}`);
}

describe('a put while its stream opens', () => {
  it('reads and cuts the file before the server answers, sending nothing of it until the target is accepted', async () => {
    const data = randomBytes(24 * MiB);
    const local = join(tmp.path, 'big.bin');
    await writeFile(local, data);
    const relay = await holdingRelay(server.grpcAddress);
    const client: StrataClient = createClient({ address: relay.address });
    try {
      let read = 0;
      const put = client.put('overlap@main:/big.bin', local, { onBytes: (n) => void (read += n) });
      put.catch(() => undefined);
      // Nothing from the server has reached the SDK: the stream is not accepted, yet the file is being read.
      await until('8 MiB of the file read while the server is held', () => read >= 8 * MiB);
      // Connection prefaces at most (39 bytes when run here): no MissingChunks question, no chunk byte.
      expect(relay.sent()).toBeLessThan(4 << 10);
      relay.release();
      const r = await put;
      expect(r.stats).toMatchObject({ bytes: 24 * MiB, sentBytes: 24 * MiB });
      const digest = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
      expect(digest(await collect(client.get('overlap@main:/big.bin')))).toBe(digest(data));
    } finally {
      client.close();
      await relay.close();
    }
  });

  it('a session whose caller blocks the event loop for longer than the connect window still opens (put -r lists its tree synchronously)', async () => {
    const client = createClient({ address: server.grpcAddress, connectTimeoutMs: 300 });
    try {
      const r = await client.modify('overlap@main', async (m) => {
        await new Promise((r) => setTimeout(r, 20)); // the stream's connect window is running by now
        const until = Date.now() + 1_000;
        while (Date.now() < until); // as a synchronous walk of a large tree does
        await m.put('/after-block.txt', Buffer.from('hi\n'));
      });
      expect(r.stats.files).toBe(1);
      expect(Buffer.from(await collect(client.get('overlap@main:/after-block.txt'))).toString()).toBe('hi\n');
    } finally {
      client.close();
    }
  });
});
