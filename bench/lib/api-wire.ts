// Bytes on the wire between the CLI and the server: a loopback TCP relay
// that counts what passes each way. `strata put --json` reports the chunk and
// file bytes it sent; the relay also sees the hashes asked about, the file
// entries, protobuf and HTTP/2 framing — everything a network would carry.
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

export interface WireCounter {
  /** host:port to point the CLI at. */
  address: string;
  /** Bytes client -> server and server -> client since the last reset. */
  bytes(): { up: number; down: number };
  reset(): void;
  close(): Promise<void>;
}

export async function startWireCounter(target: string): Promise<WireCounter> {
  const colon = target.lastIndexOf(':');
  const host = target.slice(0, colon);
  const port = Number(target.slice(colon + 1));
  let up = 0;
  let down = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ host, port });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (client.destroy(), upstream.destroy()));
    }
    client.on('data', (d: Buffer) => void (up += d.length));
    upstream.on('data', (d: Buffer) => void (down += d.length));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${own}`,
    bytes: () => ({ up, down }),
    reset: () => void (up = down = 0),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
