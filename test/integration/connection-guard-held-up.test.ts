// server/connection-guard.ts on a loaded machine: when the server's own event
// loop is held up (CPU starvation, a long collection), the bytes a client sent
// meanwhile wait unread in the kernel, and the idle sweep (a timer, which the
// loop runs before it polls its sockets again) must not blame the client for
// that time. The client is another process that sends a byte of its body
// each time this one tells it to (over its stdin), so the test decides what
// the server has read when: the client keeps sending, then sends while the
// server's loop is held for 2.5 idle timeouts. No timing is asserted.
import { spawn, type ChildProcess } from 'node:child_process';
import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { guardConnections } from '../../server/connection-guard.ts';

const IDLE_MS = 1000;
const BODY_BYTES = 20;
const app = Fastify();
let port = 0;
let client: ChildProcess | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  guardConnections(app, { headersTimeoutMs: 5000, idleTimeoutMs: IDLE_MS, maxConnectionsPerAddress: 10 });
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  app.post('/upload', async (req) => {
    let bytes = 0;
    for await (const chunk of req.body as AsyncIterable<Buffer>) bytes += chunk.length;
    return { bytes };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
});

afterAll(async () => {
  client?.kill();
  await app.close();
});

/** Sends the client `n` go-aheads (one byte of body each). */
const send = (n: number): void => void client!.stdin!.write('g'.repeat(n));

it('a held-up server loop does not count against a client that kept sending', async () => {
  const script = `
    const s = require('node:net').connect(${port}, '127.0.0.1');
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('close', () => (process.stdout.write(got.split('\\r\\n')[0] || 'closed without an answer'), process.exit(0)));
    s.on('error', () => undefined);
    s.on('connect', () => process.stdout.write('connected\\n'));
    s.write('POST /upload HTTP/1.1\\r\\nhost: x\\r\\nconnection: close\\r\\ncontent-type: application/octet-stream\\r\\ncontent-length: ${BODY_BYTES}\\r\\n\\r\\n');
    process.stdin.on('data', (d) => s.write('x'.repeat(d.length)));
  `;
  client = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const answered = new Promise<string>((resolve) => {
    client!.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    client!.on('exit', () => resolve(out.replace('connected\n', '')));
  });
  while (!out.includes('connected')) await sleep(20);
  // A steady client: a byte every 100 ms for a second.
  for (let i = 0; i < 10; i++) (send(1), await sleep(100));
  // Past a sweep or two that saw the last byte (still well within the idle timeout)...
  await sleep(IDLE_MS / 2);
  // ...the client sends more while the server's loop is held: the go-ahead leaves from a timer,
  // and the block runs in the check phase of the same turn, before the bytes can have arrived.
  await new Promise<void>((resolve) =>
    setTimeout(() => {
      send(5);
      setImmediate(() => {
        const until = Date.now() + 2.5 * IDLE_MS;
        while (Date.now() < until);
        resolve();
      });
    }, 0),
  );
  send(BODY_BYTES - 15);
  // Without the allowance for a late sweep the connection is cut after the block: 'closed without an answer'.
  expect(await answered).toBe('HTTP/1.1 200 OK');
}, 60_000);
