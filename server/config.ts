// The server's configuration: one schema, defaults in one place, read from
// flags (parsed by commander, as the CLI's are) and environment once at
// start, validated, then frozen.
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { StrataError } from '../src/errors/index.ts';
import { parseEtcdUrl } from '../src/meta/etcd-url.ts';
import { parseDuration } from '../src/pps/duration.ts';
import type { EtcdMetaStoreOptions } from '../src/meta/etcd-meta-store.ts';
import { LOG_LEVELS, type LogLevel } from './log.ts';

/** Where metadata lives: LevelDB under the data directory (one server), or etcd (several servers). */
export type MetaConfig = { kind: 'leveldb' } | ({ kind: 'etcd' } & EtcdMetaStoreOptions);

export interface ServerConfig {
  dataDir: string;
  /** Where chunks live without S3: under the data directory, or a directory several servers share (--blocks-dir). */
  blocksDir: string;
  meta: MetaConfig;
  grpc: { host: string; port: number };
  /** The bulk listener's port on the gRPC host (0: any free port), or off (server/grpc/bulk.ts); never offered with TLS. */
  bulkPort: number | false;
  http: { host: string; port: number };
  /** The S3 gateway (server/s3): its listener, the access keys it accepts and the region it reports. */
  s3Gateway: S3GatewayConfig;
  s3?: { endPoint: string; port: number; useSSL: boolean; bucket: string; prefix: string; region: string; accessKey: string; secretKey: string };
  packTargetBytes: number;
  /** What the server keeps in memory; together with the fixed costs these bound its RSS (docs/deploy.md, "Memory"). */
  memory: MemoryConfig;
  logLevel: LogLevel;
  /** On SIGTERM, in-flight calls get this long to finish before they are cancelled. */
  shutdownGraceMs: number;
  /** Where pipeline datums run: child processes here (local) or containers (docker). */
  ppsExecutor: 'local' | 'docker';
  /**
   * How often the pipeline leader looks for input commits and head moves no
   * event told it of (a missed watch event, a change of leader): the safety
   * net behind the metadata-store watch, not the normal path.
   */
  ppsPollMs: number;
  /** How long a dead server's GC lock, sweep fence or finish claim holds others off (renewed while alive). */
  leaseMs: number;
  /** What one client or request may ask of the server (docs/security.md, "Limits"). */
  limits: LimitsConfig;
  /** TLS for gRPC and HTTP (PEM files); with clientCaFile, clients must present a certificate it signed (mTLS). */
  tls?: { certFile: string; keyFile: string; clientCaFile?: string };
  /** /metrics answers without a token even when auth is on. */
  openMetrics: boolean;
  /** Audit records older than this are deleted (docs/security.md, "Audit log"); 0 keeps them forever. */
  auditRetentionMs: number;
}

export interface LimitsConfig {
  /** Largest gRPC message the server accepts (bytes). */
  maxMessageBytes: number;
  /** Longest file path a write may name (UTF-8 bytes). */
  maxPathBytes: number;
  /** Most files one write call (one ModifyFile stream, one one-off commit) may change. */
  maxFilesPerCommit: number;
  /** Most concurrent calls on one client connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS); more are refused. */
  maxStreamsPerClient: number;
  /** HTTP and S3 ports: how long a request's headers may take to arrive; gRPC: a TLS handshake; in ms (server/connection-guard.ts, server/grpc/listener.ts). */
  headersTimeoutMs: number;
  /** HTTP and S3 ports: how long the server waits on a client that sends (or takes) nothing mid-request; gRPC: how long a connection may have no call in flight; in ms. */
  idleTimeoutMs: number;
  /** Most open connections from one client address, on each port (gRPC, HTTP, S3). */
  maxConnectionsPerAddress: number;
}

/**
 * The server's caches and in-memory tables. None grows with the number of
 * files or bytes stored: past each bound the data is evicted (caches) or
 * goes on to local disk under the data directory (the chunk index, GC's
 * mark set).
 */
export interface MemoryConfig {
  /** Decoded index objects (ranges, metarange groups) kept for re-reads, in estimated heap bytes. */
  indexCacheBytes: number;
  /** Verified chunk bytes kept for re-reads. */
  chunkCacheBytes: number;
  /** Chunk locations the chunk index holds in memory before writing them to its files (~150 bytes each). */
  chunkIndexMemEntries: number;
  /** Hashes GC's mark set holds in memory before it goes on to local disk (~150 bytes each). */
  gcMarkMemEntries: number;
  /** LevelDB's block cache (metadata), bytes; unused with --meta etcd. */
  metaCacheBytes: number;
}

export interface S3GatewayConfig {
  host: string;
  port: number;
  keys: { accessKeyId: string; secret: string }[];
  region: string;
  /** Multipart uploads older than this are aborted and their parts dropped; 0 keeps them forever. */
  uploadExpiryDays: number;
}

export const DEFAULTS = {
  dataDir: './data',
  grpc: '127.0.0.1:7730',
  http: '127.0.0.1:7731',
  s3Gateway: '127.0.0.1:7732',
  packTargetBytes: 8 << 20,
  memory: { indexCacheBytes: 16 << 20, chunkCacheBytes: 16 << 20, chunkIndexMemEntries: 64 << 10, gcMarkMemEntries: 128 << 10, metaCacheBytes: 8 << 20 },
  logLevel: 'info',
  shutdownGraceMs: 10_000,
  s3UploadExpiryDays: 7,
  leaseMs: 30_000,
  ppsPollMs: 2000,
  auditRetention: '90d',
  limits: { maxMessageBytes: (4 << 20) + (64 << 10), maxPathBytes: 4096, maxFilesPerCommit: 1_000_000, maxStreamsPerClient: 100, headersTimeoutMs: 20_000, idleTimeoutMs: 60_000, maxConnectionsPerAddress: 256 },
} as const;

/** The limits' flags: flag, environment variable, config key, help. */
const LIMIT_FLAGS: readonly [string, string, keyof LimitsConfig, string][] = [
  ['--max-message-bytes', 'STRATA_MAX_MESSAGE_BYTES', 'maxMessageBytes', 'largest gRPC message accepted, in bytes'],
  ['--max-path-bytes', 'STRATA_MAX_PATH_BYTES', 'maxPathBytes', 'longest file path a write may name, in UTF-8 bytes'],
  ['--max-files-per-commit', 'STRATA_MAX_FILES_PER_COMMIT', 'maxFilesPerCommit', 'most files one write call (one commit) may change'],
  ['--max-streams-per-client', 'STRATA_MAX_STREAMS_PER_CLIENT', 'maxStreamsPerClient', 'most concurrent calls on one client connection'],
  ['--headers-timeout-ms', 'STRATA_HEADERS_TIMEOUT_MS', 'headersTimeoutMs', 'HTTP and S3 ports: time a request\'s headers may take to arrive; gRPC: time a TLS handshake may take; in ms'],
  ['--idle-timeout-ms', 'STRATA_IDLE_TIMEOUT_MS', 'idleTimeoutMs', 'HTTP and S3 ports: time a client may send (or take) nothing mid-request (idle, not total: long uploads that keep sending are fine); gRPC: time a connection may have no call in flight (the client reconnects on its next call); in ms'],
  ['--max-connections-per-address', 'STRATA_MAX_CONNECTIONS_PER_ADDRESS', 'maxConnectionsPerAddress', 'gRPC, HTTP and S3 ports: most open connections from one client address, on each port (raise it behind a proxy or NAT)'],
];

/** The memory flags: flag, environment variable, config key, unit, help. */
const MEMORY_FLAGS: readonly [string, string, keyof MemoryConfig, 'bytes' | 'entries', string][] = [
  ['--index-cache', 'STRATA_INDEX_CACHE', 'indexCacheBytes', 'bytes', 'decoded index objects kept for re-reads'],
  ['--chunk-cache', 'STRATA_CHUNK_CACHE', 'chunkCacheBytes', 'bytes', 'verified chunk bytes kept for re-reads'],
  ['--chunk-index-mem-entries', 'STRATA_CHUNK_INDEX_MEM_ENTRIES', 'chunkIndexMemEntries', 'entries', 'chunk locations held in memory before they go to the on-disk index'],
  ['--gc-mark-mem-entries', 'STRATA_GC_MARK_MEM_ENTRIES', 'gcMarkMemEntries', 'entries', "hashes GC's mark set holds in memory before it spills to disk"],
  ['--meta-cache', 'STRATA_META_CACHE', 'metaCacheBytes', 'bytes', "LevelDB's block cache"],
];

/** Every flag: its commander spelling, the environment variable it overrides, and its help. */
const FLAGS: readonly { flags: string; env: string; help: string }[] = [
  { flags: '--data <dir>', env: 'STRATA_DATA', help: `data directory (default ${DEFAULTS.dataDir})` },
  { flags: '--meta <leveldb|etcd://...>', env: 'STRATA_META', help: 'where metadata lives: leveldb (under --data, default) or etcd://HOST:PORT[,HOST:PORT...][/PREFIX] (several servers)' },
  { flags: '--grpc <host:port>', env: 'STRATA_GRPC', help: `gRPC listener (default ${DEFAULTS.grpc})` },
  { flags: '--bulk-port <port|off>', env: 'STRATA_BULK_PORT', help: "port on the gRPC host for chunk bytes of puts and reads outside gRPC (plain TCP, offered to clients only without TLS; default 0: any free port; off: chunks go over gRPC only)" },
  { flags: '--http <host:port>', env: 'STRATA_HTTP', help: `HTTP listener: /healthz, /readyz, /metrics (default ${DEFAULTS.http})` },
  { flags: '--blocks-dir <dir>', env: 'STRATA_BLOCKS_DIR', help: 'store chunks in this directory instead of <data>/blocks (several servers on one --meta etcd:// share it, on a shared file system)' },
  { flags: '--s3-endpoint <url>', env: 'STRATA_S3_ENDPOINT', help: 'store chunks in this S3-compatible service instead of under --data' },
  { flags: '--s3-bucket <name>', env: 'STRATA_S3_BUCKET', help: 'the bucket (needed with --s3-endpoint)' },
  { flags: '--s3-prefix <prefix>', env: 'STRATA_S3_PREFIX', help: 'key prefix inside the bucket' },
  { flags: '--s3-region <region>', env: 'STRATA_S3_REGION', help: 'region (default us-east-1)' },
  { flags: '--s3-access-key <key>', env: 'STRATA_S3_ACCESS_KEY', help: 'access key' },
  { flags: '--s3-secret-key <secret>', env: 'STRATA_S3_SECRET_KEY', help: 'secret key (prefer the environment variable: flags show in ps)' },
  { flags: '--s3 <host:port>', env: 'STRATA_S3_GATEWAY', help: `the S3 gateway's listener (default ${DEFAULTS.s3Gateway})` },
  { flags: '--s3-gateway-keys <id:secret,...>', env: 'STRATA_S3_GATEWAY_KEYS', help: 'the key pairs S3 clients sign with (not the chunk store\'s --s3-access-key)' },
  { flags: '--s3-gateway-region <region>', env: 'STRATA_S3_GATEWAY_REGION', help: 'the region the S3 gateway reports (default us-east-1)' },
  { flags: '--s3-upload-expiry-days <n>', env: 'STRATA_S3_UPLOAD_EXPIRY_DAYS', help: `abort S3 multipart uploads left unfinished this many days (default ${DEFAULTS.s3UploadExpiryDays}; 0 never)` },
  { flags: '--pps-executor <kind>', env: 'STRATA_PPS_EXECUTOR', help: 'where pipeline datums run: local or docker (default local)' },
  { flags: '--pps-poll-ms <ms>', env: 'STRATA_PPS_POLL_MS', help: `how often the pipeline leader re-reads input branches for what no event told it (default ${DEFAULTS.ppsPollMs}, at least 100)` },
  { flags: '--tls-cert <file>', env: 'STRATA_TLS_CERT', help: 'serve gRPC, HTTP and the S3 gateway over TLS with this PEM certificate (chain); needs --tls-key' },
  { flags: '--tls-key <file>', env: 'STRATA_TLS_KEY', help: 'the PEM private key of --tls-cert' },
  { flags: '--tls-client-ca <file>', env: 'STRATA_TLS_CLIENT_CA', help: 'mutual TLS: clients must present a certificate signed by this PEM CA' },
  { flags: '--audit-retention <duration>', env: 'STRATA_AUDIT_RETENTION', help: `delete audit records older than this: 90d, 12h, 30m, 10s (default ${DEFAULTS.auditRetention}; 0 keeps them forever)` },
  { flags: '--open-metrics', env: 'STRATA_OPEN_METRICS', help: 'serve /metrics without a token when auth is on (for a Prometheus without one)' },
  { flags: '--log-level <level>', env: 'STRATA_LOG_LEVEL', help: `${LOG_LEVELS.join(', ')} (default ${DEFAULTS.logLevel})` },
  { flags: '--lease-ms <ms>', env: 'STRATA_LEASE_MS', help: `with several servers: how soon a dead server's GC and finish leases are taken over (default ${DEFAULTS.leaseMs})` },
  { flags: '--shutdown-grace-ms <ms>', env: 'STRATA_SHUTDOWN_GRACE_MS', help: `how long in-flight calls get on SIGTERM (default ${DEFAULTS.shutdownGraceMs})` },
  ...LIMIT_FLAGS.map(([flag, env, key, help]) => ({ flags: `${flag} <n>`, env, help: `${help} (default ${DEFAULTS.limits[key]})` })),
  ...MEMORY_FLAGS.map(([flag, env, key, unit, help]) => ({
    flags: `${flag} <${unit === 'bytes' ? 'size' : 'n'}>`,
    env,
    help: `${help} (default ${unit === 'bytes' ? formatSize(DEFAULTS.memory[key]) : DEFAULTS.memory[key]}${unit === 'bytes' ? '; bytes, or with KiB, MiB, GiB' : ''})`,
  })),
];

/** The `strata server` command line: flags win over environment, which wins over defaults. */
export function serverCommand(): Command {
  const cmd = new Command('strata server')
    .description('run the Strata server (embedded LevelDB + local chunk store, or S3 chunks)')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
  for (const f of FLAGS) cmd.addOption(new Option(f.flags, `${f.help} [${f.env}]`));
  cmd.addHelpText(
    'after',
    `
Examples:
  $ strata server
  $ strata server --data /var/lib/strata --grpc 0.0.0.0:7730
  $ strata server --s3-endpoint http://127.0.0.1:9000 --s3-bucket strata`,
  );
  return cmd;
}

export type ParsedArgs = { kind: 'config'; config: Readonly<ServerConfig> } | { kind: 'help'; text: string };

/**
 * Parses the server's arguments. Bad input (an unknown flag, a missing value,
 * a stray argument, an invalid address) throws INVALID_ARGUMENT whose data
 * carries the usage line, so the caller can print both and exit 2.
 */
export function parseServerArgs(argv: string[], env: NodeJS.ProcessEnv): ParsedArgs {
  const cmd = serverCommand();
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.help')) {
      return { kind: 'help', text: cmd.helpInformation() + helpAfter(cmd) };
    }
    if (err instanceof CommanderError) {
      throw new StrataError('INVALID_ARGUMENT', err.message.replace(/^error: /, ''), { usage: usageLine(cmd) }, { cause: err });
    }
    throw err;
  }
  const opts = cmd.opts<Record<string, string | boolean | undefined>>();
  const get = (flag: string, envName: string): string | undefined => {
    const v = opts[camel(flag)];
    return v === true ? 'true' : (v || undefined) ?? (env[envName] || undefined);
  };
  try {
    return { kind: 'config', config: buildConfig(get) };
  } catch (err) {
    if (err instanceof StrataError) throw new StrataError(err.code, err.message, { ...err.data, usage: usageLine(cmd) }, { cause: err.cause });
    throw err;
  }
}

/** Flags win over environment, which wins over defaults. Throws on `--help` (use parseServerArgs to handle it). */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): Readonly<ServerConfig> {
  const parsed = parseServerArgs(argv, env);
  if (parsed.kind === 'help') throw new StrataError('INVALID_ARGUMENT', 'help requested', { usage: parsed.text });
  return parsed.config;
}

function usageLine(cmd: Command): string {
  return `usage: ${cmd.name()} ${cmd.usage()} (see strata server --help)`;
}

function helpAfter(cmd: Command): string {
  // addHelpText('after') output is only written by outputHelp(); capture it.
  let text = '';
  cmd.configureOutput({ writeOut: (s) => void (text += s), writeErr: () => undefined });
  cmd.outputHelp();
  return text.slice(cmd.helpInformation().length);
}

function camel(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function buildConfig(get: (flag: string, envName: string) => string | undefined): Readonly<ServerConfig> {
  const dataDir = resolve(get('data', 'STRATA_DATA') ?? DEFAULTS.dataDir);
  const blocksDir = get('blocks-dir', 'STRATA_BLOCKS_DIR');
  const config: ServerConfig = {
    dataDir,
    blocksDir: blocksDir ? resolve(blocksDir) : `${dataDir}/blocks`,
    meta: metaConfig(get('meta', 'STRATA_META') ?? 'leveldb'),
    grpc: hostPort(get('grpc', 'STRATA_GRPC') ?? DEFAULTS.grpc, 'gRPC'),
    bulkPort: bulkPort(get('bulk-port', 'STRATA_BULK_PORT') ?? '0'),
    http: hostPort(get('http', 'STRATA_HTTP') ?? DEFAULTS.http, 'HTTP'),
    s3Gateway: {
      ...hostPort(get('s3', 'STRATA_S3_GATEWAY') ?? DEFAULTS.s3Gateway, 'S3 gateway'),
      keys: gatewayKeys(get('s3-gateway-keys', 'STRATA_S3_GATEWAY_KEYS')),
      region: get('s3-gateway-region', 'STRATA_S3_GATEWAY_REGION') ?? 'us-east-1',
      uploadExpiryDays: days(get('s3-upload-expiry-days', 'STRATA_S3_UPLOAD_EXPIRY_DAYS') ?? String(DEFAULTS.s3UploadExpiryDays), '--s3-upload-expiry-days'),
    },
    packTargetBytes: DEFAULTS.packTargetBytes,
    memory: memoryConfig(get),
    logLevel: logLevel(get('log-level', 'STRATA_LOG_LEVEL') ?? DEFAULTS.logLevel),
    shutdownGraceMs: milliseconds(get('shutdown-grace-ms', 'STRATA_SHUTDOWN_GRACE_MS') ?? String(DEFAULTS.shutdownGraceMs), 'shutdown grace'),
    ppsExecutor: ppsExecutor(get('pps-executor', 'STRATA_PPS_EXECUTOR') ?? 'local'),
    ppsPollMs: ppsPollMs(get('pps-poll-ms', 'STRATA_PPS_POLL_MS') ?? String(DEFAULTS.ppsPollMs)),
    leaseMs: leaseMs(get('lease-ms', 'STRATA_LEASE_MS') ?? String(DEFAULTS.leaseMs)),
    limits: limitsConfig(get),
    openMetrics: ['1', 'true', 'yes'].includes(get('open-metrics', 'STRATA_OPEN_METRICS') ?? ''),
    auditRetentionMs: retention(get('audit-retention', 'STRATA_AUDIT_RETENTION') ?? DEFAULTS.auditRetention),
  };
  const tls = tlsConfig(get('tls-cert', 'STRATA_TLS_CERT'), get('tls-key', 'STRATA_TLS_KEY'), get('tls-client-ca', 'STRATA_TLS_CLIENT_CA'));
  if (tls) config.tls = tls;
  const endpoint = get('s3-endpoint', 'STRATA_S3_ENDPOINT');
  if (endpoint && blocksDir) {
    throw new StrataError('INVALID_ARGUMENT', `--blocks-dir and --s3-endpoint both name where chunks live; give one (--blocks-dir "${blocksDir}", --s3-endpoint "${endpoint}")`, { blocksDir, endpoint });
  }
  if (endpoint) {
    const url = s3Url(endpoint);
    const bucket = get('s3-bucket', 'STRATA_S3_BUCKET');
    if (!bucket) throw new StrataError('INVALID_ARGUMENT', '--s3-endpoint needs --s3-bucket (or STRATA_S3_BUCKET)');
    config.s3 = {
      endPoint: url.hostname,
      port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
      useSSL: url.protocol === 'https:',
      bucket,
      prefix: get('s3-prefix', 'STRATA_S3_PREFIX') ?? '',
      region: get('s3-region', 'STRATA_S3_REGION') ?? 'us-east-1',
      accessKey: get('s3-access-key', 'STRATA_S3_ACCESS_KEY') ?? '',
      secretKey: get('s3-secret-key', 'STRATA_S3_SECRET_KEY') ?? '',
    };
  }
  return Object.freeze(config);
}

function bulkPort(value: string): number | false {
  if (value === 'off') return false;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port < 65536)) throw new StrataError('INVALID_ARGUMENT', `invalid --bulk-port "${value}": expected a port number (0 for any free one) or off`, { value });
  return port;
}

function hostPort(value: string, what: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 0 && port < 65536)) {
    throw new StrataError('INVALID_ARGUMENT', `invalid ${what} address "${value}": expected HOST:PORT`, { value });
  }
  return { host: m[1] || '127.0.0.1', port };
}

function metaConfig(value: string): MetaConfig {
  if (value === 'leveldb') return { kind: 'leveldb' };
  if (value.startsWith('etcd://')) return { kind: 'etcd', ...parseEtcdUrl(value) };
  throw new StrataError('INVALID_ARGUMENT', `invalid --meta "${value}": expected leveldb or etcd://HOST:PORT[,HOST:PORT...][/PREFIX]`, { value });
}

function logLevel(value: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new StrataError('INVALID_ARGUMENT', `invalid log level "${value}": expected one of ${LOG_LEVELS.join(', ')}`, { value });
  }
  return value as LogLevel;
}

function milliseconds(value: string, what: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new StrataError('INVALID_ARGUMENT', `invalid ${what} "${value}": expected a whole number of milliseconds`, { value });
  }
  return n;
}

/** `90d`, `12h`, `1m30s`, `0` (forever) as milliseconds. */
function retention(value: string): number {
  const d = /^(\d+(?:\.\d+)?)d$/.exec(value);
  const ms = d ? Math.round(Number(d[1]) * 86_400_000) : parseDuration(value);
  if (ms === undefined || !Number.isSafeInteger(ms)) {
    throw new StrataError('INVALID_ARGUMENT', `invalid --audit-retention "${value}": expected a duration such as 90d, 12h, 30m or 10s (0 keeps records forever)`, { value });
  }
  return ms;
}

function days(value: string, what: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(n)) {
    throw new StrataError('INVALID_ARGUMENT', `invalid ${what} "${value}": expected a number of days (0 for never)`, { value });
  }
  return n;
}

/** Renewed every third of it: under a second, a busy event loop could miss renewals and lose leases it holds. */
function leaseMs(value: string): number {
  const n = milliseconds(value, 'lease');
  if (n < 1000) throw new StrataError('INVALID_ARGUMENT', `invalid lease "${value}": expected at least 1000 milliseconds`, { value });
  return n;
}

/** Under 100 ms the poll would keep the metadata store busy for nothing; over 2^31-1 ms a timer fires at once. */
function ppsPollMs(value: string): number {
  const n = milliseconds(value, 'pipeline poll interval');
  if (n < 100 || n > 2_147_483_647) throw new StrataError('INVALID_ARGUMENT', `invalid pipeline poll interval "${value}": expected 100 to 2147483647 milliseconds`, { value });
  return n;
}

function ppsExecutor(value: string): 'local' | 'docker' {
  if (value !== 'local' && value !== 'docker') throw new StrataError('INVALID_ARGUMENT', `invalid --pps-executor "${value}": expected local or docker`, { value });
  return value;
}

/** `ID:SECRET[,ID:SECRET...]`: the key pairs S3 clients sign with (not the chunk backend's --s3-access-key). */
function gatewayKeys(value: string | undefined): { accessKeyId: string; secret: string }[] {
  if (!value) return [];
  return value.split(',').map((pair) => {
    const at = pair.indexOf(':');
    if (at <= 0 || at === pair.length - 1) {
      throw new StrataError('INVALID_ARGUMENT', 'invalid S3 gateway key: expected ACCESS_KEY_ID:SECRET (several separated by commas)', {});
    }
    return { accessKeyId: pair.slice(0, at), secret: pair.slice(at + 1) };
  });
}

function s3Url(value: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return url;
  } catch {
    throw new StrataError('INVALID_ARGUMENT', `invalid --s3-endpoint "${value}": expected a URL like http://127.0.0.1:9000`, { value });
  }
}

function limitsConfig(get: (flag: string, envName: string) => string | undefined): LimitsConfig {
  const out = { ...DEFAULTS.limits } as LimitsConfig;
  for (const [flag, env, key] of LIMIT_FLAGS) {
    const value = get(flag.slice(2), env);
    if (value === undefined) continue;
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
      throw new StrataError('INVALID_ARGUMENT', `invalid ${flag} "${value}": expected a whole number of at least 1`, { value });
    }
    out[key] = n;
  }
  return out;
}

function memoryConfig(get: (flag: string, envName: string) => string | undefined): MemoryConfig {
  const out: MemoryConfig = { ...DEFAULTS.memory };
  for (const [flag, env, key, unit] of MEMORY_FLAGS) {
    const value = get(flag.slice(2), env);
    if (value !== undefined) out[key] = unit === 'bytes' ? parseSize(value, flag) : wholeNumber(value, flag, 1);
  }
  return out;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1 << 10, kib: 1 << 10, m: 1 << 20, mib: 1 << 20, g: 1 << 30, gib: 1 << 30 };

/** `65536`, `64KiB`, `32MiB`, `1GiB` (K, M, G alone too; 1024-based): bytes, a whole number, 0 allowed (no cache). */
export function parseSize(value: string, flag: string): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(value.trim());
  const unit = SIZE_UNITS[m?.[2]?.toLowerCase() ?? ''];
  const n = m && unit !== undefined ? Number(m[1]) * unit : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new StrataError('INVALID_ARGUMENT', `invalid ${flag} "${value}": expected a size in bytes, e.g. 67108864, 64MiB or 1GiB`, { value });
  }
  return n;
}

function formatSize(bytes: number): string {
  for (const [unit, size] of [['GiB', 1 << 30], ['MiB', 1 << 20], ['KiB', 1 << 10]] as const) if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  return String(bytes);
}

function wholeNumber(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new StrataError('INVALID_ARGUMENT', `invalid ${flag} "${value}": expected a whole number of at least ${min}`, { value });
  }
  return n;
}

function tlsConfig(cert: string | undefined, key: string | undefined, clientCa: string | undefined): ServerConfig['tls'] {
  if (!cert && !key && !clientCa) return undefined;
  if (!cert || !key) throw new StrataError('INVALID_ARGUMENT', 'TLS needs both --tls-cert and --tls-key (or STRATA_TLS_CERT and STRATA_TLS_KEY)', {});
  return { certFile: resolve(cert), keyFile: resolve(key), ...(clientCa ? { clientCaFile: resolve(clientCa) } : {}) };
}

/** Loopback only: nobody else on the network reaches it. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
