// The server's configuration: one schema, defaults in one place, read from
// flags and environment once at start, validated, then frozen.
import { resolve } from 'node:path';
import { StrataError } from '../src/errors/index.ts';
import { parseEtcdUrl } from '../src/meta/etcd-url.ts';
import type { EtcdMetaStoreOptions } from '../src/meta/etcd-meta-store.ts';
import { LOG_LEVELS, type LogLevel } from './log.ts';

/** Where metadata lives: LevelDB under the data directory (one server), or etcd (several servers). */
export type MetaConfig = { kind: 'leveldb' } | ({ kind: 'etcd' } & EtcdMetaStoreOptions);

export interface ServerConfig {
  dataDir: string;
  meta: MetaConfig;
  grpc: { host: string; port: number };
  http: { host: string; port: number };
  /** The S3 gateway (server/s3): its listener, the access keys it accepts and the region it reports. */
  s3Gateway: S3GatewayConfig;
  s3?: { endPoint: string; port: number; useSSL: boolean; bucket: string; prefix: string; region: string; accessKey: string; secretKey: string };
  packTargetBytes: number;
  cacheBytes: number;
  logLevel: LogLevel;
  /** On SIGTERM, in-flight calls get this long to finish before they are cancelled. */
  shutdownGraceMs: number;
  /** Where pipeline datums run: child processes here (local) or containers (docker). */
  ppsExecutor: 'local' | 'docker';
}

export interface S3GatewayConfig {
  host: string;
  port: number;
  keys: { accessKeyId: string; secret: string }[];
  region: string;
}

export const DEFAULTS = {
  dataDir: './data',
  grpc: '127.0.0.1:7730',
  http: '127.0.0.1:7731',
  s3Gateway: '127.0.0.1:7732',
  packTargetBytes: 8 << 20,
  cacheBytes: 64 << 20,
  logLevel: 'info',
  shutdownGraceMs: 10_000,
} as const;

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
  if (!(LOG_LEVELS as string[]).includes(value)) {
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

/** Flags win over environment, which wins over defaults. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): Readonly<ServerConfig> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new StrataError('INVALID_ARGUMENT', `unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new StrataError('INVALID_ARGUMENT', `flag --${name} needs a value`);
    flags.set(name!, value);
  }
  const known = new Set(['data', 'grpc', 'http', 's3-endpoint', 's3-bucket', 's3-prefix', 's3-region', 's3-access-key', 's3-secret-key', 'log-level', 'shutdown-grace-ms', 's3', 's3-gateway-keys', 's3-gateway-region', 'pps-executor', 'meta']);
  for (const name of flags.keys()) if (!known.has(name)) throw new StrataError('INVALID_ARGUMENT', `unknown flag --${name}`);
  const get = (flag: string, envName: string): string | undefined => flags.get(flag) ?? env[envName];
  const config: ServerConfig = {
    dataDir: resolve(get('data', 'STRATA_DATA') ?? DEFAULTS.dataDir),
    meta: metaConfig(get('meta', 'STRATA_META') ?? 'leveldb'),
    grpc: hostPort(get('grpc', 'STRATA_GRPC') ?? DEFAULTS.grpc, 'gRPC'),
    http: hostPort(get('http', 'STRATA_HTTP') ?? DEFAULTS.http, 'HTTP'),
    s3Gateway: {
      ...hostPort(get('s3', 'STRATA_S3_GATEWAY') ?? DEFAULTS.s3Gateway, 'S3 gateway'),
      keys: gatewayKeys(get('s3-gateway-keys', 'STRATA_S3_GATEWAY_KEYS')),
      region: get('s3-gateway-region', 'STRATA_S3_GATEWAY_REGION') ?? 'us-east-1',
    },
    packTargetBytes: DEFAULTS.packTargetBytes,
    cacheBytes: DEFAULTS.cacheBytes,
    logLevel: logLevel(get('log-level', 'STRATA_LOG_LEVEL') ?? DEFAULTS.logLevel),
    shutdownGraceMs: milliseconds(get('shutdown-grace-ms', 'STRATA_SHUTDOWN_GRACE_MS') ?? String(DEFAULTS.shutdownGraceMs), 'shutdown grace'),
    ppsExecutor: ppsExecutor(get('pps-executor', 'STRATA_PPS_EXECUTOR') ?? 'local'),
  };
  const endpoint = get('s3-endpoint', 'STRATA_S3_ENDPOINT');
  if (endpoint) {
    const url = new URL(endpoint);
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
