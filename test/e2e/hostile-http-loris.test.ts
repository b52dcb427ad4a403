// Slow-loris clients on the HTTP (console/API) and S3 ports of the real
// server (server/connection-guard.ts; gRPC's are in hostile-limits):
// - many trickling connections from one address, against a server whose
//   file descriptors are limited as a system service's often are: another
//   client still gets answers on every port (without
//   --max-connections-per-address the trickling sockets take every descriptor
//   and the other client's connections are reset);
// - headers trickled, a body that stops, a reader that never reads: the
//   server closes the connection (without the limits: never, or after Node's
//   60-90 s for headers);
// - a body that keeps coming, slowly, for several times the idle timeout goes
//   through: the body timeout is idle-based, not total, so a 10 GiB upload is
//   fine as long as it keeps sending.
// Waits are for events (a close, an answer); nothing asserts a duration.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResponse, type RawResponse } from '../helpers/raw-http.ts';
import { modify, pfsClient, startServer, unary, type TestServer } from '../helpers/server.ts';

const ATTACKER = '127.0.0.2'; // all of 127/8 is loopback: the hog gets an address of its own
const hostPort = (url: string): { host: string; port: number } => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
};

/** A connection that sends `head` then one byte of `drip` every `everyMs`, over and over (`once`: one pass) until closed. */
function trickle(url: string, head: string, drip: string, opts: { localAddress?: string; everyMs?: number; once?: boolean } = {}): { socket: Socket; connected: Promise<void>; closed: Promise<Buffer>; stop(): void; longestGapMs(): number } {
  const socket = connect({ ...hostPort(url), ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
  const received: Buffer[] = [];
  socket.on('data', (d: Buffer) => received.push(d));
  socket.on('error', () => undefined);
  let i = 0;
  let lastSent = 0;
  let longestGap = 0;
  const sent = (): void => {
    const now = Date.now();
    if (lastSent > 0) longestGap = Math.max(longestGap, now - lastSent);
    lastSent = now;
  };
  const timer = setInterval(() => {
    if (drip.length === 0 || (opts.once && i >= drip.length)) return;
    if (!socket.destroyed && socket.writable) (socket.write(drip[i++ % drip.length]!), sent());
  }, opts.everyMs ?? 200);
  const connected = new Promise<void>((resolve) => socket.once('connect', () => (socket.write(head), sent(), resolve())));
  const closed = new Promise<Buffer>((resolve) => socket.once('close', () => (clearInterval(timer), resolve(Buffer.concat(received)))));
  return { socket, connected, closed, stop: () => (clearInterval(timer), socket.destroy()), longestGapMs: () => longestGap };
}

/** One whole request on a new connection from `localAddress`: the answer, or 'closed' when the server cut it without one. */
function oneRequest(url: string, request: string, localAddress?: string): Promise<RawResponse | 'closed'> {
  return new Promise((resolve) => {
    const socket = connect({ ...hostPort(url), ...(localAddress ? { localAddress } : {}) });
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', () => undefined);
    socket.on('connect', () => socket.write(request));
    socket.on('close', () => resolve(parseResponse(Buffer.concat(received)) ?? 'closed'));
  });
}

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`;

/** `n` trickling connections to `url` from `localAddress`, each opened again as soon as it closes, as an attacker would. */
function hogs(url: string, n: number, head: string, drip: string, localAddress: string): { opened(): number; stop(): Promise<void> } {
  let stopped = false;
  let opened = 0;
  const live = new Set<ReturnType<typeof trickle>>();
  const one = (): void => {
    if (stopped) return;
    const t = trickle(url, head, drip, { localAddress });
    opened++;
    live.add(t);
    void t.closed.then(() => (live.delete(t), one()));
  };
  for (let i = 0; i < n; i++) one();
  return {
    opened: () => opened,
    async stop() {
      stopped = true;
      const closing = [...live].map((t) => t.closed);
      for (const t of live) t.stop();
      await Promise.all(closing);
    },
  };
}

describe('many trickling connections from one address', () => {
  let server: TestServer;

  beforeAll(async () => {
    // Headers may take 10 minutes here, so the trickling sockets stay: only the per-address cap stops them.
    server = await startServer({ args: ['--max-connections-per-address', '20', '--headers-timeout-ms', '600000'] });
    const client = pfsClient(server.grpcAddress);
    await unary(client, 'CreateRepo', { name: 'loris' });
    client.close();
  });

  afterAll(async () => {
    await server?.cleanup();
  });

  it('do not lock another client out of any port when file descriptors are limited', async () => {
    // 100 descriptors more than the server holds now (a service's limit is often 1,024); the hog keeps 300 connections going.
    const fds = (): number => readdirSync(`/proc/${server.pid}/fd`).length;
    const limit = fds() + 100;
    execFileSync('prlimit', ['--pid', String(server.pid), `--nofile=${limit}:${limit}`]);
    const attack = [
      hogs(server.httpUrl, 150, 'GET / HTTP/1.1\r\nhost: x\r\n', 'x-a: b\r\n', ATTACKER),
      hogs(server.s3Url, 150, 'PUT /loris/hog HTTP/1.1\r\nhost: x\r\ncontent-length: 1000000000\r\n\r\n', 'x', ATTACKER),
    ];
    try {
      // Under way: more connections opened than the two ports' 300 (the server closed some, the hog reopened them).
      while (attack.reduce((n, a) => n + a.opened(), 0) < 600) await new Promise((r) => setTimeout(r, 50));
      // Another client, on new connections, gets answers on every port. Without the cap the hog
      // holds every descriptor the server may open, and the other client's connections are
      // closed at once (libuv's answer to EMFILE) or wait in the listen queue (this fails).
      for (let round = 0; round < 3; round++) {
        const ready = await oneRequest(server.httpUrl, get('/readyz'));
        expect(ready === 'closed' ? 'closed' : ready.status, `round ${round}: HTTP`).toBe(200);
        const put = await oneRequest(server.s3Url, `PUT /loris/honest-${round}.txt HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: 6\r\n\r\nhonest`);
        expect(put === 'closed' ? 'closed' : put.status, `round ${round}: S3`).toBe(200);
      }
      const client = pfsClient(server.grpcAddress);
      try {
        expect((await unary(client, 'InspectRepo', { name: 'loris' })).name).toBe('loris');
      } finally {
        client.close();
      }
      expect(fds()).toBeLessThan(limit);
    } finally {
      await Promise.all(attack.map((a) => a.stop()));
    }
    expect(await (await fetch(`${server.s3Url}/loris/honest-2.txt`)).text()).toBe('honest');
    expect(server.logs.some((l) => l.includes('refused connections from 127.0.0.2') && l.includes('--max-connections-per-address'))).toBe(true);
  }, 120_000);
});

describe('timeouts on the HTTP and S3 ports', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ args: ['--headers-timeout-ms', '1000', '--idle-timeout-ms', '2000'] });
    const client = pfsClient(server.grpcAddress);
    await unary(client, 'CreateRepo', { name: 'slow' });
    client.close();
  });

  afterAll(async () => {
    await server?.cleanup();
  });

  it('headers trickled a byte at a time: 408 on the HTTP port, RequestTimeout on S3, and the connection closed', async () => {
    const http = trickle(server.httpUrl, 'GET /healthz HTTP/1.1\r\nhost: x\r\n', 'x-a: b\r\n', { everyMs: 100 });
    const s3 = trickle(server.s3Url, 'GET /slow HTTP/1.1\r\nhost: x\r\n', 'x-a: b\r\n', { everyMs: 100 });
    expect(parseResponse(await http.closed)?.status).toBe(408);
    const answer = parseResponse(await s3.closed);
    expect(answer?.status).toBe(400);
    expect(answer?.body.toString()).toContain('<Code>RequestTimeout</Code>');
  }, 60_000);

  it('a body that stops coming: the connection is closed, and nothing is written', async () => {
    const s3 = trickle(server.s3Url, 'PUT /slow/stalled.txt HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\nsome of it', '');
    const login = trickle(server.httpUrl, 'POST /login HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 1000\r\n\r\ntoken=', '');
    await Promise.all([s3.closed, login.closed]);
    expect((await fetch(`${server.s3Url}/slow/stalled.txt`)).status).toBe(404);
  }, 60_000);

  it('a reader that never reads a large object: the connection is closed', async () => {
    // Put over gRPC, not S3: a 32 MiB PUT from this (loaded) test process could itself stall past the 2 s idle timeout.
    const client = pfsClient(server.grpcAddress);
    try {
      await modify(client, [{ header: { target: 'slow@main' } }, { putFile: { path: '/big.bin' } }, ...Array.from({ length: 32 }, () => ({ data: Buffer.alloc(1 << 20, 7) }))]);
    } finally {
      client.close();
    }
    expect((await fetch(`${server.s3Url}/slow/big.bin`, { method: 'HEAD' })).headers.get('content-length')).toBe(String(32 << 20));
    // The reader sends a blank line now and then (allowed between requests) and never reads:
    // the server must not count what it sends as progress, and the write fails once the server has closed.
    const reader = trickle(server.s3Url, get('/slow/big.bin').replace('connection: close', 'connection: keep-alive'), '\r\n', { everyMs: 200 });
    await reader.connected;
    reader.socket.pause();
    await reader.closed;
  }, 60_000);

  it('a body that keeps coming, slowly, for several times the idle timeout goes through', async () => {
    const body = 'slow but steady upload'.padEnd(40, '.'); // 40 bytes, one each 200 ms: 8 s against 2 s idle, 1 s headers
    // This process sends the bytes; on a loaded machine its own timer may stall for as long as the
    // idle timeout, and then being cut is right. Such a try proves nothing either way and is made
    // again; a try whose every gap was under half the timeout must go through.
    for (let attempt = 1; ; attempt++) {
      const up = trickle(server.s3Url, `PUT /slow/steady.txt HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n`, body, { everyMs: 200, once: true });
      const answer = parseResponse(await up.closed);
      if (answer?.status !== 200 && up.longestGapMs() >= 1000 && attempt < 5) continue;
      expect(answer?.status, `${answer?.body.toString()} (longest gap between bytes sent: ${up.longestGapMs()} ms)`).toBe(200);
      break;
    }
    expect(await (await fetch(`${server.s3Url}/slow/steady.txt`)).text()).toBe(body);
  }, 120_000);
});
