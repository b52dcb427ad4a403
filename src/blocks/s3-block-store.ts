// BlockStore on any S3-compatible object store (AWS S3, MinIO, Ceph RGW) via
// the `minio` client. Objects are packs of a few MiB, so each put is a single
// PUT of a Buffer, below the client's multipart part size.
//
// The bucket is checked lazily, before the first operation (and again after a
// failed check), or eagerly by calling check() — the server does so at start
// to fail fast. Without it a HEAD on a missing bucket would read as "object
// absent". Transient failures (5xx, 408/429, connection reset/refused,
// timeouts) are retried with exponential backoff; auth and not-found errors
// are not. Every error is a StrataError naming the endpoint and bucket.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { StrataError, type ErrorCode } from '../errors/index.ts';
import type { BlockStore } from './block-store.ts';

export interface S3BlockStoreOptions {
  endPoint: string;
  port?: number;
  useSSL?: boolean;
  bucket: string;
  /** Key prefix inside the bucket; a trailing "/" is added when missing. */
  prefix?: string;
  region?: string;
  accessKey: string;
  secretKey: string;
  pathStyle?: boolean;
  /** Retries after the first attempt for transient failures (default 3). */
  retries?: number;
  /** First backoff delay; doubles on each retry, with jitter (default 100 ms). */
  retryBaseDelayMs?: number;
  /** A request with no network activity for this long fails (default 30 s). */
  timeoutMs?: number;
  /** Most concurrent connections to the endpoint (default 64). */
  maxSockets?: number;
  /** Keys per ListObjectsV2 page (default and S3's maximum 1000). */
  listPageSize?: number;
}

export interface S3BlockStore extends BlockStore {
  /** Verifies the endpoint answers, the credentials work and the bucket exists. */
  check(): Promise<void>;
}

const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND']);
const TRANSIENT_S3_CODES = new Set(['InternalError', 'ServiceUnavailable', 'SlowDown', 'RequestTimeout']);
const AUTH_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'InvalidToken', 'ExpiredToken']);
const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NotFound']);
const CLIENT_ARGUMENT_ERRORS = new Set(['InvalidArgumentError', 'InvalidBucketNameError', 'InvalidObjectNameError', 'InvalidEndpointError', 'InvalidPortError']);

export function createS3BlockStore(options: S3BlockStoreOptions): S3BlockStore {
  const { bucket, endPoint, useSSL = false } = options;
  const port = options.port ?? (useSSL ? 443 : 80);
  const url = `${useSSL ? 'https' : 'http'}://${endPoint}:${port}`;
  const prefix = options.prefix === undefined || options.prefix === '' || options.prefix.endsWith('/') ? (options.prefix ?? '') : `${options.prefix}/`;
  const location = `s3://${bucket}/${prefix}`;
  const description = `${location} at ${url}`;
  const retries = options.retries ?? 3;
  const baseDelayMs = options.retryBaseDelayMs ?? 100;
  const pageSize = options.listPageSize ?? 1000;
  const agent = new (useSSL ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });

  let client: Client;
  try {
    client = new Client({
      endPoint,
      port,
      useSSL,
      region: options.region ?? 'us-east-1', // set, so the client never asks for the bucket's location
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      pathStyle: options.pathStyle ?? true,
      transport: timedTransport(useSSL ? https : http, options.timeoutMs ?? 30_000),
      transportAgent: agent,
      retryOptions: { disableRetry: true }, // we retry, with our own rules, around whole operations
    });
  } catch (err) {
    throw new StrataError('INVALID_ARGUMENT', `invalid S3 configuration for ${description}: ${messageOf(err)}`, { endpoint: url, bucket }, { cause: err });
  }

  const objectName = (key: string): string => prefix + key;

  function toStrataError(err: unknown, action: string, key?: string): StrataError {
    if (err instanceof StrataError) return err;
    const code = codeOf(err);
    const data = { endpoint: url, bucket, ...(key === undefined ? {} : { key }), s3Code: code ?? null };
    const make = (errorCode: ErrorCode, message: string) => new StrataError(errorCode, message, data, { cause: err });
    const during = `while ${action} in ${location}`;
    if (code !== undefined && NETWORK_ERRORS.has(code)) return make('STORE_UNAVAILABLE', `S3 endpoint ${url} unreachable: ${code} (${during})`);
    if (code !== undefined && AUTH_CODES.has(code)) {
      return make('STORE_ACCESS_DENIED', `S3 endpoint ${url} denied access to bucket "${bucket}": ${code}: ${messageOf(err)} (${during}); check the access key and secret`);
    }
    if (code === 'NoSuchBucket') {
      return make('STORE_BUCKET_NOT_FOUND', `S3 bucket "${bucket}" does not exist at ${url} (${during}); create it or correct the bucket name`);
    }
    if (code !== undefined && NOT_FOUND_CODES.has(code) && key !== undefined) return missing(key);
    if (isTransient(err)) {
      const status = /Retryable HTTP status: (\d+)/.exec(messageOf(err))?.[1];
      const detail = status === undefined ? `${code ?? 'error'}: ${messageOf(err)}` : `HTTP ${status}`;
      return make('STORE_UNAVAILABLE', `S3 endpoint ${url} failed ${during}, ${retries + 1} attempts: ${detail}`);
    }
    if (err instanceof Error && CLIENT_ARGUMENT_ERRORS.has(err.name)) return make('INVALID_ARGUMENT', `S3 client rejected a request ${during}: ${err.message}`);
    return make('STORE_IO', `S3 request to ${url} failed ${during}: ${code === undefined ? '' : `${code}: `}${messageOf(err)}`);
  }

  async function withRetries<T>(action: string, key: string | undefined, operation: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await operation();
      } catch (err) {
        if (attempt >= retries || !isTransient(err)) throw toStrataError(err, action, key);
        const delay = baseDelayMs * 2 ** attempt;
        await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
      }
    }
  }

  // Resolved once a check passed; cleared when one fails, so the next operation checks again.
  let checked: Promise<void> | undefined;

  async function check(): Promise<void> {
    // A one-key listing (not HEAD bucket): its XML error says *why* it failed.
    const listing = withRetries('checking the bucket', undefined, () => client.listObjectsV2Query(bucket, prefix, '', '', 1, ''));
    checked = listing.then(
      () => undefined,
      (err: unknown) => {
        checked = undefined;
        throw err;
      },
    );
    return checked;
  }

  const ready = (): Promise<void> => checked ?? check();

  async function run<T>(action: string, key: string | undefined, operation: () => Promise<T>): Promise<T> {
    await ready();
    return withRetries(action, key, operation);
  }

  const missing = (key: string) =>
    new StrataError('OBJECT_NOT_FOUND', `object "${key}" not found in ${description}`, { endpoint: url, bucket, key });

  async function statRaw(key: string): Promise<{ size: number } | undefined> {
    try {
      return { size: (await client.statObject(bucket, objectName(key))).size };
    } catch (err) {
      if (NOT_FOUND_CODES.has(codeOf(err) ?? '')) return undefined;
      throw err;
    }
  }

  async function readRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    // length 0 means "to the end" to the client, so ask only whether the object exists.
    if (length === 0) {
      if ((await statRaw(key)) === undefined) throw missing(key);
      return new Uint8Array(0);
    }
    try {
      const response = (await client.getPartialObject(bucket, objectName(key), offset, length)) as http.IncomingMessage;
      // Trust Content-Range over the request: s3rver answers a range on an
      // empty object with a body it never sends (the read would hang until
      // the server's keep-alive timeout) and "bytes=0-0" with the whole
      // object; a server may also ignore Range altogether (200).
      const range = /^bytes (\d+)-\d+\/(\d+)$/.exec(response.headers['content-range'] ?? '');
      if (response.statusCode === 206 && range && offset >= Number(range[2])) {
        response.destroy();
        return new Uint8Array(0);
      }
      const start = response.statusCode === 206 && range ? Number(range[1]) : 0;
      const body = await collect(response);
      return body.subarray(offset - start, offset - start + length);
    } catch (err) {
      // A range wholly past the end is "fewer bytes at the end": none.
      if (codeOf(err) === 'InvalidRange') return new Uint8Array(0);
      throw err;
    }
  }

  return {
    description,
    check,

    put: (key, data) =>
      run(`storing "${key}"`, key, async () => {
        const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
        await client.putObject(bucket, objectName(key), body, body.length);
      }),

    get: (key) => run(`reading "${key}"`, key, async () => collect(await client.getObject(bucket, objectName(key)))),

    getRange: (key, offset, length) => run(`reading "${key}" at ${offset}+${length}`, key, () => readRange(key, offset, length)),

    stat: (key) => run(`checking "${key}"`, key, () => statRaw(key)),

    has: async (key) => (await run(`checking "${key}"`, key, () => statRaw(key))) !== undefined,

    delete: (key) =>
      run(`deleting "${key}"`, key, async () => {
        try {
          await client.removeObject(bucket, objectName(key));
        } catch (err) {
          if (!NOT_FOUND_CODES.has(codeOf(err) ?? '')) throw err;
        }
      }),

    // S3 lists in byte order, but not every S3-protocol server does (s3rver
    // walks its directories), so the keys are gathered and sorted here.
    async *list(keyPrefix) {
      const keys: string[] = [];
      let token = '';
      do {
        const page = await run(`listing "${keyPrefix}"`, undefined, () =>
          client.listObjectsV2Query(bucket, prefix + keyPrefix, token, '', pageSize, ''),
        );
        for (const item of page.objects) if (item.name !== undefined) keys.push(item.name.slice(prefix.length));
        token = page.isTruncated ? page.nextContinuationToken : '';
      } while (token);
      yield* keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    },

    async close() {
      agent.destroy();
    },
  };
}

/**
 * http(s).request with an idle timeout, which the client lacks, so a
 * black-holed endpoint fails instead of hanging. Bodies of retryable
 * responses are drained: with its retries off the client throws on them
 * without reading, which would pin the socket until the timeout.
 */
function timedTransport(module: typeof http | typeof https, timeoutMs: number): typeof http {
  const request = (options: http.RequestOptions, callback?: (res: http.IncomingMessage) => void): http.ClientRequest => {
    const req = module.request(options, (res) => {
      if (isRetryableStatus(res.statusCode)) res.resume();
      callback?.(res);
    });
    req.setTimeout(timeoutMs, () => {
      req.destroy(Object.assign(new Error(`no response within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    });
    return req;
  };
  return { request } as unknown as typeof http;
}

// The statuses the client treats as retryable (minio's retryHttpCodes); it never reads their bodies.
const RETRYABLE_STATUSES = new Set([408, 429, 499, 500, 502, 503, 504, 520]);

function isRetryableStatus(status: number | undefined): boolean {
  return status !== undefined && RETRYABLE_STATUSES.has(status);
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** With its own retries off, the client reports 408/429/5xx only as "Retryable HTTP status: N". */
function isTransient(err: unknown): boolean {
  const code = codeOf(err);
  if (code !== undefined && code !== 'ENOTFOUND' && (NETWORK_ERRORS.has(code) || TRANSIENT_S3_CODES.has(code))) return true;
  return isRetryableStatus(Number(/Retryable HTTP status: (\d+)/.exec(messageOf(err))?.[1]));
}
