// The gRPC server: the PFS service with every handler, health, reflection,
// message size limits, slow-client limits (listener.ts), and a bounded
// graceful shutdown.
import type { EventEmitter } from 'node:events';
import type { Http2Session } from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { Auth } from '../../src/auth/index.ts';
import type { ChunkStore } from '../../src/blocks/chunk-store.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import type { Pps } from '../../src/pps/pps.ts';
import type { Logger } from '../log.ts';
import type { RpcMetrics } from '../metrics.ts';
import { adminHandlers } from './admin.ts';
import { AUTH_POLICIES, AUTH_SERVICE_NAME, authHandlers, loadAuthProto } from './auth-service.ts';
import { createGuard, type Policies } from './guard.ts';
import { PFS_POLICIES, PPS_POLICIES } from './policy.ts';
import type { BulkListener } from './bulk.ts';
import { chunkHandlers } from './chunks.ts';
import { withChunksEncoding } from './chunks-encoding.ts';
import { commitHandlers } from './commits.ts';
import { CONNECTION_WINDOW_BYTES, MAX_RECEIVE_MESSAGE_BYTES, STREAM_WINDOW_BYTES } from './limits.ts';
import { withMalformedGuard } from './malformed.ts';
import { modifyFileHandler } from './modify-file.ts';
import { PPS_SERVICE_NAME, loadPpsProto, ppsHandlers } from './pps-service.ts';
import { PFS_SERVICE_NAME, loadProtos } from './proto.ts';
import { readHandlers } from './reads.ts';
import { branchHandlers, repoHandlers, tagHandlers } from './repos.ts';
import { listenGrpc } from './listener.ts';
import { InFlight, createRpc } from './rpc.ts';
import { processUploadHeap } from '../upload-heap.ts';
import type { UntypedService } from './wire.ts';
import type { PfsServiceDefinition, PfsServiceHandlers } from '../../proto/generated/strata/pfs/v1/PfsService.ts';
import type { PpsServiceDefinition } from '../../proto/generated/strata/pps/v1/PpsService.ts';
import type { AuthServiceDefinition } from '../../proto/generated/strata/auth/v1/AuthService.ts';

export interface GrpcDeps {
  pfs: Pfs;
  chunks: ChunkStore;
  log: Logger;
  metrics: RpcMetrics;
  /** The pipeline system; PpsService is served when given. */
  pps?: Pps;
  /** Per-message and per-connection bounds (server/config.ts has the defaults). */
  limits?: GrpcLimits;
  /** Called when a client address is refused connections over --max-connections-per-address (at most once a minute). */
  onRefused?(address: string, open: number): void;
  /** Auth: AuthService is served, and every call is authenticated, checked and audited, when given. */
  auth?: Auth;
  /** Offers ModifyFile streams a bulk connection for chunk bytes (server/grpc/bulk.ts); closed at shutdown. */
  bulk?: BulkListener;
}

export interface GrpcLimits {
  maxMessageBytes: number;
  maxStreamsPerClient: number;
  /** How long a TLS handshake may take, in ms. */
  headersTimeoutMs: number;
  /** A connection with no call in flight for this long is closed, in ms. */
  idleTimeoutMs: number;
  maxConnectionsPerAddress: number;
}

/** PEM bytes for TLS; `clientCa` makes it mutual TLS (clients must present a certificate it signed). */
export interface GrpcTls {
  cert: Buffer;
  key: Buffer;
  clientCa?: Buffer;
}

function credentials(tls: GrpcTls | undefined): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(tls.clientCa ?? null, [{ private_key: tls.key, cert_chain: tls.cert }], tls.clientCa !== undefined);
}

/** One per process, shared with the S3 gateway: V8's flags are the process's. */
const uploadHeap = processUploadHeap;

function rpcFor<D = UntypedService>(deps: GrpcDeps, service: string, shutdown: AbortSignal, inflight: InFlight, policies: Policies) {
  const guard = deps.auth
    ? createGuard({ auth: deps.auth, policies, log: deps.log, repoExists: (repo) => deps.pfs.inspectRepo(repo).then(() => true, (err: { code?: string }) => (err.code === 'REPO_NOT_FOUND' ? false : Promise.reject(err))) })
    : undefined;
  return createRpc<D>({ service, log: deps.log, metrics: deps.metrics, shutdown, guard, uploadHeap }, inflight);
}

export interface GrpcServer {
  port: number;
  /** Starts serving health as SERVING. */
  markServing(): void;
  /**
   * Stops accepting calls, lets in-flight calls finish for `graceMs`, then
   * cancels the rest and waits (bounded) for their handlers to clean up.
   */
  shutdown(graceMs: number): Promise<void>;
}

export function pfsServiceImplementation(deps: GrpcDeps, shutdown: AbortSignal, inflight: InFlight, bulk?: BulkListener): PfsServiceHandlers {
  const rpc = rpcFor<PfsServiceDefinition>(deps, PFS_SERVICE_NAME, shutdown, inflight, PFS_POLICIES);
  return {
    ...repoHandlers(rpc, deps.pfs),
    ...branchHandlers(rpc, deps.pfs),
    ...tagHandlers(rpc, deps.pfs),
    ...commitHandlers(rpc, deps.pfs),
    ModifyFile: modifyFileHandler(rpc, { pfs: deps.pfs, chunks: deps.chunks, log: deps.log, bulk, maxChunkBytes: deps.limits?.maxMessageBytes ?? MAX_RECEIVE_MESSAGE_BYTES }),
    ...chunkHandlers(rpc, deps.chunks, deps.pfs, bulk),
    ...readHandlers(rpc, deps.pfs),
    ...adminHandlers(rpc, deps.pfs, deps.metrics),
  } satisfies PfsServiceHandlers; // every RPC of pfs.proto has a handler, with its generated types
}

/**
 * Options of the HTTP/2 server grpc-js makes (when the connection injector
 * is created), which it has no server options for:
 * - the HTTP/2 window each incoming stream starts with, from 64 KiB to
 *   STREAM_WINDOW_BYTES. grpc-js pauses a stream after every message until
 *   the handler asks for the next one, and HTTP/2 only refills a paused
 *   stream's window as it is read, so with 64 KiB a client sending 1 MiB
 *   messages (put) waited for ~16 window updates per message, each a
 *   wake-up of both processes (the client has `grpc-node.flow_control_window`);
 * - with TLS, how long a handshake may take (Node's default is 120 s): a
 *   client that connects and trickles its handshake holds a descriptor.
 * The settings it passes to http2.createServer are extended here; if a
 * grpc-js update renames them, this fails the start rather than serve
 * without the handshake limit.
 */
function tuneHttp2Server(server: grpc.Server, handshakeTimeoutMs: number | undefined): void {
  const options = (server as unknown as { commonServerOptions?: { settings?: Record<string, unknown>; handshakeTimeout?: number } }).commonServerOptions;
  if (options === undefined) throw new Error("grpc-js internals changed: no commonServerOptions to set the HTTP/2 window and TLS handshake timeout on");
  options.settings = { ...options.settings, initialWindowSize: STREAM_WINDOW_BYTES };
  if (handshakeTimeoutMs !== undefined) options.handshakeTimeout = handshakeTimeoutMs;
}

/**
 * Raises each connection's HTTP/2 window (what a client may send on the
 * whole connection, all streams together, before the server acknowledges
 * it) from HTTP/2's 64 KiB to CONNECTION_WINDOW_BYTES. The per-stream window
 * above does not touch it: a SETTINGS frame cannot, only a WINDOW_UPDATE on
 * the connection can, and Node's server sends those only as it reads, in
 * 32 KiB steps. So an upload moved 64 KiB, then waited until the server's
 * event loop next read the socket, which it does not while a handler runs
 * (hashing and storing a 1 MiB message takes milliseconds): client and
 * server took turns instead of working at once. grpc-js widens the window
 * of its client sessions (`grpc-node.flow_control_window`), not of its
 * server's; its HTTP/2 servers exist only once listenGrpc made its connection
 * injector, so each one is
 * told here to widen every session it accepts. If a grpc-js update renames
 * them, this logs and changes nothing.
 */
function widenConnectionWindow(server: grpc.Server, log: Logger): void {
  const servers = (server as unknown as { http2Servers?: Map<EventEmitter, unknown> }).http2Servers;
  if (!(servers instanceof Map) || servers.size === 0) {
    log.warn({}, 'grpc-js internals changed: connections keep the 64 KiB HTTP/2 window');
    return;
  }
  for (const http2Server of servers.keys()) {
    http2Server.on('session', (session: Http2Session) => {
      try {
        session.setLocalWindowSize(CONNECTION_WINDOW_BYTES);
      } catch (err) {
        log.warn({ err }, 'could not widen a connection\'s HTTP/2 window');
      }
    });
  }
}

export async function startGrpcServer(deps: GrpcDeps, address: { host: string; port: number }, tls?: GrpcTls): Promise<GrpcServer> {
  const { definition, pfsService } = loadProtos();
  const { limits } = deps;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': limits?.maxMessageBytes ?? MAX_RECEIVE_MESSAGE_BYTES,
    'grpc.max_send_message_length': -1,
    // Per connection: a client past it gets its extra streams refused (REFUSED_STREAM), others are unaffected.
    ...(limits ? { 'grpc.max_concurrent_streams': limits.maxStreamsPerClient } : {}),
    // A connection with no call in flight this long gets GOAWAY and is closed, also one that
    // never finished its HTTP/2 preface (a trickling client); grpc-js clients reconnect on their next call.
    ...(limits ? { 'grpc.max_connection_idle_ms': limits.idleTimeoutMs } : {}),
  });
  tuneHttp2Server(server, limits?.headersTimeoutMs);
  const stopping = new AbortController();
  const inflight = new InFlight();
  const bulk = tls ? undefined : deps.bulk; // plain TCP: never beside TLS
  server.addService(withChunksEncoding(withMalformedGuard(pfsService)), pfsServiceImplementation(deps, stopping.signal, inflight, bulk));
  const services = [PFS_SERVICE_NAME];
  let reflected = definition;
  if (deps.pps) {
    const pps = loadPpsProto();
    server.addService(withMalformedGuard(pps.service), ppsHandlers(rpcFor<PpsServiceDefinition>(deps, PPS_SERVICE_NAME, stopping.signal, inflight, PPS_POLICIES), deps.pps, deps.pfs));
    services.push(PPS_SERVICE_NAME);
    reflected = { ...reflected, ...pps.definition };
  }
  if (deps.auth) {
    const auth = loadAuthProto();
    server.addService(withMalformedGuard(auth.service), authHandlers(rpcFor<AuthServiceDefinition>(deps, AUTH_SERVICE_NAME, stopping.signal, inflight, AUTH_POLICIES), deps.auth, deps.pfs));
    services.push(AUTH_SERVICE_NAME);
    reflected = { ...reflected, ...auth.definition };
  }
  const health = new HealthImplementation(Object.fromEntries([['', 'NOT_SERVING'], ...services.map((n) => [n, 'NOT_SERVING'])]));
  health.addToServer(server);
  new ReflectionService(reflected).addToServer(server);
  const listener = await listenGrpc(server, credentials(tls), address, limits?.maxConnectionsPerAddress ?? Infinity, {
    onRefused: deps.onRefused,
    onAcceptError: (err) => deps.log.error({ err }, 'gRPC: accepting a connection failed'),
  });
  widenConnectionWindow(server, deps.log);
  const setHealth = (status: 'SERVING' | 'NOT_SERVING'): void => {
    health.setStatus('', status);
    for (const name of services) health.setStatus(name, status);
  };
  return {
    port: listener.port,
    markServing: () => setHealth('SERVING'),
    async shutdown(graceMs) {
      setHealth('NOT_SERVING');
      listener.close();
      bulk?.close();
      stopping.abort(); // subscriptions and waits end now, with SHUTTING_DOWN
      const drained = await Promise.race([
        new Promise<boolean>((r) => server.tryShutdown(() => r(true))),
        new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref()),
      ]);
      if (!drained) {
        deps.log.warn({ inFlight: inflight.size, graceMs }, 'calls still running after the grace period; cancelling them');
        server.forceShutdown();
      }
      // Cancelled handlers still abort their writers; the stores must outlive that.
      if (!(await inflight.settled(Math.max(graceMs, 5_000)))) deps.log.error({ inFlight: inflight.size }, 'handlers did not finish after cancellation');
    },
  };
}
