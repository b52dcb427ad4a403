// Slow-loris defences of the HTTP and S3 ports (fastify over Node's HTTP/1.1
// server); the gRPC port uses the per-address cap too (server/grpc/listener.ts).
// A slow client costs the server a socket (a file descriptor) for as long as
// it is let to hold it, so:
// - one client address may hold at most `maxConnectionsPerAddress` open
//   connections on a port: past that, a new connection is closed at once, so a
//   client trickling bytes on many connections cannot use up the process's
//   file descriptors and lock every other client out;
// - a request's headers must arrive whole within `headersTimeoutMs` (Node's
//   headersTimeout: 408 and the connection closed);
// - while the server waits on the client (for more of a request body, or for
//   the client to take response bytes it has queued), the client must make
//   progress within `idleTimeoutMs`, else the connection is closed. The timer
//   is idle-based, not total: a 10 GiB upload that keeps sending runs as long
//   as it needs; and time the server itself is slow (its handler not reading
//   yet, the store behind it busy, its event loop held up on a loaded machine)
//   is not counted against the client.
import type { Server } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface ConnectionLimits {
  headersTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnectionsPerAddress: number;
}

export interface ConnectionGuardEvents {
  /** A connection over the per-address cap was refused (called at most once a minute per port). */
  onRefused?(address: string, open: number): void;
}

interface Watched {
  socket: Socket;
  req: { complete: boolean; readableLength: number };
  read: number;
  written: number;
  since: number;
}

/** Applies the limits to `app`'s server; call before `listen`. */
export function guardConnections(app: FastifyInstance, limits: ConnectionLimits, events: ConnectionGuardEvents = {}): void {
  // connectionsCheckingInterval is read when the server starts listening (missing from @types/node's Server).
  const server = app.server as Server & { connectionsCheckingInterval: number };
  server.headersTimeout = limits.headersTimeoutMs;
  // Node checks headersTimeout on this interval (30 s by default): a short timeout needs a short check.
  server.connectionsCheckingInterval = Math.max(100, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4)));
  const admit = capPerAddress(limits.maxConnectionsPerAddress, events);
  // 'connection' comes with the TCP socket, before any TLS handshake or byte of HTTP.
  server.on('connection', (socket: Socket) => void admit(socket));
  watchIdle(app, limits.idleTimeoutMs);
}

/**
 * The per-address cap for a server of another protocol (the gRPC port):
 * `server` gets its sockets through `onAdmitted`, only those under the cap.
 */
export function admitPerAddress(server: NetServer, max: number, events: ConnectionGuardEvents, onAdmitted: (socket: Socket) => void): void {
  const admit = capPerAddress(max, events);
  server.on('connection', (socket: Socket) => {
    if (admit(socket)) onAdmitted(socket);
  });
}

/** Counts each address's open sockets; a socket over `max` is destroyed (false). */
function capPerAddress(max: number, events: ConnectionGuardEvents): (socket: Socket) => boolean {
  const open = new Map<string, number>();
  let lastSaid = 0;
  return (socket) => {
    const address = socket.remoteAddress ?? '?';
    const n = open.get(address) ?? 0;
    if (n >= max) {
      socket.destroy();
      const now = Date.now();
      if (now - lastSaid >= 60_000) {
        lastSaid = now;
        events.onRefused?.(address, n);
      }
      return false;
    }
    open.set(address, n + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
    return true;
  };
}

function watchIdle(app: FastifyInstance, idleMs: number): void {
  const watched = new Set<Watched>();
  const everyMs = Math.max(50, Math.min(1000, Math.floor(idleMs / 4)));
  let timer: NodeJS.Timeout | undefined;
  let lastSweep = 0;
  const sweep = (): void => {
    const now = Date.now();
    // A sweep this late means the server's own event loop was held up (a loaded machine, a
    // long collection): timers run before the loop reads its sockets, so what a client sent
    // meanwhile may still wait unread in the kernel. That time is the server's, not the client's.
    const heldUp = now - lastSweep > 2 * everyMs ? now - lastSweep - everyMs : 0;
    lastSweep = now;
    for (const w of watched) {
      w.since = Math.min(now, w.since + heldUp);
      const { socket, req } = w;
      if (socket.destroyed) {
        watched.delete(w);
        continue;
      }
      // Waiting on the client: the body is not all here and nothing of it is buffered unread
      // (so whoever reads it waits), or response bytes wait for the client to take them.
      // Progress is the client sending (while we wait to read) or taking bytes (while we wait to write).
      const readWait = !req.complete && req.readableLength === 0;
      const writeWait = socket.writableLength > 0;
      const stalled = (readWait && socket.bytesRead === w.read) || (writeWait && socket.bytesWritten === w.written);
      w.read = socket.bytesRead;
      w.written = socket.bytesWritten;
      if (!stalled) w.since = now;
      else if (now - w.since >= idleMs) {
        watched.delete(w);
        socket.destroy();
      }
    }
    if (watched.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  app.addHook('onRequest', (request, reply, done) => {
    const socket = request.raw.socket;
    const w: Watched = { socket, req: request.raw, read: socket.bytesRead, written: socket.bytesWritten, since: Date.now() };
    watched.add(w);
    const forget = (): void => void watched.delete(w);
    // An answer sent before the body is all here (a refusal: 403, 404) leaves the
    // connection waiting on the rest of that body: it stays watched until the body
    // ends (Node reads and drops what is left) or the socket goes (the sweep).
    reply.raw.once('finish', () => (request.raw.complete ? forget() : request.raw.once('end', forget)));
    if (!timer) {
      lastSweep = Date.now();
      timer = setInterval(sweep, everyMs).unref();
    }
    done();
  });
}
