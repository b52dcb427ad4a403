// The real server process for end-to-end tests, started as a user starts it
// (`strata server ...` on free ports: bin/strata.js running the build in
// dist/, which test/global-setup.ts makes fresh before the tests), plus a raw gRPC
// client built from proto/ with @grpc/proto-loader (not the SDK), so the
// tests see exactly what any other language's client sees.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { decodeWireError } from '../../src/errors/wire.ts';
import type { StrataError } from '../../src/errors/index.ts';
import { createTempDir, type TempDir } from './tmp.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 90_000;

export interface TestServer {
  /** host:port of gRPC. */
  grpcAddress: string;
  /** http://host:port of the HTTP side. */
  httpUrl: string;
  /** http://host:port of the S3 gateway. */
  s3Url: string;
  dataDir: string;
  /** The pid the server printed in its ready line. */
  pid: number;
  child: ChildProcess;
  /** Every line the process printed so far (stdout and stderr). */
  logs: string[];
  /** SIGTERM (unless already sent with child.kill), then wait for exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the server if running and removes a data directory the helper made. */
  cleanup(): Promise<void>;
}

/** `root`: another install of Strata to run (its bin/strata.js), e.g. one without optional dependencies. `tls`: the server runs with --tls-cert (the tests pass the flags): its HTTP side is https, which the test checks itself. */
/** `nodeArgs`: flags for node itself, before the script (e.g. --cpu-prof, which NODE_OPTIONS refuses). */
export async function startServer(opts: { dataDir?: string; args?: string[]; env?: NodeJS.ProcessEnv; root?: string; tls?: boolean; nodeArgs?: string[] } = {}): Promise<TestServer> {
  let tmp: TempDir | undefined;
  const dataDir = opts.dataDir ?? (tmp = await createTempDir('strata-server')).path;
  const args = [...(opts.nodeArgs ?? []), 'bin/strata.js', 'server', '--data', dataDir, '--grpc', '127.0.0.1:0', '--http', '127.0.0.1:0', '--s3', '127.0.0.1:0', ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, { cwd: opts.root ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  createInterface({ input: child.stderr! }).on('line', (l) => logs.push(l));
  const ready = new Promise<{ grpc: string; http: string; s3: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready after ${READY_TIMEOUT_MS} ms:\n${logs.join('\n')}`)), READY_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      const rec = parseJson(line);
      if (rec?.msg === 'strata server ready') (clearTimeout(timer), resolve({ grpc: String(rec.grpc), http: String(rec.http), s3: String(rec.s3), pid: Number(rec.pid) }));
    });
    void exited.then(({ code, signal }) => (clearTimeout(timer), reject(new Error(`server exited (${code ?? signal}) before ready:\n${logs.join('\n')}`))));
  });
  const { grpc: grpcAddress, http, s3, pid } = await ready;
  const httpUrl = `${opts.tls ? 'https' : 'http'}://${http}`;
  if (!opts.tls) await waitForReady(httpUrl);
  let stopping: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  const stop = (timeoutMs = 20_000) =>
    (stopping ??= (async () => {
      // One SIGTERM only: a test may have sent it already, and a second one means "exit now".
      if (!child.killed && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    })());
  return {
    grpcAddress,
    httpUrl,
    s3Url: `${opts.tls ? 'https' : 'http'}://${s3}`,
    dataDir,
    pid,
    child,
    logs,
    stop,
    async cleanup() {
      await stop();
      await tmp?.remove();
    },
  };
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function waitForReady(httpUrl: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const res = await fetch(`${httpUrl}/readyz`).catch(() => undefined);
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${httpUrl}/readyz never answered 200`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---- a raw gRPC client from proto/ ----

const LOADER = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [`${ROOT}proto`] };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RawClient = grpc.Client & Record<string, any>;

/** `ca`: speak TLS, trusting this PEM CA. */
export function pfsClient(address: string, options: grpc.ClientOptions = {}, ca?: Buffer): RawClient {
  const def = protoLoader.loadSync('strata/pfs/v1/pfs.proto', LOADER);
  const Service = grpc.loadPackageDefinition(def).strata as unknown as { pfs: { v1: { PfsService: grpc.ServiceClientConstructor } } };
  return new Service.pfs.v1.PfsService(address, ca ? grpc.credentials.createSsl(ca) : grpc.credentials.createInsecure(), options) as RawClient;
}

/** The decoded error of a failed call, with the raw status beside it. */
export type CallError = StrataError & { status: grpc.StatusObject };

function asCallError(err: grpc.ServiceError): CallError {
  const e = decodeWireError({ code: err.code, details: err.details, metadata: err.metadata?.getMap() ?? {} }) as CallError;
  Object.defineProperty(e, 'status', { value: { code: err.code, details: err.details, metadata: err.metadata } });
  return e;
}

/** A unary call as a promise; failures reject with the decoded StrataError. */
export function unary<T = any>(client: RawClient, method: string, request: object): Promise<T> {
  return new Promise((resolve, reject) => {
    client[method](request, (err: grpc.ServiceError | null, res: T) => (err ? reject(asCallError(err)) : resolve(res)));
  });
}

/** Every message of a server stream; a failure rejects with the decoded StrataError. */
export async function serverStream<T = any>(client: RawClient, method: string, request: object): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const msg of client[method](request) as AsyncIterable<T>) out.push(msg);
  } catch (err) {
    throw 'code' in (err as object) ? asCallError(err as grpc.ServiceError) : err;
  }
  return out;
}

/** The `data` fields of a server stream, concatenated. */
export async function streamBytes(client: RawClient, method: string, request: object): Promise<Buffer> {
  const msgs = await serverStream<{ data: Buffer }>(client, method, request);
  return Buffer.concat(msgs.map((m) => m.data));
}

/** Sends the messages on a client stream and resolves with the response (or rejects with the decoded error). */
export function clientStream<T = any>(client: RawClient, method: string, messages: Iterable<object> | AsyncIterable<object>): Promise<T> {
  let settled = false;
  let call!: grpc.ClientWritableStream<object>;
  const response = new Promise<T>((resolve, reject) => {
    call = client[method]((err: grpc.ServiceError | null, res: T) => {
      settled = true;
      if (err) reject(asCallError(err));
      else resolve(res);
    });
  });
  void (async () => {
    for await (const m of messages) {
      if (settled) return; // the server answered early (an error): stop sending
      if (!call.write(m)) await Promise.race([new Promise((r) => call.once('drain', r)), response.catch(() => undefined)]);
    }
    if (!settled) call.end();
  })();
  return response;
}

/** A ModifyFile of these operations, with the header first and `done` last as the protocol wants. */
export function modify<T = any>(client: RawClient, messages: Iterable<object>): Promise<T> {
  return clientStream<T>(client, 'ModifyFile', [...messages, { done: {} }]);
}

export function closeClient(client: grpc.Client): void {
  client.close();
}
