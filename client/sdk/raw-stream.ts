// Server-streaming gRPC calls made with Node's own HTTP/2 client instead of
// grpc-js, for the one call that carries file bytes in bulk (GetChunks).
// grpc-js joins every message's HTTP/2 frames into a fresh buffer before
// decoding it: for a download that is a copy and a MiB-sized allocation per
// message, and in a profile of `strata get` that copy and the garbage
// collection it causes were the largest costs of the CLI. Here the response
// body is handed over as it arrives (the caller parses it in place, see
// chunk-frames.ts). The wire is the same gRPC the server speaks to any client:
// same path, headers, framing, status and error trailers.
import * as http2 from 'node:http2';
import { isIP } from 'node:net';
import { StrataError } from '../../src/errors/index.ts';
import { decodeWireError } from '../../src/errors/wire.ts';

export interface RawChannelOptions {
  address: string;
  token?: string;
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer };
}

/** Per-stream HTTP/2 window: what the server may send ahead of the reader. */
const STREAM_WINDOW_BYTES = 8 << 20;
/** Connection window: room for the few calls a reader keeps running. */
const SESSION_WINDOW_BYTES = 32 << 20;

/** The call could not start on this channel (no connection, stream refused): make it with grpc-js instead. */
export class RawCallNotStarted extends Error {}

/** host and port of `host:port`, `[v6]:port` or `dns:host:port`; undefined for what only grpc-js resolves (unix:, ipv4: lists, ...). */
export function rawAddress(address: string): { host: string; port: number } | undefined {
  const m = /^(?:dns:(?:\/\/\/)?)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(address);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? { host: m[1]!, port } : undefined;
}

function percentDecoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The call's outcome from trailers (or a trailers-only response): undefined when OK. */
function failureOf(headers: http2.IncomingHttpHeaders): StrataError | undefined {
  const code = Number(headers['grpc-status']);
  if (code === 0) return undefined;
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!k.startsWith(':') && typeof v === 'string') metadata[k] = v;
  return decodeWireError({ code: Number.isInteger(code) ? code : 2, details: percentDecoded(String(headers['grpc-message'] ?? '')), metadata });
}

/** gRPC's timeout header: at most 8 digits and a unit. */
function grpcTimeout(ms: number): string {
  const n = Math.max(1, Math.ceil(ms));
  return n <= 99_999_999 ? `${n}m` : `${Math.ceil(n / 1000)}S`;
}

function unavailable(detail: string, cause?: unknown): StrataError {
  return new StrataError('UNAVAILABLE', `the connection to the server broke during a read: ${detail}`, {}, { cause });
}

/** Body bytes buffered before the stream is paused (HTTP/2 flow control then holds the server). */
const BUFFERED_BYTES = 1 << 20;

/**
 * A stream's 'data' buffers as they come, in batches. Not the stream's async
 * iterator: that reads with read(), which joins what is buffered into one new
 * buffer (a copy of every byte).
 */
async function* bodyOf(stream: http2.ClientHttp2Stream): AsyncGenerator<Buffer[], void, undefined> {
  let queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const onData = (data: Buffer): void => {
    queue.push(data);
    queued += data.length;
    if (queued >= BUFFERED_BYTES) stream.pause();
    wake?.();
  };
  const onEnd = (): void => void ((ended = true), wake?.());
  const onError = (err: unknown): void => void ((failure = err), wake?.());
  stream.on('data', onData).on('end', onEnd).on('error', onError);
  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue;
        queue = [];
        queued = 0;
        stream.resume();
        yield batch;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    stream.off('data', onData).off('end', onEnd).off('error', onError);
  }
}

export class RawChannel {
  private session: http2.ClientHttp2Session | undefined;
  private active = 0;
  private readonly target: { host: string; port: number };

  constructor(private readonly options: RawChannelOptions) {
    const target = rawAddress(options.address);
    if (!target) throw new Error(`RawChannel: unsupported address ${options.address}`);
    this.target = target;
  }

  private sessionOf(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const { host, port } = this.target;
    const tls = this.options.tls;
    const bare = host.startsWith('[') ? host.slice(1, -1) : host;
    const session = http2.connect(`${tls ? 'https' : 'http'}://${host}:${port}`, {
      settings: { initialWindowSize: STREAM_WINDOW_BYTES, enablePush: false },
      ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key, ...(isIP(bare) ? {} : { servername: bare }) } : {}),
    });
    session.on('error', () => undefined); // each call sees its stream's error
    session.once('remoteSettings', () => this.settled.add(session));
    session.once('connect', () => session.setLocalWindowSize(SESSION_WINDOW_BYTES));
    session.once('close', () => {
      if (this.session === session) this.session = undefined;
    });
    this.session = session;
    this.hold();
    return session;
  }

  /** Whether the server has answered on this channel's connection (its HTTP/2 settings came). */
  answering(): boolean {
    const s = this.session;
    return s !== undefined && !s.closed && !s.destroyed && this.settled.has(s);
  }

  /** Sessions whose server sent its HTTP/2 settings. */
  private readonly settled = new WeakSet<http2.ClientHttp2Session>();

  /**
   * Resolves once the server answers (its HTTP/2 settings arrive, as any
   * live server sends at once); rejects with RawCallNotStarted when the
   * connection fails (refused, reset), and with `timeout()` if `until`
   * passes first: a stopped or hung server accepts the TCP connection and
   * then says nothing.
   */
  async whenAnswering(until: number, timeout: () => Error): Promise<void> {
    const session = this.sessionOf();
    if (this.settled.has(session)) return;
    this.active++;
    this.hold();
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => done(timeout()), Math.max(0, until - Date.now()));
        const onSettings = (): void => done();
        const onError = (err: unknown): void => done(new RawCallNotStarted(String(err), { cause: err }));
        const onClose = (): void => done(new RawCallNotStarted('the connection closed before the server answered'));
        function done(err?: Error): void {
          clearTimeout(timer);
          session.off('remoteSettings', onSettings).off('error', onError).off('close', onClose);
          if (err) reject(err);
          else resolve();
        }
        session.on('remoteSettings', onSettings).on('error', onError).on('close', onClose);
      });
    } finally {
      this.active--;
      this.hold();
    }
  }

  /** The session keeps the process alive only while calls run on it. */
  private hold(): void {
    if (this.active > 0) this.session?.ref();
    else this.session?.unref();
  }

  /**
   * The response body of a server-streaming call, as it arrives (the
   * buffers that came since the last step, never joined). Throws the
   * call's StrataError (from its trailers) at the end, RawCallNotStarted when
   * no response came at all. Leaving the loop early cancels the call.
   * `onResponse` sees the response headers of a call that did not fail at once.
   */
  async *call(path: string, request: Uint8Array, opts: { deadline?: number; signal?: AbortSignal; onResponse?: (headers: http2.IncomingHttpHeaders) => void } = {}): AsyncGenerator<Buffer[], void, undefined> {
    const session = this.sessionOf();
    const headers: http2.OutgoingHttpHeaders = {
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-accept-encoding': 'identity',
      ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
      ...(opts.deadline !== undefined ? { 'grpc-timeout': grpcTimeout(opts.deadline - Date.now()) } : {}),
    };
    const body = Buffer.allocUnsafe(request.length + 5);
    body[0] = 0;
    body.writeUInt32BE(request.length, 1);
    body.set(request, 5);
    this.active++;
    this.hold();
    let stream: http2.ClientHttp2Stream | undefined;
    const cancel = (): void => void stream?.close(http2.constants.NGHTTP2_CANCEL);
    opts.signal?.addEventListener('abort', cancel, { once: true });
    try {
      try {
        stream = session.request(headers);
      } catch (err) {
        // The session went away between sessionOf() and here (a GOAWAY being handled): nothing was sent.
        throw new RawCallNotStarted(String(err), { cause: err });
      }
      stream.end(body);
      let trailers: http2.IncomingHttpHeaders | undefined;
      stream.once('trailers', (t) => (trailers = t));
      const s = stream;
      const head = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
        s.once('response', resolve);
        s.once('error', (err) => reject(new RawCallNotStarted(String(err), { cause: err })));
        s.once('close', () => reject(new RawCallNotStarted(`stream closed (${s.rstCode}) before a response`)));
      });
      if (opts.signal?.aborted) throw new StrataError('CANCELLED', 'the call was cancelled');
      const status = Number(head[':status']);
      if (status !== 200) throw new StrataError('UNAVAILABLE', `the server answered HTTP ${status} to ${path}`, { status });
      const early = head['grpc-status'] === undefined ? undefined : failureOf(head);
      if (early) throw early;
      opts.onResponse?.(head);
      try {
        yield* bodyOf(stream);
      } catch (err) {
        if (opts.signal?.aborted) throw new StrataError('CANCELLED', 'the call was cancelled');
        throw unavailable(String(err), err);
      }
      if (opts.signal?.aborted) throw new StrataError('CANCELLED', 'the call was cancelled');
      if (head['grpc-status'] !== undefined) return;
      if (!trailers) throw unavailable(`${path} ended without a status`);
      const failure = failureOf(trailers);
      if (failure) throw failure;
    } finally {
      opts.signal?.removeEventListener('abort', cancel);
      if (stream && !stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
      this.active--;
      this.hold();
    }
  }

  close(): void {
    this.session?.close();
    this.session = undefined;
  }
}
