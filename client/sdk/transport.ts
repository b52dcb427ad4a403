// The gRPC plumbing under the SDK: the service's methods (services.ts), and
// three call shapes (unary, server stream, client stream) that add what every
// method needs: deadlines, cancellation by AbortSignal, retries with backoff
// for idempotent calls, and every failure turned back into the StrataError
// the server threw (src/errors/wire.ts).
//
// Reads (idempotent unary calls and server streams) go over Node's own
// HTTP/2 client first (raw-stream.ts) where the address allows it; grpc-js
// is loaded, and its channel made, only for the other calls (writes, client
// streams) and when a raw call cannot start (no connection: grpc-js then
// waits out the connect window and reports as before). Loading grpc-js and
// making its channel was ~40 ms of CPU of every one-call command, `strata
// diff` included (docs/benchmarks.md, api).
import type * as grpc from '@grpc/grpc-js';
import { StrataError, isStrataError } from '../../src/errors/index.ts';
import { decodeWireError } from '../../src/errors/wire.ts';
import type { PfsServiceDefinition } from '../../proto/generated/strata/pfs/v1/PfsService.ts';
import { SERVICES, serviceDefinition, type RequestOf, type ResponseOf, type ServiceFile } from './services.ts';
import { GrpcFrameReader } from './grpc-frames.ts';
import { RawCallNotStarted, RawChannel, rawAddress } from './raw-stream.ts';

type Grpc = typeof grpc;

/** See the channel options below. */
const RECEIVE_WINDOW_BYTES = 8 << 20;

/** Per-call options every SDK method accepts. */
export interface CallOptions {
  /** Milliseconds the call may take (all retries included); `0` = no deadline. Default: the client's. */
  deadlineMs?: number;
  /** Cancels the call; it then rejects with CANCELLED. */
  signal?: AbortSignal;
}

export interface TransportOptions {
  address: string;
  /** Default deadline of unary calls. */
  deadlineMs: number;
  /** Retries of idempotent calls on Unavailable (and on a connection the server closed under them). */
  retries: number;
  /** Called before each retry (for logs and metrics). */
  onRetry?: (info: RetryInfo) => void;
  /** First backoff delay; doubles each retry (with jitter), capped at 2 s. */
  backoffMs: number;
  /** Wait this long for a connection before a call (0: fail at once, as gRPC does). */
  connectTimeoutMs: number;
  channelOptions?: grpc.ChannelOptions;
  /** Another service than PfsService (e.g. the PPS client's). */
  service?: ServiceFile;
  /** Sent as `authorization: Bearer <token>` with every call. */
  token?: string;
  /** TLS: verify the server against `ca` (PEM; default the system's roots); `cert` + `key` for mutual TLS. */
  tls?: TlsOptions;
}

/** PEM text or bytes. */
export interface TlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
}

const pem = (v: string | Buffer | undefined): Buffer | null => (v === undefined ? null : Buffer.from(v));

function channelCredentials(grpc: Grpc, tls: TlsOptions | undefined): grpc.ChannelCredentials {
  return tls ? grpc.credentials.createSsl(pem(tls.ca), pem(tls.key), pem(tls.cert)) : grpc.credentials.createInsecure();
}

/** Adds the bearer token to every call's metadata (as metadata, so it also works without TLS on loopback). */
function tokenInterceptor(grpc: Grpc, token: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set('authorization', `Bearer ${token}`);
        next(metadata, listener);
      },
    });
}

type RawCall = grpc.Call & { cancel(): void };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawClient = grpc.Client & Record<string, (...args: any[]) => any>;

/** The grpc-js client class of each service, made on first use. */
const clientClasses = new Map<ServiceFile, grpc.ServiceClientConstructor>();

function clientClass(grpc: Grpc, file: ServiceFile): grpc.ServiceClientConstructor {
  let ctor = clientClasses.get(file);
  if (!ctor) {
    ctor = grpc.makeClientConstructor(serviceDefinition(file), SERVICES[file]);
    clientClasses.set(file, ctor);
  }
  return ctor;
}

/** grpc-js and this transport's client on it, once made. */
interface GrpcSide {
  grpc: Grpc;
  client: RawClient;
}

/** Any failure of a call, as the StrataError it stands for. */
export function toStrataError(err: unknown): StrataError {
  if (isStrataError(err)) return err;
  const e = err as Partial<grpc.ServiceError> | undefined;
  if (e && typeof e.code === 'number') {
    return decodeWireError({ code: e.code, details: e.details ?? e.message ?? '', metadata: e.metadata?.getMap?.() ?? {} });
  }
  return new StrataError('INTERNAL', err instanceof Error ? err.message : String(err), {}, { cause: err });
}

/**
 * The server closed the connection under the call: Node's HTTP/2 server
 * (nghttp2) answers a connection that resets streams faster than its Rapid
 * Reset limit (1,000 at once, then 33 a second; CVE-2023-44487) with
 * GOAWAY(INTERNAL_ERROR), and grpc-js fails every call in flight on it with
 * INTERNAL "... Session closed with error code 2" (no Strata error code: the
 * server never answered the call). grpc-js opens a fresh connection for the
 * next call. Whether the server ran such a call is unknown, so it is retried
 * only where a retry is safe: idempotent calls (reads), never writes.
 */
export function isConnectionClosedByServer(err: StrataError): boolean {
  return err.code === 'INTERNAL' && /Session closed with error code 2\b/.test(err.message);
}

function isRetryable(err: StrataError): boolean {
  return (err.kind === 'Unavailable' && err.code !== 'DEADLINE_EXCEEDED') || isConnectionClosedByServer(err);
}

/** What `onRetry` is told before each retry. */
export interface RetryInfo {
  method: string;
  /** 1 for the first retry. */
  attempt: number;
  /** The failure being retried. */
  error: StrataError;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function cancelledError(): StrataError {
  return new StrataError('CANCELLED', 'the call was cancelled');
}

/** A deadline that passed, as grpc-js reports it (status DEADLINE_EXCEEDED). */
function deadlineExceeded(): StrataError {
  return decodeWireError({ code: 4, details: 'Deadline exceeded', metadata: {} });
}

/** Cancels `call` when `signal` aborts; returns the unhook. */
function linkSignal(call: RawCall, signal: AbortSignal | undefined): () => void {
  if (!signal) return () => undefined;
  const cancel = (): void => call.cancel();
  signal.addEventListener('abort', cancel, { once: true });
  return () => signal.removeEventListener('abort', cancel);
}

/** grpc-js buffers up to 16 messages per stream; 1 MiB data messages make that 16 MiB, so ask for fewer. */
function limitReadBuffer(stream: unknown, messages = 2): void {
  const state = (stream as { _readableState?: { highWaterMark?: number } })._readableState;
  if (state && typeof state.highWaterMark === 'number') state.highWaterMark = messages;
}

/**
 * The same on the sending side: write() asks the caller to wait once this
 * many messages are queued, not 16. Each queued message holds its bytes
 * (1 MiB for chunk and data messages): a shorter queue bounds that memory
 * and lets the buffers of sent messages be reused (chunk-message.ts) instead
 * of 16 fresh ones being in flight. The server's 8 MiB stream window keeps
 * the connection busy meanwhile.
 */
const SEND_QUEUE_MESSAGES = 4;

function limitWriteBuffer(stream: unknown): void {
  const state = (stream as { _writableState?: { highWaterMark?: number } })._writableState;
  if (state && typeof state.highWaterMark === 'number') state.highWaterMark = SEND_QUEUE_MESSAGES;
}

export interface ClientStreamCall<Req = object, Res = unknown> {
  /**
   * Sends one message, waiting while the call's send buffer is full. Rejects
   * once the call failed. `onWritten` runs once grpc-js is done with the
   * message object (it was serialized and framed, or the call failed): only
   * then may the buffers it points into be reused.
   */
  write(message: Req, onWritten?: () => void): Promise<void>;
  /** Half-closes and waits for the response. */
  end(): Promise<Res>;
  /** Cancels the call: the server sees a cut stream. */
  cancel(): void;
  /** Settles with the response or the failure (also when the server fails early). */
  readonly response: Promise<Res>;
  /** Resolves with the server's response headers when it sends them (it accepted the stream's header); rejects if the call fails first. */
  accepted(): Promise<Record<string, string>>;
}

/**
 * Calls to one service. `D` is its generated definition (proto/generated/;
 * PfsService unless `options.service` is another): a method name fixes the
 * request it takes and the response it resolves with.
 */
export class Transport<D = PfsServiceDefinition> {
  private readonly file: ServiceFile;
  private readonly service: grpc.ServiceDefinition;
  /** See rawChannel(); null once it is known not to work here. */
  private raw: RawChannel | null | undefined;
  /** grpc-js and the client, loaded and made on first need (grpcSide()). */
  private grpcLoading: Promise<GrpcSide> | undefined;
  private grpcMade: GrpcSide | undefined;
  private closed = false;

  constructor(readonly options: TransportOptions) {
    this.file = options.service ?? 'pfs';
    this.service = serviceDefinition(this.file);
  }

  /** grpc-js and this transport's client, loaded and made on the first call that needs them. */
  grpcSide(): Promise<GrpcSide> {
    this.grpcLoading ??= import('@grpc/grpc-js').then((grpc) => {
      const Ctor = clientClass(grpc, this.file);
      const { options } = this;
      const client = new Ctor(options.address, channelCredentials(grpc, options.tls), {
        'grpc.max_receive_message_length': 64 << 20,
        'grpc.max_send_message_length': 8 << 20,
        // HTTP/2 window for what the server sends (64 KiB by default): get and
        // GetChunks stream MiBs, and grpc-js refills a stream's window only as
        // messages are taken, so a small one stalls the server between them.
        'grpc-node.flow_control_window': RECEIVE_WINDOW_BYTES,
        ...options.channelOptions,
        ...(options.token ? { interceptors: [tokenInterceptor(grpc, options.token)] } : {}),
      }) as unknown as RawClient;
      if (this.closed) client.close();
      return (this.grpcMade = { grpc, client });
    });
    return this.grpcLoading;
  }

  close(): void {
    this.closed = true;
    this.grpcMade?.client.close();
    this.raw?.close();
  }

  /**
   * Node's own HTTP/2 client to the same server, for bulk reads (see
   * raw-stream.ts), or null where only grpc-js will do: an address it does
   * not resolve, channel options that change how it connects or what it
   * sends (interceptors, a TLS name override), or after a call found it not
   * working here (rawChannelFailed).
   */
  rawChannel(): RawChannel | null {
    if (this.raw === undefined) {
      const custom = Object.keys(this.options.channelOptions ?? {}).some((k) => k === 'interceptors' || k === 'grpc.ssl_target_name_override' || k === 'grpc.default_authority');
      this.raw = custom || !rawAddress(this.options.address) ? null : new RawChannel({ address: this.options.address, token: this.options.token, tls: this.options.tls });
    }
    return this.raw;
  }

  /**
   * Starts connecting the raw channel (reads, MissingChunks) without a call,
   * so a call made soon after finds it connected. A failure here is left to
   * that call, which reports it (or falls back to grpc-js).
   */
  warmReads(): void {
    const raw = this.rawChannel();
    if (!raw || this.options.connectTimeoutMs <= 0) return;
    raw.whenAnswering(Date.now() + this.options.connectTimeoutMs, () => new Error('no answer yet')).catch(() => undefined);
  }

  /** A raw call could not start: every later one goes through grpc-js. */
  rawChannelFailed(): void {
    this.raw?.close();
    this.raw = null;
  }

  /** The HTTP/2 path of a method and its request encoder (for raw calls). */
  methodOf(method: string): { path: string; serialize: (request: object) => Buffer } {
    const def = this.service[method];
    if (!def) throw new StrataError('INTERNAL', `no method ${method} in the service`);
    return { path: def.path, serialize: def.requestSerialize as (request: object) => Buffer };
  }

  /**
   * Waits (bounded) until the channel is connected. Safe before any call,
   * writes included: nothing has been sent yet, so this is not a retry. It
   * lets a command run right after `strata server` starts.
   */
  async ready(deadline?: number, connectUntil?: number): Promise<void> {
    if (this.options.connectTimeoutMs <= 0) return;
    const { grpc, client } = await this.grpcSide();
    if (client.getChannel().getConnectivityState(true) === grpc.connectivityState.READY) return;
    // One connect window per call, not per retry: a server that is down is
    // reported once the documented timeout has passed, not N times later.
    const windowEnd = connectUntil ?? Date.now() + this.options.connectTimeoutMs;
    const until = Math.min(windowEnd, deadline ?? Infinity);
    if (until <= Date.now()) return;
    await new Promise<void>((resolve) => client.waitForReady(until, () => resolve()));
    // A refused or failed connection (TRANSIENT_FAILURE, which grpc-js keeps
    // until a connection works) is left to the call that follows: it fails at
    // once, with the reason. Still CONNECTING when the window ends means no
    // connection was completed: a stopped or hung server (the kernel accepts
    // the TCP connection, nothing answers the HTTP/2 handshake), another
    // service's port, or packets dropped on the way. A call would wait for it
    // until its deadline (30 s for a unary call) or for ever (a stream), so
    // the window's end is the failure. (Under heavy load a refusal may not be
    // seen yet in a very short window; the message then is still true.)
    const state = client.getChannel().getConnectivityState(false);
    if (until === windowEnd && state !== grpc.connectivityState.READY && state !== grpc.connectivityState.TRANSIENT_FAILURE) throw this.noAnswer();
  }

  /** A server that did not answer within the connect window. */
  private noAnswer(): StrataError {
    return new StrataError('UNAVAILABLE', `no answer from the server within ${this.options.connectTimeoutMs} ms (the connect timeout)`, {
      grpcStatus: 'UNAVAILABLE',
      noAnswerMs: this.options.connectTimeoutMs,
    });
  }

  /** When the connect window of a call starting now ends (undefined: no window, fail fast). */
  connectWindowEnd(): number | undefined {
    return this.options.connectTimeoutMs > 0 ? Date.now() + this.options.connectTimeoutMs : undefined;
  }

  private connected(): boolean {
    if (this.raw?.answering()) return true;
    const made = this.grpcMade;
    return made !== undefined && made.client.getChannel().getConnectivityState(false) === made.grpc.connectivityState.READY;
  }

  /**
   * The decoded messages of a read made on the raw channel (a unary call is
   * a stream of one). Throws RawCallNotStarted when no response came (the
   * caller then makes the call with grpc-js); a deadline is kept here as
   * grpc-js keeps it, besides being sent to the server.
   */
  private async *rawRead(raw: RawChannel, method: string, request: object, deadline: number | undefined, connectUntil: number | undefined, signal: AbortSignal | undefined): AsyncGenerator<object, void, undefined> {
    const def = this.service[method];
    if (!def) throw new StrataError('INTERNAL', `no method ${method} in the service`);
    if (connectUntil !== undefined) await raw.whenAnswering(Math.min(connectUntil, deadline ?? Infinity), () => (Date.now() >= connectUntil ? this.noAnswer() : deadlineExceeded()));
    const abort = new AbortController();
    const onAbort = (): void => abort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let expired = false;
    const timer = deadline === undefined ? undefined : setTimeout(() => ((expired = true), abort.abort()), Math.max(0, deadline - Date.now()));
    const frames = new GrpcFrameReader();
    const decode = def.responseDeserialize as (bytes: Buffer) => object;
    try {
      for await (const batch of raw.call(def.path, def.requestSerialize(request) as Buffer, { deadline, signal: abort.signal })) {
        for (const piece of batch) for (const message of frames.push(piece)) yield decode(message);
      }
      if (!frames.complete) throw new StrataError('UNAVAILABLE', `the connection to the server broke during a read: ${method}'s last message was cut short`);
    } catch (err) {
      if (expired) throw deadlineExceeded();
      if (signal?.aborted) throw cancelledError();
      throw err;
    } finally {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private deadlineOf(opts: CallOptions, fallback: number): number | undefined {
    const ms = opts.deadlineMs ?? fallback;
    return ms > 0 ? Date.now() + ms : undefined;
  }

  /** Runs `attempt` with retries on Unavailable while `retry` says it may (idempotent, nothing seen yet). */
  private async withRetries<T>(
    method: string,
    opts: CallOptions,
    deadline: number | undefined,
    connectUntil: number | undefined,
    idempotent: boolean,
    attempt: () => Promise<T>,
    retryable: () => boolean = () => true,
  ): Promise<T> {
    for (let n = 0; ; n++) {
      if (opts.signal?.aborted) throw cancelledError();
      try {
        return await attempt();
      } catch (raw) {
        const err = toStrataError(raw);
        const delay = Math.min(this.options.backoffMs * 2 ** n, 2_000) * (0.5 + Math.random() / 2);
        const neverConnected = connectUntil !== undefined && Date.now() >= connectUntil && !this.connected();
        const canRetry = idempotent && n < this.options.retries && isRetryable(err) && retryable() && !opts.signal?.aborted && !neverConnected;
        if (!canRetry || (deadline !== undefined && Date.now() + delay >= deadline)) throw err;
        this.options.onRetry?.({ method, attempt: n + 1, error: err });
        await sleep(delay, opts.signal);
      }
    }
  }

  /** A unary call. Idempotent calls are retried on Unavailable with exponential backoff. */
  unary<M extends keyof D & string>(method: M, request: RequestOf<D, M>, opts: CallOptions & { idempotent: boolean; defaultDeadlineMs?: number }): Promise<ResponseOf<D, M>> {
    type Res = ResponseOf<D, M>;
    const deadline = this.deadlineOf(opts, opts.defaultDeadlineMs ?? this.options.deadlineMs);
    const connectUntil = this.connectWindowEnd();
    return this.withRetries(method, opts, deadline, connectUntil, opts.idempotent, async () => {
      const raw = opts.idempotent ? this.rawChannel() : null;
      if (raw) {
        try {
          let response: Res | undefined;
          for await (const message of this.rawRead(raw, method, request as object, deadline, connectUntil, opts.signal)) {
            if (response !== undefined) throw new StrataError('INTERNAL', `${method}: the server answered with more than one message`);
            response = message as Res;
          }
          if (response === undefined) throw new StrataError('INTERNAL', `${method}: the server answered with no message`);
          return response;
        } catch (err) {
          if (!(err instanceof RawCallNotStarted)) throw err;
          this.rawChannelFailed(); // grpc-js makes this call, and every later one
        }
      }
      await this.ready(deadline, connectUntil);
      const { grpc, client } = await this.grpcSide();
      return new Promise<Res>((resolve, reject) => {
        const callOpts: grpc.CallOptions = deadline === undefined ? {} : { deadline };
        let unhook = (): void => undefined;
        const call = client[method]!(request, new grpc.Metadata(), callOpts, (err: grpc.ServiceError | null, res: Res) => {
          unhook();
          if (err) reject(toStrataError(err));
          else resolve(res);
        }) as RawCall;
        unhook = linkSignal(call, opts.signal);
      });
    });
  }

  /**
   * A server stream as an async iterator. An idempotent stream is retried
   * on Unavailable only until its first message arrives (after that a
   * retry could repeat or skip messages). Leaving the loop early cancels the call.
   */
  async *serverStream<M extends keyof D & string>(method: M, request: RequestOf<D, M>, opts: CallOptions & { idempotent: boolean }): AsyncGenerator<ResponseOf<D, M>, void, undefined> {
    type Res = ResponseOf<D, M>;
    const deadline = this.deadlineOf(opts, 0);
    let received = 0;
    let call: RawCall | undefined;
    let iterator: AsyncIterator<Res> | undefined;
    let unhook = (): void => undefined;
    const connectUntil = this.connectWindowEnd();
    const open = async (): Promise<IteratorResult<Res>> => {
      const raw = opts.idempotent ? this.rawChannel() : null;
      if (raw) {
        const messages = this.rawRead(raw, method, request as object, deadline, connectUntil, opts.signal) as AsyncGenerator<Res, void, undefined>;
        try {
          const first = await messages.next();
          iterator = messages;
          return first;
        } catch (err) {
          if (!(err instanceof RawCallNotStarted)) throw err;
          this.rawChannelFailed(); // grpc-js makes this call, and every later one
        }
      }
      await this.ready(deadline, connectUntil);
      const { grpc, client } = await this.grpcSide();
      unhook();
      call?.cancel();
      call = client[method]!(request, new grpc.Metadata(), deadline === undefined ? {} : { deadline }) as RawCall;
      limitReadBuffer(call);
      unhook = linkSignal(call, opts.signal);
      iterator = (call as unknown as AsyncIterable<Res>)[Symbol.asyncIterator]();
      return iterator.next();
    };
    try {
      const first = await this.withRetries(method, opts, deadline, connectUntil, opts.idempotent, open, () => received === 0);
      for (let r = first; !r.done; r = await this.nextOf(iterator!, opts)) {
        received++;
        yield r.value;
      }
    } catch (err) {
      throw opts.signal?.aborted ? cancelledError() : toStrataError(err);
    } finally {
      unhook();
      call?.cancel(); // no-op after a clean end; stops the server when the consumer left early
      if (!call) await iterator?.return?.(); // a raw read left early: cancels its stream
    }
  }

  private async nextOf<T>(iterator: AsyncIterator<T>, opts: CallOptions): Promise<IteratorResult<T>> {
    try {
      return await iterator.next();
    } catch (err) {
      throw opts.signal?.aborted ? cancelledError() : toStrataError(err);
    }
  }

  /** A client stream: write messages with backpressure, then end for the response. Never retried. */
  async clientStream<M extends keyof D & string>(method: M, opts: CallOptions = {}): Promise<ClientStreamCall<RequestOf<D, M>, ResponseOf<D, M>>> {
    type Res = ResponseOf<D, M>;
    const { grpc, client } = await this.grpcSide();
    const deadline = this.deadlineOf(opts, 0);
    let failure: StrataError | undefined;
    let unhook = (): void => undefined;
    let call!: grpc.ClientWritableStream<object>;
    const response = new Promise<Res>((resolve, reject) => {
      call = client[method]!(new grpc.Metadata(), deadline === undefined ? {} : { deadline }, (err: grpc.ServiceError | null, res: Res) => {
        unhook();
        if (err) reject((failure = opts.signal?.aborted ? cancelledError() : toStrataError(err)));
        else resolve(res);
      }) as grpc.ClientWritableStream<object>;
    });
    response.catch(() => undefined); // surfaced through write() and end()
    limitWriteBuffer(call);
    unhook = linkSignal(call as unknown as RawCall, opts.signal);
    const failed = response.then(
      () => new StrataError('BAD_STREAM', `${method}: the server answered before the stream ended`),
      (err: StrataError) => err,
    );
    const headers = new Promise<Record<string, string>>((resolve) =>
      call.once('metadata', (metadata: grpc.Metadata) => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(metadata.getMap())) if (typeof v === 'string') out[k] = v;
        resolve(out);
      }),
    );
    return {
      response,
      accepted: () => Promise.race([headers, failed.then((err) => Promise.reject(err))]),
      async write(message, onWritten) {
        if (failure) {
          onWritten?.();
          throw failure;
        }
        if (onWritten ? call.write(message, () => onWritten()) : call.write(message)) return;
        const outcome = await Promise.race([new Promise<'drain'>((r) => call.once('drain', () => r('drain'))), failed]);
        if (outcome !== 'drain') throw outcome;
      },
      async end() {
        if (!failure) call.end();
        return response;
      },
      cancel() {
        (call as unknown as RawCall).cancel();
      },
    };
  }
}
