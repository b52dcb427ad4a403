// The HTTP/2 flow-control windows both ends announce: 64 KiB (the default)
// stalls a 1 MiB-message stream on a window update every 64 KiB, so the
// server announces a wide window for what clients upload, and the SDK one
// for what the server sends. Read from the SETTINGS frames themselves, and
// for the connection's own window (which no SETTINGS frame carries) from
// the window the server grants a client.
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '../../client/sdk/index.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const WIDE = 8 << 20;
let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.cleanup();
});

it('the server announces a wide window for each incoming stream', async () => {
  const session = http2.connect(`http://${server.grpcAddress}`);
  try {
    const settings = await new Promise<http2.Settings>((resolve, reject) => {
      session.once('remoteSettings', resolve);
      session.once('error', reject);
    });
    expect(settings.initialWindowSize).toBe(WIDE);
  } finally {
    session.destroy();
  }
});

it('the server widens each connection\'s window too, so an upload does not wait for the server to read every 64 KiB', async () => {
  const session = http2.connect(`http://${server.grpcAddress}`);
  try {
    await new Promise<void>((resolve, reject) => {
      session.once('remoteSettings', () => resolve());
      session.once('error', reject);
    });
    // The server sends its WINDOW_UPDATE as it accepts the connection: it is here once our PING is answered.
    await new Promise<void>((resolve, reject) => session.ping((err) => (err ? reject(err) : resolve())));
    expect(session.state.remoteWindowSize).toBe(2 * WIDE);
  } finally {
    session.destroy();
  }
});

it('the SDK announces a wide window for what the server sends', async () => {
  const fake = http2.createServer();
  const announced = new Promise<http2.Settings>((resolve) => fake.once('session', (s) => s.once('remoteSettings', resolve)));
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  const client = createClient({ address: `127.0.0.1:${(fake.address() as AddressInfo).port}`, deadlineMs: 2_000 });
  try {
    const call = client.listRepos().catch(() => undefined); // the fake answers nothing; only the SETTINGS matter
    expect((await announced).initialWindowSize).toBe(WIDE);
    client.close();
    await call;
  } finally {
    client.close();
    fake.close();
  }
});
