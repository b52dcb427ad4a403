// Slow and greedy clients on the gRPC port of the real server
// (server/grpc/listener.ts, the HTTP and S3 ports' are in hostile-http-loris,
// 1,000 streams on one connection in hostile-limits):
// - 1,000 connections from one address, each with a call held open, against a
//   server whose file descriptors are limited as a system service's often
//   are: another client's calls still complete (without the per-address cap
//   the hog takes every descriptor and the other client cannot connect);
// - a connection trickling the HTTP/2 preface, one that says nothing after its
//   preface, and a TLS connection that never finishes its handshake are closed
//   (without the limits: never, or after Node's 120 s for TLS);
// - a call in flight is not cut however long it lasts, and a client whose idle
//   connection was closed works again with its next call.
// Waits are for events (a close, an answer); nothing asserts a duration.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as http2 from 'node:http2';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modify, pfsClient, startServer, streamBytes, unary, type RawClient, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';
import { makeCerts, type TestCerts } from '../helpers/tls.ts';

const ATTACKER = '127.0.0.2'; // all of 127/8 is loopback: the hog gets an address of its own
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const SUBSCRIBE = '/strata.pfs.v1.PfsService/SubscribeCommit';

function hostPort(address: string): { host: string; port: number } {
  const [host, port] = address.split(':') as [string, string];
  return { host, port: Number(port) };
}

/** A client on its own connection (grpc-js shares one connection between channels with equal options). */
function ownConnection(address: string): RawClient {
  return pfsClient(address, { 'grpc.use_local_subchannel_pool': 1 });
}

/**
 * `n` HTTP/2 connections from `localAddress`, each with one call whose request
 * never comes (the call stays in flight), each opened again a moment after the
 * server closes it, as an attacker would.
 */
function hogs(address: string, n: number, localAddress: string): { opened(): number; stop(): Promise<void> } {
  let stopped = false;
  let opened = 0;
  const live = new Set<http2.ClientHttp2Session>();
  const one = (): void => {
    if (stopped) return;
    const session = http2.connect(`http://${address}`, { createConnection: () => connect({ ...hostPort(address), localAddress }) });
    opened++;
    live.add(session);
    session.on('error', () => undefined);
    const stream = session.request({ ':method': 'POST', ':path': SUBSCRIBE, 'content-type': 'application/grpc', te: 'trailers' }, { endStream: false });
    stream.on('error', () => undefined);
    session.once('close', () => {
      live.delete(session);
      setTimeout(one, 20);
    });
  };
  for (let i = 0; i < n; i++) one();
  return {
    opened: () => opened,
    async stop() {
      stopped = true;
      const closing = [...live].map((s) => new Promise((r) => s.once('close', r)));
      for (const s of live) s.destroy();
      await Promise.all(closing);
    },
  };
}

/** Another client's work on a new connection: a write, a read and a listing must all complete. */
async function otherClientWorks(address: string, tag: string): Promise<void> {
  const other = ownConnection(address);
  try {
    await modify(other, [{ header: { target: 'loris@main' } }, { putFile: { path: `/other/${tag}` } }, { data: Buffer.from(tag) }]);
    expect((await streamBytes(other, 'GetFile', { file: `loris@main:/other/${tag}` })).toString()).toBe(tag);
    expect((await unary(other, 'InspectRepo', { name: 'loris' })).name).toBe('loris');
  } finally {
    other.close();
  }
}

describe('1,000 connections from one address', () => {
  let server: TestServer;

  beforeAll(async () => {
    // The idle timeout does not apply (each hog connection has a call in flight); only the per-address cap stops them.
    server = await startServer({ args: ['--max-connections-per-address', '20'] });
    const client = pfsClient(server.grpcAddress);
    await unary(client, 'CreateRepo', { name: 'loris' });
    client.close();
  });

  afterAll(async () => {
    await server?.cleanup();
  });

  it('do not lock another client out when file descriptors are limited', async () => {
    // 100 descriptors more than the server holds now (a service's limit is often 1,024).
    const fds = (): number => readdirSync(`/proc/${server.pid}/fd`).length;
    const limit = fds() + 100;
    execFileSync('prlimit', ['--pid', String(server.pid), `--nofile=${limit}:${limit}`]);
    const attack = hogs(server.grpcAddress, 1000, ATTACKER);
    try {
      // Under way: more connections opened than the 1,000 (the server closed some, the hog reopened them).
      while (attack.opened() < 2000) await new Promise((r) => setTimeout(r, 50));
      // Without the cap the hog's 1,000 connections hold every descriptor the server may open,
      // and the other client's connections are closed at once or never accepted (this fails).
      for (let round = 0; round < 3; round++) await otherClientWorks(server.grpcAddress, `conns-${round}`);
      expect(fds()).toBeLessThan(limit);
    } finally {
      await attack.stop();
    }
    expect(server.logs.some((l) => l.includes('gRPC: refused connections from 127.0.0.2') && l.includes('--max-connections-per-address'))).toBe(true);
  }, 300_000);
});

describe('timeouts on the gRPC port', () => {
  let server: TestServer;
  let tlsServer: TestServer;
  let tmp: TempDir;
  let certs: TestCerts;

  beforeAll(async () => {
    tmp = await createTempDir('strata-grpc-loris');
    certs = makeCerts(tmp.path);
    const limits = ['--headers-timeout-ms', '1000', '--idle-timeout-ms', '2000'];
    [server, tlsServer] = await Promise.all([startServer({ args: limits }), startServer({ args: [...limits, '--tls-cert', certs.certFile, '--tls-key', certs.keyFile], tls: true })]);
    const client = pfsClient(server.grpcAddress);
    await unary(client, 'CreateRepo', { name: 'loris' });
    client.close();
  });

  afterAll(async () => {
    await Promise.all([server?.cleanup(), tlsServer?.cleanup()]);
    await tmp?.remove();
  });

  /** A raw connection that writes `first`, then `drip` one byte every 100 ms, then nothing; resolves when the server closes it. */
  function trickle(socket: Socket, first: Buffer, drip: Buffer): Promise<void> {
    let i = 0;
    socket.on('error', () => undefined);
    socket.resume(); // what the server sends is read and dropped, so its close is seen
    const timer = setInterval(() => i < drip.length && !socket.destroyed && socket.write(drip.subarray(i, ++i)), 100);
    socket.once('connect', () => socket.write(first));
    return new Promise((resolve) => socket.once('close', () => (clearInterval(timer), resolve())));
  }

  it('a connection trickling the HTTP/2 preface is closed', async () => {
    // All but its last byte, so that nothing the server sees is a protocol error: it just waits.
    await trickle(connect(hostPort(server.grpcAddress)), Buffer.alloc(0), PREFACE.subarray(0, -1));
  }, 60_000);

  it('a connection that says nothing after its preface gets GOAWAY and is closed', async () => {
    const session = http2.connect(`http://${server.grpcAddress}`);
    session.on('error', () => undefined);
    const goaway = new Promise<number>((r) => session.once('goaway', (code: number) => r(code)));
    await new Promise((r) => session.once('close', r));
    expect(await goaway).toBe(http2.constants.NGHTTP2_NO_ERROR);
  }, 60_000);

  it('a TLS connection that never finishes its handshake is closed', async () => {
    // Nothing at all, and the first bytes of a ClientHello then nothing more.
    const { host, port } = hostPort(tlsServer.grpcAddress);
    await Promise.all([trickle(connect({ host, port }), Buffer.alloc(0), Buffer.alloc(0)), trickle(connect({ host, port }), Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), Buffer.alloc(0))]);
    // A client that finishes its handshake is served.
    const tls = tlsConnect({ host, port, ca: certs.ca, ALPNProtocols: ['h2'] });
    await new Promise<void>((resolve, reject) => (tls.once('secureConnect', resolve), tls.once('error', reject)));
    expect(tls.alpnProtocol).toBe('h2');
    tls.destroy();
  }, 60_000);

  it('a call in flight is not cut however long it lasts; an idle connection closed under a client is reopened by its next call', async () => {
    const client = ownConnection(server.grpcAddress);
    const watcher = ownConnection(server.grpcAddress);
    try {
      await unary(client, 'InspectRepo', { name: 'loris' });
      const channel = client.getChannel();
      expect(channel.getConnectivityState(false)).toBe(grpc.connectivityState.READY);
      // A subscription opened now, on another connection, outlives the idle timeout of the first.
      const sub = watcher.SubscribeCommit({ branch: 'loris@main' }) as grpc.ClientReadableStream<{ id?: string }>;
      const seen: string[] = [];
      sub.on('data', (c: { id?: string }) => seen.push(String(c.id)));
      const subEnded = new Promise((r) => (sub.on('error', r), sub.on('end', r)));
      // The first client's connection, idle, is closed by the server (GOAWAY): its channel leaves READY.
      await new Promise<void>((resolve) => {
        const wait = (): void => channel.watchConnectivityState(channel.getConnectivityState(false), Infinity, () => (channel.getConnectivityState(false) === grpc.connectivityState.READY ? wait() : resolve()));
        wait();
      });
      // Its next call reconnects and works; the subscription still runs and sees the commit.
      await modify(client, [{ header: { target: 'loris@main' } }, { putFile: { path: '/after-idle' } }, { data: Buffer.from('x') }]);
      const head = (await unary<{ head: string }>(client, 'InspectBranch', { branch: 'loris@main' })).head;
      while (!seen.includes(head)) await new Promise((r) => setTimeout(r, 50));
      sub.cancel();
      await subEnded;
    } finally {
      client.close();
      watcher.close();
    }
  }, 120_000);
});
