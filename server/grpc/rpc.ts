// What every gRPC handler shares, in one place: a request id, cancellation
// as an AbortSignal, errors turned into statuses (src/errors/wire.ts),
// metrics and one log line per call. Handlers themselves stay thin: they
// get the decoded request and a context, and return or stream the answer.
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { ANONYMOUS, type Action, type Identity } from '../../src/auth/index.ts';
import { isStrataError } from '../../src/errors/index.ts';
import { GRPC_STATUS_NAMES, encodeWireError, internalWireError, type WireStatus } from '../../src/errors/wire.ts';
import { FAILURE_LEVEL, type Logger } from '../log.ts';
import type { GrpcType, RpcMetrics } from '../metrics.ts';
import { wellFormed } from './malformed.ts';
import type { CallAuth, Guard } from './guard.ts';
import type { UploadHeap } from '../upload-heap.ts';
import type { RepoName } from '../../src/ids.ts';
import { MessageReader, writeMessage } from './streams.ts';
import { framedWriterOf, type FramedWriter } from './framed-writer.ts';
import type { PfsServiceDefinition } from '../../proto/generated/strata/pfs/v1/PfsService.ts';
import type { RequestOf, ResponseOf, UntypedService } from './wire.ts';

export interface CallContext {
  readonly method: string;
  readonly requestId: string;
  /** Aborted when the client cancels the call (or disconnects). */
  readonly signal: AbortSignal;
  /** Aborted when the server starts shutting down. */
  readonly shutdown: AbortSignal;
  countIn(bytes: number): void;
  countOut(bytes: number): void;
  /** Who calls (ANONYMOUS while auth is off). */
  readonly identity: Identity;
  /** A check only the handler can make (a stream's target, a copy's source); throws NOT_AUTHORIZED. */
  authorize(action: Action, repo?: RepoName): Promise<void>;
  /**
   * Sends the response headers now: a client stream's handler says it
   * accepted the stream's header, and the client waits for this before it
   * sends any data, so a refused target costs no upload. Once per call;
   * `headers` go with them.
   */
  accept(headers?: Record<string, string>): void;
}

export interface RpcDeps {
  /** Full name of the service the handlers belong to (a metrics label). */
  service: string;
  log: Logger;
  metrics: RpcMetrics;
  shutdown: AbortSignal;
  /** Auth and audit; without it every caller is ANONYMOUS (unit tests of the wire). */
  guard?: Guard;
  /** Told when a client stream (an upload: ModifyFile, UploadChunks) starts and ends. */
  uploadHeap?: UploadHeap;
}

/** Handler work still running: shutdown waits for it before closing the stores. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  track(work: Promise<unknown>): void {
    const p = work.finally(() => this.running.delete(p));
    this.running.add(p);
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves true once all tracked work has settled, false if `timeoutMs` passes first. */
  async settled(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const all = (async () => {
      while (this.running.size > 0) await Promise.allSettled([...this.running]);
      return true as const;
    })();
    try {
      return await Promise.race([all, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function toServiceError(wire: WireStatus): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(wire.metadata)) metadata.set(k, v);
  return Object.assign(new Error(wire.details), { code: wire.code, details: wire.details, metadata });
}

/**
 * Sends one message of a server stream (waiting while the call's buffer is
 * full); `onWritten` runs once it has left, if it ever does. `framed`, where
 * the call allows it, writes already-framed messages past grpc-js (see
 * framed-writer.ts).
 */
export type StreamSend<T> = ((message: T, onWritten?: (err?: Error | null) => void) => Promise<void>) & { framed?: FramedWriter };

type Call = EventEmitter & { cancelled?: boolean; getPeer(): string; metadata: grpc.Metadata; sendMetadata(responseMetadata: grpc.Metadata): void };

/**
 * The handler wrappers of one service. `D` is its generated definition
 * (e.g. PfsServiceDefinition): a handler is then typed by its method name,
 * taking the request the .proto defines and answering what it allows.
 */
export function createRpc<D = UntypedService>(deps: RpcDeps, inflight: InFlight) {
  const { log, metrics } = deps;

  function begin(method: string, type: GrpcType, call: Call) {
    const done = metrics.startCall({ service: deps.service, method, type });
    const abort = new AbortController();
    if (call.cancelled) abort.abort();
    else call.once('cancelled', () => abort.abort());
    const started = process.hrtime.bigint();
    const requestId = randomBytes(6).toString('hex');
    let bytesIn = 0;
    let bytesOut = 0;
    let callAuth: CallAuth | undefined;
    let accepted = false;
    const ctx: CallContext = {
      method,
      requestId,
      signal: abort.signal,
      shutdown: deps.shutdown,
      countIn(n) {
        bytesIn += n;
        metrics.bytesIn(method, n);
      },
      countOut(n) {
        bytesOut += n;
        metrics.bytesOut(method, n);
      },
      get identity() {
        return callAuth?.identity ?? ANONYMOUS;
      },
      authorize: async (action, repo) => {
        if (deps.guard && callAuth) await deps.guard.authorize(callAuth, action, repo);
      },
      accept(headers = {}) {
        if (accepted || call.cancelled) return;
        accepted = true;
        const metadata = new grpc.Metadata();
        for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
        call.sendMetadata(metadata);
      },
    };
    /** Authenticates, checks, runs the handler, filters its answer and audits: every call goes through here. */
    const guarded = async <T>(req: unknown, run: () => Promise<T>): Promise<T> => {
      const guard = deps.guard;
      if (!guard) return run();
      try {
        callAuth = await guard.identify(method, call.metadata, req);
        await guard.admit(method, callAuth, req);
        const res = (await guard.finish(method, callAuth, req, await run())) as T;
        await guard.audit(method, callAuth, requestId);
        return res;
      } catch (err) {
        await guard.audit(method, callAuth, requestId, err);
        throw err;
      }
    };
    const elapsed = () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      return { fields: { requestId, method, ms: Math.round(seconds * 1e4) / 10, bytesIn, bytesOut, peer: call.getPeer() } };
    };
    const ok = (): void => {
      const { fields } = elapsed();
      done('OK');
      log.debug({ ...fields, status: 'OK' }, 'rpc');
    };
    /** Records a failure and returns the status to send. */
    const fail = (err: unknown): grpc.ServiceError => {
      const { fields } = elapsed();
      const strata = isStrataError(err) ? err : undefined;
      const wire = strata ? encodeWireError(strata) : internalWireError(requestId);
      const code = strata?.code ?? 'INTERNAL';
      const status = abort.signal.aborted ? 'CANCELLED' : (GRPC_STATUS_NAMES[wire.code] ?? String(wire.code));
      done(status, code);
      if (abort.signal.aborted) log.debug({ ...fields, status, code, error: strata?.message }, 'rpc cancelled by the client');
      else if (strata) log[FAILURE_LEVEL[strata.kind]]({ ...fields, status, code, error: strata.message }, 'rpc failed');
      else log.error({ ...fields, status, code, err }, 'rpc failed with an internal error');
      return toServiceError(wire);
    };
    return { ctx, ok, fail, guarded };
  }

  return {
    unary<M extends keyof D & string>(method: M, fn: (req: RequestOf<D, M>, ctx: CallContext) => Promise<ResponseOf<D, M>>): grpc.handleUnaryCall<RequestOf<D, M>, ResponseOf<D, M>> {
      return (call, callback) => {
        const { ctx, ok, fail, guarded } = begin(method, 'unary', call);
        const work = (async () => wellFormed(call.request))().then((req) => guarded(req, () => fn(req, ctx))).then(
          (res) => (ok(), callback(null, res)),
          (err: unknown) => callback(fail(err)),
        );
        inflight.track(work);
      };
    },

    serverStream<M extends keyof D & string>(
      method: M,
      fn: (req: RequestOf<D, M>, send: StreamSend<ResponseOf<D, M>>, ctx: CallContext) => Promise<void>,
    ): grpc.handleServerStreamingCall<RequestOf<D, M>, ResponseOf<D, M>> {
      return (call) => {
        const { ctx, ok, fail, guarded } = begin(method, 'server_stream', call);
        const framed = framedWriterOf(call as grpc.ServerWritableStream<unknown, unknown>);
        const send: StreamSend<ResponseOf<D, M>> = Object.assign((message: ResponseOf<D, M>, onWritten?: (err?: Error | null) => void) => writeMessage(call, message, onWritten), framed ? { framed } : {});
        const work = (async () => wellFormed(call.request))().then((req) => guarded(req, () => fn(req, send, ctx))).then(
          () => (ok(), call.end()),
          (err: unknown) => {
            const status = fail(err);
            // grpc-js turns an 'error' event into the call's final status.
            if (!call.cancelled && !call.destroyed) call.emit('error', status);
          },
        );
        inflight.track(work);
      };
    },

    clientStream<M extends keyof D & string>(
      method: M,
      fn: (input: MessageReader<RequestOf<D, M>>, ctx: CallContext) => Promise<ResponseOf<D, M>>,
    ): grpc.handleClientStreamingCall<RequestOf<D, M>, ResponseOf<D, M>> {
      return (call, callback) => {
        const { ctx, ok, fail, guarded } = begin(method, 'client_stream', call);
        const leave = deps.uploadHeap?.enter();
        const work = guarded(undefined, () => fn(new MessageReader<RequestOf<D, M>>(call), ctx)).then(
          (res) => (leave?.(), ok(), callback(null, res)),
          (err: unknown) => (leave?.(), callback(fail(err))),
        );
        inflight.track(work);
      };
    },
  };
}

export type Rpc<D = UntypedService> = ReturnType<typeof createRpc<D>>;

/** The wrappers of PfsService's handlers, typed from proto/generated/. */
export type PfsRpc = Rpc<PfsServiceDefinition>;
