// The gRPC port's TCP listener: ours, in front of grpc-js (which takes each
// connection through its public connection injector), so the port gets the
// slow-client defences of the HTTP and S3 ports (server/connection-guard.ts):
// - one client address may hold at most `maxConnectionsPerAddress` open
//   connections; past that a new one is closed as it arrives, before any TLS
//   handshake, so a client opening thousands of connections (each allowed
//   --max-streams-per-client calls) cannot use up the process's file
//   descriptors and lock everyone else out;
// - the rest is set on grpc-js's own HTTP/2 server (service.ts): a TLS
//   handshake must end within the headers timeout, and a connection with no
//   call in flight for the idle timeout is closed (GOAWAY; a client's next
//   call reconnects), whether or not it ever sent the HTTP/2 preface.
import { lookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import { admitPerAddress, type ConnectionGuardEvents } from '../connection-guard.ts';

export interface GrpcListener {
  port: number;
  /** Stops accepting connections (those open are grpc-js's to close). */
  close(): void;
}

/**
 * Listens on every address `host` names (as grpc-js's own bind does: a name
 * such as localhost may be 127.0.0.1 and ::1) and hands each connection under
 * the per-address cap to `server`.
 */
export async function listenGrpc(
  server: grpc.Server,
  credentials: grpc.ServerCredentials,
  at: { host: string; port: number },
  maxConnectionsPerAddress: number,
  events: ConnectionGuardEvents & { onAcceptError?(err: Error): void } = {},
): Promise<GrpcListener> {
  const injector = server.createConnectionInjector(credentials);
  const bare = at.host.startsWith('[') && at.host.endsWith(']') ? at.host.slice(1, -1) : at.host;
  const addresses = (await lookup(bare, { all: true })).map((a) => a.address);
  const listeners: Server[] = [];
  let port = at.port;
  try {
    for (const [i, address] of addresses.entries()) {
      const listener = createServer({ noDelay: true });
      admitPerAddress(listener, maxConnectionsPerAddress, events, (socket) => injector.injectConnection(socket));
      try {
        port = await listen(listener, address, port);
        // Accepting can fail while serving (EMFILE when out of descriptors): say so, keep serving.
        listener.on('error', (err) => events.onAcceptError?.(err));
        listeners.push(listener);
      } catch (err) {
        // The first address must bind; later ones of a name (::1 without IPv6) may not.
        if (i === 0) throw err;
      }
    }
  } catch (err) {
    for (const l of listeners) l.close();
    injector.destroy();
    throw err;
  }
  return {
    port,
    close() {
      for (const l of listeners) l.close();
    },
  };
}

function listen(listener: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen({ host, port }, () => {
      listener.off('error', reject);
      const bound = listener.address();
      resolve(typeof bound === 'object' && bound !== null ? bound.port : port);
    });
  });
}
