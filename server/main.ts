// The server process. Wiring happens here and only here:
// config -> stores -> core -> transports.
import { mkdir, readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import * as grpcJs from '@grpc/grpc-js';
import { openChunkStore } from '../src/blocks/chunk-store.ts';
import { createAuth, type Auth } from '../src/auth/index.ts';
import { createLocalBlockStore } from '../src/blocks/local-block-store.ts';
import { withKeyChecks } from '../src/blocks/checked-block-store.ts';
import { KIND_TABLE, StrataError, isStrataError } from '../src/errors/index.ts';
import { createLevelMetaStore } from '../src/meta/level-meta-store.ts';
import { createLocalElector, type LeaderElector } from '../src/meta/leader-election.ts';
import type { MetaStore } from '../src/meta/meta-store.ts';
import { createPfs } from '../src/pfs/pfs.ts';
import { createDockerExecutor } from '../src/pps/exec/docker-executor.ts';
import { createLocalExecutor } from '../src/pps/exec/local-executor.ts';
import { createPps } from '../src/pps/pps.ts';
import { isLoopback, parseServerArgs, type ServerConfig } from './config.ts';
import { BulkListener } from './grpc/bulk.ts';
import { startGrpcServer } from './grpc/service.ts';
import type { ConnectionGuardEvents, ConnectionLimits } from './connection-guard.ts';
import { createHttpApp } from './http.ts';
import { createLogger, type Logger } from './log.ts';
import { createMetrics } from './metrics.ts';
import { staticKeys } from './s3/keys.ts';
import { createS3App } from './s3/plugin.ts';
import { DAY_MS, startUploadSweeper } from './s3/upload-expiry.ts';
import { createStoreHealth } from './store-health.ts';
import { processUploadHeap } from './upload-heap.ts';

async function openBlocks(config: ServerConfig) {
  if (!config.s3) return withKeyChecks(await createLocalBlockStore({ root: config.blocksDir }));
  // Loaded only when configured: the S3 and etcd clients (minio, lodash, etcd3) cost ~10 MiB of an idle server's memory.
  const { createS3BlockStore } = await import('../src/blocks/s3-block-store.ts');
  const s3 = createS3BlockStore({ ...config.s3, pathStyle: true });
  await s3.check();
  return withKeyChecks(s3);
}

/** The metadata store, and leader election among the servers that share it. */
async function openMeta(config: ServerConfig): Promise<{ meta: MetaStore; elector: LeaderElector }> {
  if (config.meta.kind === 'etcd') {
    const { createEtcdMetaStore } = await import('../src/meta/etcd-meta-store.ts');
    const meta = await createEtcdMetaStore(config.meta);
    return { meta, elector: meta.elector };
  }
  return { meta: await createLevelMetaStore({ path: `${config.dataDir}/meta`, cacheBytes: config.memory.metaCacheBytes }), elector: createLocalElector() };
}

export interface RunningServer {
  grpcPort: number;
  /** The bulk listener's port (server/grpc/bulk.ts); undefined with TLS or --bulk-port off. */
  bulkPort?: number;
  httpPort: number;
  s3Port: number;
  /** Graceful stop: refuse new calls, let in-flight ones finish (bounded), then close the stores. */
  stop(): Promise<void>;
}

export async function startServer(config: Readonly<ServerConfig>, log: Logger): Promise<RunningServer> {
  await mkdir(config.dataDir, { recursive: true });
  const opened = await openMeta(config);
  const metrics = createMetrics();
  const meta = metrics.timeMetaStore(opened.meta);
  const { elector } = opened;
  const blocks = metrics.timeBlockStore(await openBlocks(config), config.s3 ? 's3' : 'local');
  // The chunk index lives on local disk (rebuilt from the store at each start), so memory stays bounded.
  const { memory } = config;
  const chunks = await openChunkStore({
    blocks,
    packTargetBytes: config.packTargetBytes,
    cacheBytes: memory.chunkCacheBytes,
    indexMemEntries: memory.chunkIndexMemEntries,
    indexDir: `${config.dataDir}/chunk-index`,
  });
  const pfs = await createPfs({ meta, chunks, log, leaseMs: config.leaseMs, limits: config.limits, indexCacheBytes: memory.indexCacheBytes, gcMarkMemEntries: memory.gcMarkMemEntries });
  metrics.watchChunkStore(chunks);
  metrics.watchMemory(chunks, pfs.context.reader);
  metrics.watchCommits(pfs.context.oneOff, pfs.context.stages, pfs.context.turns.stats);
  const auth = createAuth({ meta, auditRetentionMs: config.auditRetentionMs }); // every transport: gRPC, HTTP, console logins, S3 keys; off until `strata auth activate`
  const tls = await readTls(config);
  await warnIfExposed(config, auth, log);
  const executor = config.ppsExecutor === 'docker' ? createDockerExecutor({ env: process.env }) : createLocalExecutor({ env: process.env });
  // Among servers sharing the store (etcd), the elected one runs the pipelines; every one serves the API.
  const pps = await createPps({ pfs, executor, auth, workDir: `${config.dataDir}/pps-work`, pollMs: config.ppsPollMs, log, elector, candidate: `${config.grpc.host}:${config.grpc.port}` });
  log.info({ executor: `${executor.name}: ${executor.description}` }, 'pipeline executor');

  let ready = false;
  const storeHealth = createStoreHealth(blocks);
  const connections = (port: string): ConnectionLimits & ConnectionGuardEvents => ({
    ...config.limits,
    onRefused: (address, open) => log.warn({ address, open, port }, `${port}: refused connections from ${address}, which holds ${open} already (--max-connections-per-address; said at most once a minute)`),
  });
  const http = createHttpApp({
    connections: connections('HTTP'),
    registry: metrics.registry,
    isReady: () => ready,
    storeProblem: () => storeHealth.check(),
    console: { pfs, pps, auth, loopbackOnly: isLoopback(config.http.host), onInternalError: (err, req) => log.error({ err, url: req.url }, 'console page failed') },
    auth: { auth, openMetrics: config.openMetrics },
    ...(tls ? { tls: { cert: tls.cert, key: tls.key, ca: tls.clientCa } } : {}),
  });
  await listening('HTTP', '--http', config.http, () => http.listen({ host: config.http.host, port: config.http.port }));
  const s3Auth = auth; // once auth is activated, S3 access keys are its tokens
  const s3 = createS3App({ connections: connections('the S3 gateway'), pfs, uploadHeap: processUploadHeap, keys: staticKeys(config.s3Gateway.keys), auth: s3Auth, region: config.s3Gateway.region, log, ...(tls ? { tls: { cert: tls.cert, key: tls.key, ca: tls.clientCa } } : {}) });
  await listening('the S3 gateway', '--s3', config.s3Gateway, () => s3.listen({ host: config.s3Gateway.host, port: config.s3Gateway.port }));
  if (config.s3Gateway.keys.length === 0 && !(await s3Auth.isActive())) warnOpenGateway(log, { host: config.s3Gateway.host, port: boundPort(s3.server, config.s3Gateway.port) });
  const sweeper = startUploadSweeper({ pfs, maxAgeMs: config.s3Gateway.uploadExpiryDays * DAY_MS, log });
  // The bulk connection is plain TCP: with TLS, chunks go over gRPC only.
  const bulkAt = { host: config.grpc.host, port: config.bulkPort === false ? 0 : config.bulkPort };
  const bulk = tls || config.bulkPort === false ? undefined : await listening('bulk chunk bytes', '--bulk-port', bulkAt, () => BulkListener.listen(bulkAt, { log, metrics, ...connections('the bulk port') }), 'PORT');
  const grpc = await listening('gRPC', '--grpc', config.grpc, () => startGrpcServer({ pfs, chunks, log, metrics, pps, auth, limits: config.limits, onRefused: connections('gRPC').onRefused, bulk }, config.grpc, tls));
  grpc.markServing();
  ready = true;

  const httpPort = boundPort(http.server, config.http.port);
  const s3Port = boundPort(s3.server, config.s3Gateway.port);
  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    ready = false;
    await grpc.shutdown(config.shutdownGraceMs);
    await http.close();
    sweeper.stop();
    await s3.close();
    // Running jobs stop here and are resumed by the next start.
    await pps.stop();
    // Chunks first: flushing packs and their index needs the block store.
    await chunks.close();
    await meta.close();
    await blocks.close();
  };
  return { grpcPort: grpc.port, bulkPort: bulk?.port, httpPort, s3Port, stop: () => (stopped ??= stop()) };
}

/** The port a listener got (the one asked for, unless that was 0). */
function boundPort(server: { address(): unknown }, asked: number): number {
  const address = server.address();
  return typeof address === 'object' && address !== null && 'port' in address ? Number(address.port) : asked;
}

/** No keys: anyone who reaches the port reads and writes every repo. Say so at every start. */
function warnOpenGateway(log: Logger, at: { host: string; port: number }): void {
  const exposed = !isLoopback(at.host);
  log.warn(
    { s3: `${at.host}:${at.port}`, exposed },
    `S3 GATEWAY IS OPEN: no access keys are configured, so it accepts unsigned requests and anyone who can reach ${at.host}:${at.port} can read, write and delete every repo${exposed ? ' (and it listens beyond this machine)' : ''}. Set --s3-gateway-keys ID:SECRET (or STRATA_S3_GATEWAY_KEYS).`,
  );
}

/** The PEM files of --tls-*, read once at start; a file that cannot be read is a clear error. */
async function readTls(config: Readonly<ServerConfig>): Promise<{ cert: Buffer; key: Buffer; clientCa?: Buffer } | undefined> {
  if (!config.tls) return undefined;
  const read = (file: string, flag: string): Promise<Buffer> =>
    readFile(file).catch((err: NodeJS.ErrnoException) => {
      throw new StrataError('INVALID_ARGUMENT', `cannot read ${flag} ${file}: ${err.code ?? err.message}`, { file }, { cause: err });
    });
  const { certFile, keyFile, clientCaFile } = config.tls;
  return { cert: await read(certFile, '--tls-cert'), key: await read(keyFile, '--tls-key'), ...(clientCaFile ? { clientCa: await read(clientCaFile, '--tls-client-ca') } : {}) };
}

/** Anyone on the network reaching a server without auth or TLS can read (or sniff) everything: say so loudly. */
async function warnIfExposed(config: Readonly<ServerConfig>, auth: Auth, log: Logger): Promise<void> {
  const exposed = [config.grpc, config.http].filter((a) => !isLoopback(a.host)).map((a) => `${a.host}:${a.port}`);
  if (exposed.length === 0) return;
  const missing = [...((await auth.isActive()) ? [] : ['auth (anyone can read and delete everything; run "strata auth activate")']), ...(config.tls ? [] : ['TLS (tokens and data cross the network in clear; use --tls-cert/--tls-key)'])];
  if (missing.length === 0) return;
  const text = `listening on ${exposed.join(' and ')} (not loopback) WITHOUT ${missing.join(' and WITHOUT ')}`;
  log.warn({ exposed, missing }, text);
  process.stderr.write(`\n!!! WARNING: strata server is ${text}. See docs/security.md. !!!\n\n`);
}

const LISTEN_REASONS: Record<string, string> = {
  EADDRINUSE: 'the address is in use (another strata server?)',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'no such address on this machine',
  ENOTFOUND: 'the host name does not resolve',
};

/** Runs `listen`, turning a failure to bind into one clear LISTEN_FAILED line naming the flag to change. */
async function listening<T>(what: string, flag: string, at: { host: string; port: number }, listen: () => Promise<T>, usage = 'HOST:PORT'): Promise<T> {
  try {
    return await listen();
  } catch (err) {
    const text = err instanceof Error ? `${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}` : String(err);
    const errno = Object.keys(LISTEN_REASONS).find((code) => text.includes(code));
    const reason = errno ? LISTEN_REASONS[errno] : (err instanceof Error ? err.message : String(err));
    const address = `${at.host}:${at.port}`;
    throw new StrataError('LISTEN_FAILED', `cannot listen for ${what} on ${address}: ${reason}; choose another with ${flag} ${usage}`, { address, errno: errno ?? '' }, { cause: err });
  }
}

/**
 * Runs the server until SIGTERM or SIGINT. Prints one JSON ready line naming
 * the bound addresses (or the help, for --help, and returns).
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  // Datum globs are users' patterns compiled to regular expressions (their
  // `( )` captures feed join_on and group_by). A match that backtracks past
  // V8's threshold is rerun on V8's linear-time engine, so a pattern of many
  // stars against a long name cannot stall the server for minutes.
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  const parsed = parseServerArgs(argv, env);
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.text);
    return;
  }
  const config = parsed.config;
  const log = createLogger({ level: config.logLevel });
  // grpc-js writes its own lines to stderr ("E No address added ..."); ours say it better (LISTEN_FAILED).
  grpcJs.setLogger({ error: (...args: unknown[]) => log.debug({ grpc: args.map(String).join(' ') }, 'grpc-js') });
  const server = await startServer(config, log);
  // Always printed (whatever the log level): scripts and tests wait for it.
  const addresses = { grpc: `${config.grpc.host}:${server.grpcPort}`, ...(server.bulkPort === undefined ? {} : { bulk: `${config.grpc.host}:${server.bulkPort}` }), http: `${config.http.host}:${server.httpPort}`, s3: `${config.s3Gateway.host}:${server.s3Port}` };
  createLogger({ level: 'info' }).info({ data: config.dataDir, ...addresses }, 'strata server ready');
  serveWithGrowingYoungGeneration();
  let signals = 0;
  const shutdown = (signal: string): void => {
    if (signals++ > 0) {
      log.warn({ signal }, 'second signal: exiting without waiting for in-flight calls');
      process.exit(1);
    }
    log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
    server.stop().then(
      () => (log.info({}, 'stopped'), process.exit(0)),
      (err: unknown) => (log.error({ err }, 'shutdown failed'), process.exit(1)),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * bin/strata.js keeps V8's young generation at its first size while the
 * server's modules load (else loading grows it to 16 MiB a semi-space that an
 * idle server never gives back). Serving needs the opposite: a request's
 * objects (a 1,000-key listing page, a GET's stream state) live across many
 * 1 MiB scavenges, so each was copied twice and then promoted to the old
 * generation, whose collections took half the CPU of a ListObjectsV2 of
 * 20,000 keys (0.35-0.54 server CPU-s per listing held at 1 MiB, 0.20-0.27
 * grown; docs/benchmarks.md, s3). So growth is V8's default again once the
 * server is ready: it grows under load and shrinks when idle.
 */
export function serveWithGrowingYoungGeneration(): void {
  setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_SEMI_SPACE_GROWTH}`);
}

/** V8's own default for --semi-space-growth-factor (Node 20's V8 11.3). */
const V8_DEFAULT_SEMI_SPACE_GROWTH = 2;

/** What a failed start prints: one line (and the usage line for bad arguments); a stack only for a bug. */
export function startFailure(err: unknown): string {
  if (!isStrataError(err)) return `strata server: ${err instanceof Error ? err.stack : String(err)}\n`;
  const usage = typeof err.data.usage === 'string' ? `${err.data.usage}\n` : '';
  return `strata server: ${err.message}\n${usage}`;
}

/**
 * `strata server ...` and `node dist/server.js ...`: runs main; a failure to
 * start is one line and the exit code of its kind (2 for a bad command line).
 */
export function runServer(argv: string[], env: NodeJS.ProcessEnv): void {
  main(argv, env).catch((err: unknown) => {
    process.stderr.write(startFailure(err));
    process.exit(isStrataError(err) ? KIND_TABLE[err.kind].exit : 1);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runServer(process.argv.slice(2), process.env);
