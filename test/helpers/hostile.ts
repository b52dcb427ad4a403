// Hostile input for the real server over gRPC, shared by the e2e test (a few
// hundred cases per surface) and `npm run bench -- reliability` (10,000+).
// Every case is one call with a deadline: it must succeed or fail with a
// Strata error code of a known kind, never INTERNAL/UNKNOWN (a crash in a
// handler), never the deadline (a hang), and the server must stay up.
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { ERROR_CODES } from '../../src/errors/codes.ts';
import { pfsClient, type RawClient } from './server.ts';

/** Statuses that mean the server failed, not the input. */
const BAD_STATUSES = new Set([grpc.status.INTERNAL, grpc.status.UNKNOWN, grpc.status.DEADLINE_EXCEEDED, grpc.status.UNAVAILABLE]);
const CALL_DEADLINE_MS = 20_000;
const CONCURRENCY = 8;

export interface Outcome {
  ok: boolean;
  status: number;
  code: string;
  details: string;
}

export interface SurfaceReport {
  surface: string;
  cases: number;
  accepted: number;
  /** Rejections by Strata error code (or gRPC status name when the server sent none). */
  rejected: Record<string, number>;
  /** Cases the server failed: crash, hang or an error without a clear code. */
  failures: { input: string; outcome: Outcome }[];
}

const STATUS_NAMES = Object.fromEntries(Object.entries(grpc.status).map(([k, v]) => [v, k]));

function outcomeOf(err: grpc.ServiceError | null): Outcome {
  if (!err) return { ok: true, status: 0, code: 'OK', details: '' };
  const code = err.metadata?.get('strata-error-code')[0];
  return { ok: false, status: err.code, code: typeof code === 'string' ? code : STATUS_NAMES[err.code] ?? String(err.code), details: err.details };
}

/** Whether a rejection is a clear one: a known Strata code on a status that blames the input (or says "too much"). */
export function isClearRejection(o: Outcome): boolean {
  if (o.ok) return true;
  if (BAD_STATUSES.has(o.status)) return false;
  // grpc-js's own refusal of an oversized message carries no Strata code, but is clear and expected.
  if (o.status === grpc.status.RESOURCE_EXHAUSTED) return true;
  // An index-format error reaching a client means a layer let bad input through to the encoder.
  if (o.code.startsWith('INDEX_')) return false;
  return o.code in ERROR_CODES;
}

const deadline = (): grpc.CallOptions => ({ deadline: Date.now() + CALL_DEADLINE_MS });

export function unaryOutcome(client: RawClient, method: string, request: object): Promise<Outcome> {
  return new Promise((resolve) => client[method](request, deadline(), (err: grpc.ServiceError | null) => resolve(outcomeOf(err))));
}

export async function streamOutcome(client: RawClient, method: string, request: object, maxMessages = 50): Promise<Outcome> {
  const call = client[method](request, deadline()) as grpc.ClientReadableStream<unknown>;
  return new Promise((resolve) => {
    let n = 0;
    call.on('data', () => {
      if (++n >= maxMessages) call.cancel();
    });
    call.on('error', (err: grpc.ServiceError) => resolve(err.code === grpc.status.CANCELLED && n >= maxMessages ? outcomeOf(null) : outcomeOf(err)));
    call.on('end', () => resolve(outcomeOf(null)));
  });
}

/** Writes `messages` on a ModifyFile stream, then ends it (`end`), cancels it, or leaves it cut mid-way (`cut`: the client vanishes). */
export function modifyOutcome(client: RawClient, messages: object[], ending: 'end' | 'cancel'): Promise<Outcome> {
  return new Promise((resolve) => {
    const call = client.ModifyFile(deadline(), (err: grpc.ServiceError | null) => resolve(outcomeOf(err))) as grpc.ClientWritableStream<object>;
    for (const m of messages) call.write(m);
    if (ending === 'end') call.end();
    else setImmediate(() => call.cancel());
  });
}

// ---- arbitraries: the hostile strings ----

const NASTY = ['..', '.', '//', '\u0000', '\u001f', '\u007f', '\uD800', '\uDFFF', 'é', 'e\u0301', 'ﬁ', 'Å', 'A\u030A', '\u202E', '%2e%2e', '\\', ':', '@', '^', '~', '*', '?', '[', '{', ' '];
const nastyPiece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.nat({ max: 70_000 }).map((n) => 'x'.repeat(n)) },
);
/** Paths: `..`, `//`, NUL, lone surrogates (not UTF-8), normalisation twins, overlong. */
export const hostilePath = fc.array(nastyPiece, { maxLength: 6 }).chain((parts) => fc.constantFrom('/', '', '//').map((lead) => lead + parts.join('/')));
/** Refs: valid-looking shapes with hostile parts. */
export const hostileRef = fc
  .tuple(fc.constantFrom('fz', 'FZ', 'fz-missing', '', 'x'.repeat(64)), fc.constantFrom('', '@main', '@', '@main^', '@main~99999999999', '@main.0', '@' + 'a'.repeat(32), '@main^x', '@1'), fc.option(hostilePath, { nil: undefined }))
  .chain(([repo, rev, path]) => fc.oneof(fc.constant(`${repo}${rev}${path === undefined ? '' : `:${path}`}`), fc.string({ unit: 'binary', maxLength: 40 })));
/** Glob patterns: wildcards piled up (backtracking bait), braces, classes, escapes. */
export const hostileGlob = fc
  .array(fc.oneof(fc.constantFrom('*', '**', '?', '[a-z]', '[!a]', '[', ']', '{a,b}', '{', '}', ',', '\\', '(', '+(a|b)', 'a', '/', '*a', '[[:alpha:]]', '[z-a]'), nastyPiece), { maxLength: 24 })
  .map((parts) => `/${parts.join('')}`);

// ---- surfaces ----

export interface Surface {
  name: string;
  /** Runs `runs` cases against the server at `address`; the repo `fz` exists with a few files. */
  run(address: string, runs: number, seed?: number): Promise<SurfaceReport>;
}

/**
 * Cases per HTTP/2 connection. A case may reset its stream (a cancelled
 * upload sends RST_STREAM), and Node's HTTP/2 server (nghttp2) closes a
 * connection that resets streams faster than its Rapid Reset limit
 * (CVE-2023-44487): a bucket of 1,000 resets refilled at 33 a second, then
 * GOAWAY(INTERNAL_ERROR), which fails every call in flight on it with
 * "Session closed with error code 2". That is a documented DoS protection
 * (docs/api.md, "Limits"; hostile-limits.test.ts tests it as one), not the
 * server failing the input, so the fuzz stays under it: a fresh connection
 * every CASES_PER_CONNECTION cases (at most one reset each) never exhausts
 * the bucket, however fast the cases go.
 */
export const CASES_PER_CONNECTION = 500;

/** Clients on their own connections, a new one every CASES_PER_CONNECTION cases; a retired one closes once its calls are done. */
class ConnectionPool<C extends grpc.Client> {
  private current: C;
  private cases = 0;
  private readonly inFlight = new Map<C, number>();
  private readonly retired = new Set<C>();

  constructor(private readonly connect: () => C) {
    this.current = connect();
  }

  take(): C {
    if (this.cases >= CASES_PER_CONNECTION) {
      this.retire(this.current);
      this.current = this.connect();
      this.cases = 0;
    }
    this.cases++;
    this.inFlight.set(this.current, (this.inFlight.get(this.current) ?? 0) + 1);
    return this.current;
  }

  release(client: C): void {
    const left = (this.inFlight.get(client) ?? 1) - 1;
    this.inFlight.set(client, left);
    if (left === 0 && this.retired.has(client)) this.close(client);
  }

  private retire(client: C): void {
    this.retired.add(client);
    if ((this.inFlight.get(client) ?? 0) === 0) this.close(client);
  }

  private close(client: C): void {
    this.retired.delete(client);
    this.inFlight.delete(client);
    client.close();
  }

  closeAll(): void {
    for (const c of [...this.retired, this.current]) c.close();
  }
}

/** A connection of its own: grpc-js shares one between clients with equal options unless told not to. */
const OWN_CONNECTION = { 'grpc.use_local_subchannel_pool': 1, 'grpc.max_send_message_length': -1 };

/**
 * Runs `runs` generated cases, `CONCURRENCY` at a time (a shared machine
 * makes each call's latency mostly waiting). No shrinking: a failure is
 * reported with its input as generated.
 */
async function fuzz<T, C extends grpc.Client = RawClient>(
  name: string,
  arb: fc.Arbitrary<T>,
  runs: number,
  seed: number | undefined,
  connect: () => C,
  call: (client: C, input: T) => Promise<Outcome>,
): Promise<SurfaceReport> {
  const pool = new ConnectionPool(connect);
  const report: SurfaceReport = { surface: name, cases: 0, accepted: 0, rejected: {}, failures: [] };
  const inputs = fc.sample(arb, { numRuns: runs, seed });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < inputs.length) {
      const input = inputs[next++]!;
      const client = pool.take();
      const outcome = await call(client, input).finally(() => pool.release(client));
      report.cases++;
      if (outcome.ok) report.accepted++;
      else report.rejected[outcome.code] = (report.rejected[outcome.code] ?? 0) + 1;
      if (!isClearRejection(outcome)) report.failures.push({ input: JSON.stringify(input).slice(0, 300), outcome });
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    pool.closeAll();
  }
  return report;
}

export const SURFACES: Surface[] = [
  {
    name: 'paths (InspectFile, GetFile, ModifyFile put/delete)',
    run: (address, runs, seed) =>
      fuzz('paths', fc.tuple(hostilePath, fc.nat(3)), runs, seed, () => pfsClient(address, OWN_CONNECTION), async (client, [path, how]) => {
        if (how === 0) return unaryOutcome(client, 'InspectFile', { file: `fz@main:${path}` });
        if (how === 1) return streamOutcome(client, 'GetFile', { file: `fz@main:${path}` });
        if (how === 2) return modifyOutcome(client, [{ header: { target: 'fz@main' } }, { putFile: { path } }, { data: Buffer.from('x') }, { done: {} }], 'end');
        return modifyOutcome(client, [{ header: { target: 'fz@main' } }, { deleteFile: { path } }, { done: {} }], 'end');
      }),
  },
  {
    name: 'refs (InspectCommit, ListCommit, ListFile, CreateBranch)',
    run: (address, runs, seed) =>
      fuzz('refs', fc.tuple(hostileRef, fc.nat(3)), runs, seed, () => pfsClient(address, OWN_CONNECTION), async (client, [ref, how]) => {
        if (how === 0) return unaryOutcome(client, 'InspectCommit', { commit: ref });
        if (how === 1) return streamOutcome(client, 'ListCommit', { ref, limit: 3 });
        if (how === 2) return streamOutcome(client, 'ListFile', { dir: ref });
        return unaryOutcome(client, 'CreateBranch', { branch: ref, from: 'fz@main' });
      }),
  },
  {
    name: 'globs (GlobFile)',
    run: (address, runs, seed) => fuzz('globs', hostileGlob, runs, seed, () => pfsClient(address, OWN_CONNECTION), (client, pattern) => streamOutcome(client, 'GlobFile', { ref: 'fz@main', pattern })),
  },
  {
    name: 'raw messages (random bytes, wrong wire types, oversized fields)',
    run: (address, runs, seed) => rawFuzz(address, runs, seed),
  },
  {
    name: 'upload streams (truncated, out of order, cancelled)',
    run: (address, runs, seed) =>
      fuzz('streams', fc.tuple(fc.array(modifyMessage, { maxLength: 8 }), fc.constantFrom<'end' | 'cancel'>('end', 'cancel')), runs, seed, () => pfsClient(address, OWN_CONNECTION), (client, [msgs, ending]) =>
        modifyOutcome(client, msgs, ending),
      ),
  },
];

const modifyMessage: fc.Arbitrary<object> = fc.oneof(
  fc.constant({ header: { target: 'fz@main' } }),
  hostileRef.map((target) => ({ header: { target } })),
  fc.record({ putFile: fc.record({ path: fc.constantFrom('/s/a', '/s/b', 'c'), sizeBytes: fc.option(fc.nat(10), { nil: undefined }), append: fc.boolean() }) }),
  fc.uint8Array({ maxLength: 16 }).map((d) => ({ data: Buffer.from(d) })),
  fc.constant({ deleteFile: { path: '/s/a' } }),
  fc.record({ copyFile: fc.record({ src: hostileRef, dstPath: fc.constantFrom('/s/c', '') }) }),
  fc.record({ putChunks: fc.record({ path: fc.constant('/s/d'), chunks: fc.array(fc.record({ hash: fc.string({ unit: fc.constantFrom(...'0123456789abcdefX'), maxLength: 64 }), sizeBytes: fc.integer({ min: -2, max: 10 }) }), { maxLength: 2 }) }) }),
  fc.constant({ done: {} }),
  fc.constant({}),
);

/** Methods and their kind, for sending raw bytes as their request. */
const RAW_METHODS: { path: string; stream: 'unary' | 'server' | 'client' }[] = [
  { path: '/strata.pfs.v1.PfsService/InspectRepo', stream: 'unary' },
  { path: '/strata.pfs.v1.PfsService/CreateBranch', stream: 'unary' },
  { path: '/strata.pfs.v1.PfsService/InspectCommit', stream: 'unary' },
  { path: '/strata.pfs.v1.PfsService/StartCommit', stream: 'unary' },
  { path: '/strata.pfs.v1.PfsService/GetFile', stream: 'server' },
  { path: '/strata.pfs.v1.PfsService/GlobFile', stream: 'server' },
  { path: '/strata.pfs.v1.PfsService/ListCommit', stream: 'server' },
  { path: '/strata.pfs.v1.PfsService/ModifyFile', stream: 'client' },
  { path: '/strata.pfs.v1.PfsService/UploadChunks', stream: 'client' },
  { path: '/strata.pfs.v1.PfsService/MissingChunks', stream: 'unary' },
  // Its responses are encoded by hand (server/grpc/chunks-encoding.ts), its request is not.
  { path: '/strata.pfs.v1.PfsService/GetChunks', stream: 'server' },
];

/** Protobuf-ish bytes: random, or fields with valid tags but wrong wire types and huge lengths. */
const rawBytes = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 4, arbitrary: fc.array(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 7 }), fc.uint8Array({ maxLength: 12 })), { maxLength: 6 }).map((fields) =>
    Buffer.concat(fields.map(([num, wire, body]) => Buffer.concat([Buffer.from([(num << 3) | wire]), Buffer.from(body)]))),
  ) },
  // A field 1 of up to 6 MiB (over the message limit), its length sometimes a lie.
  { weight: 1, arbitrary: fc.nat({ max: 6 << 20 }).map((n) => Buffer.concat([Buffer.from([0x0a]), varint(n), Buffer.alloc(Math.min(n, 5 << 20), 0x61)])) },
);

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function rawFuzz(address: string, runs: number, seed: number | undefined): Promise<SurfaceReport> {
  const id = (b: Buffer): Buffer => b;
  const connect = (): grpc.Client => new grpc.Client(address, grpc.credentials.createInsecure(), OWN_CONNECTION);
  return fuzz('raw', fc.tuple(fc.constantFrom(...RAW_METHODS), fc.array(rawBytes, { minLength: 1, maxLength: 3 })), runs, seed, connect, (client, [m, bodies]) => {
    return new Promise<Outcome>((resolve) => {
      const done = (err: grpc.ServiceError | null): void => resolve(outcomeOf(err));
      if (m.stream === 'unary') client.makeUnaryRequest(m.path, id, id, Buffer.from(bodies[0]!), deadline(), done);
      else if (m.stream === 'client') {
        const call = client.makeClientStreamRequest(m.path, id, id, deadline(), done);
        for (const b of bodies) call.write(Buffer.from(b));
        call.end();
      } else {
        const call = client.makeServerStreamRequest(m.path, id, id, Buffer.from(bodies[0]!), deadline());
        call.on('data', () => undefined);
        call.on('error', done);
        call.on('end', () => done(null));
      }
    });
  });
}
