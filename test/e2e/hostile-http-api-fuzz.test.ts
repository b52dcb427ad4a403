// Property-based fuzzing (fast-check) of the HTTP port beyond the console's
// pages (hostile-http-fuzz.test.ts has those): the probes and /metrics, and
// the console's forms and login (POST /login, /logout, /repos,
// /repos/R/branches, the delete forms), on the real server process with auth
// on, over raw HTTP: hostile methods and request targets, Authorization
// headers and cookies (valid, garbage, oversized, twice), content types,
// form and JSON bodies with hostile fields (a `next` with CR LF, `//host`,
// `/\host`; repo and branch names with .., NUL, overlong, non-UTF-8), bodies
// over the size limit and bodies cut off by a client that vanishes. Every
// request gets an answer below 500 within 10 s (or, only when the client cut
// its own body, a closed connection); afterwards the server serves, logged
// no internal error, and fsck is clean.
//
// Cases: STRATA_HTTP_FUZZ_RUNS (default 300, which CI runs; by hand 10000).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClient, createClient } from '../../client/sdk/index.ts';
import { rawRequest, type RawOutcome, type RawRequest } from '../helpers/raw-http.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const RUNS = Number(process.env.STRATA_HTTP_FUZZ_RUNS ?? 300);
const CONCURRENCY = 8;
const TIMEOUT_MS = 10_000;

let server: TestServer;
let address: string;
let rootToken: string;
let readerToken: string;

beforeAll(async () => {
  server = await startServer();
  address = server.httpUrl.replace(/^https?:\/\//, '');
  const auth = createAuthClient({ address: server.grpcAddress });
  rootToken = (await auth.activate()).rootToken;
  auth.close();
  const root = createClient({ address: server.grpcAddress, token: rootToken });
  const rootAuth = createAuthClient({ address: server.grpcAddress, token: rootToken });
  await root.createRepo('fz');
  await root.put('fz@main:/a.txt', Buffer.from('a'));
  readerToken = (await rootAuth.createToken('robot:reader')).token;
  await rootAuth.setRole('fz', 'reader', 'robot:reader');
  root.close();
  rootAuth.close();
}, 120_000);

afterAll(async () => {
  await server?.cleanup();
});

interface Plan {
  method: string;
  target: string;
  auth: 'none' | 'root' | 'reader' | 'garbage' | 'bare' | 'basic' | 'huge' | 'twice';
  cookie: 'none' | 'root' | 'reader' | 'garbage' | 'unterminated' | 'latin1' | 'twice';
  contentType?: string;
  body: string;
  cut?: number;
}

const enc = encodeURIComponent;
const hostile = fc.oneof(
  fc.constantFrom('', '..', '.', 'fz', 'main', 'nope', '\u0000', 'x'.repeat(3000), '\ud800', 'e\u0301', '\u00e9', '/\r\nSet-Cookie: x=1', '//evil.example', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)', '/repos/fz', '1', 'fz@main', 'main^', '%00', '%ff', '%'),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const route = fc.constantFrom('/healthz', '/readyz', '/metrics', '/login', '/logout', '/repos', '/repos/fz/branches', '/repos/fz/delete', '/repos/fz/branches/main/delete', '/repos/nope/branches', '/-/assets/console.css', '/');
const target = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(route, fc.array(fc.tuple(fc.constantFrom('next', 'x', 'name', 'token'), hostile), { maxLength: 3 })).map(([r, q]) => (q.length ? `${r}?${q.map(([k, v]) => `${k}=${enc(v.replace(/\p{Surrogate}/gu, 'x'))}`).join('&')}` : r)) },
  { weight: 2, arbitrary: fc.constantFrom('/metrics/', '/metrics%00', '//metrics', '/METRICS', '/metrics;x', '/%2e%2e/metrics', '/metrics/..', '/healthz/../metrics', '*', 'http://evil.example/metrics', '/repos/%ff/branches', '/repos/%00/delete', `/repos/${'x'.repeat(5000)}/branches`, '/repos/fz/branches/%2e%2e/delete', '/login?next=%0d%0aX:1', '/\xff\xfe', '/login#frag') },
  { weight: 1, arbitrary: fc.array(hostile.map((s) => enc(s.replace(/\p{Surrogate}/gu, 'x'))), { maxLength: 4 }).map((p) => `/${p.join('/')}`) },
);
const form = fc.array(fc.tuple(fc.constantFrom('token', 'next', 'name', 'from', 'confirm', 'force', 'description', 'token[]', '__proto__', 'constructor'), hostile), { maxLength: 4 });
const plan: fc.Arbitrary<Plan> = fc.record(
  {
    method: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('GET', 'POST') }, { weight: 1, arbitrary: fc.constantFrom('HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'get', 'BREW') }),
    target,
    auth: fc.constantFrom('none', 'root', 'reader', 'garbage', 'bare', 'basic', 'huge', 'twice'),
    cookie: fc.constantFrom('none', 'none', 'root', 'reader', 'garbage', 'unterminated', 'latin1', 'twice'),
    contentType: fc.option(fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'multipart/form-data; boundary=x', 'text/plain', 'garbage/garbage; charset=nope', 'application/x-www-form-urlencoded; charset=latin1', ''), { nil: undefined }),
    body: fc.oneof(
      form.map((f) => f.map(([k, v]) => `${k}=${enc(v.replace(/\p{Surrogate}/gu, 'x'))}`).join('&')),
      form.map((f) => JSON.stringify(Object.fromEntries(f))),
      fc.constantFrom('', '%', '=&=&', 'token=%ff', 'a'.repeat(1_100_000), '{"token":', 'next=/%0d%0aSet-Cookie:x&token=x', '--x\r\nContent-Disposition: form-data; name="token"\r\n\r\nx\r\n--x--'),
      fc.string({ unit: 'binary', maxLength: 100 }),
    ),
    cut: fc.option(fc.nat(2000), { nil: undefined, freq: 8 }),
  },
  { requiredKeys: ['method', 'target', 'auth', 'cookie', 'body'] },
);

function request(p: Plan): RawRequest {
  const headers: [string, string][] = [];
  const bearer = { root: rootToken, reader: readerToken } as Record<string, string>;
  if (p.auth === 'root' || p.auth === 'reader') headers.push(['authorization', `Bearer ${bearer[p.auth]}`]);
  if (p.auth === 'garbage') headers.push(['authorization', 'Bearer strata_garbage']);
  if (p.auth === 'bare') headers.push(['authorization', 'Bearer']);
  if (p.auth === 'basic') headers.push(['authorization', 'Basic dXNlcjpwYXNz']);
  if (p.auth === 'huge') headers.push(['authorization', `Bearer ${'x'.repeat(12_000)}`]);
  if (p.auth === 'twice') headers.push(['authorization', `Bearer ${rootToken}`], ['authorization', 'Bearer strata_other']);
  if (p.cookie === 'root' || p.cookie === 'reader') headers.push(['cookie', `strata_session=${bearer[p.cookie]}`]);
  if (p.cookie === 'garbage') headers.push(['cookie', 'strata_session=strata_garbage; x=y']);
  if (p.cookie === 'unterminated') headers.push(['cookie', 'strata_session="abc; =;;=']);
  if (p.cookie === 'latin1') headers.push(['cookie', 'strata_session=\xe9\xff']);
  if (p.cookie === 'twice') headers.push(['cookie', `strata_session=${rootToken}`], ['cookie', 'strata_session=x']);
  if (p.contentType !== undefined) headers.push(['content-type', p.contentType]);
  const body = Buffer.from(p.body, 'utf8');
  headers.push(['content-length', String(body.length)]);
  return { method: p.method, target: p.target, headers, body, cutBodyAt: p.cut === undefined ? undefined : Math.min(p.cut, Math.max(0, body.length - 1)) };
}

function problem(p: Plan, o: RawOutcome): string | undefined {
  if (o.kind === 'hang') return `no answer within ${TIMEOUT_MS} ms`;
  if (o.kind === 'closed') {
    if (p.cut !== undefined) return undefined;
    // A route that needs no body (GET /login) answers and closes without reading a 1 MB one,
    // as Node's HTTP server does; the reset of the unread bytes can then reach us before the
    // answer does, so we see our write fail. Only for bodies far past a socket buffer.
    if (Buffer.byteLength(p.body) > 256 << 10 && (o.error === 'EPIPE' || o.error === 'ECONNRESET')) return undefined;
    return `connection closed without an answer (${o.error ?? 'no error'})`;
  }
  if (o.status >= 500) return `status ${o.status}: ${o.body.toString().slice(0, 300)}`;
  return undefined;
}

describe('hostile input over HTTP: probes, /metrics, console forms and login (auth on)', () => {
  it(`${RUNS} requests: every answer below 500, none hangs`, async () => {
    const plans = fc.sample(plan, { numRuns: RUNS, seed: Number(process.env.STRATA_FUZZ_SEED ?? Date.now() % 1e9) });
    const statuses: Record<string, number> = {};
    const failures: { plan: string; problem: string }[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < plans.length) {
        const p = plans[next++]!;
        const outcome = await rawRequest(address, request(p), TIMEOUT_MS);
        const label = outcome.kind === 'response' ? String(outcome.status) : outcome.kind;
        statuses[label] = (statuses[label] ?? 0) + 1;
        const why = problem(p, outcome);
        if (why) failures.push({ plan: JSON.stringify({ ...p, body: p.body.slice(0, 200) }), problem: why });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log(`http api fuzz: ${RUNS} cases, answers ${JSON.stringify(statuses)}, ${failures.length} failures`);
    if (process.env.STRATA_FUZZ_REPORT) (await import('node:fs')).writeFileSync(process.env.STRATA_FUZZ_REPORT, failures.map((f) => JSON.stringify(f)).join('\n'));
    expect(failures.slice(0, 10), `${failures.length} failures`).toEqual([]);
    expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(RUNS);
  }, 3_600_000);

  it('afterwards: the probes and /metrics answer, no internal error was logged, fsck is clean', async () => {
    expect((await fetch(`${server.httpUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${server.httpUrl}/metrics`, { headers: { authorization: `Bearer ${rootToken}` } })).status).toBe(200);
    expect(server.logs.filter((l) => l.includes('internal error') || l.includes('"level":50'))).toEqual([]);
    const root = createClient({ address: server.grpcAddress, token: rootToken });
    try {
      expect((await root.fsck({ verifyData: true })).problems).toEqual([]);
    } finally {
      root.close();
    }
  }, 300_000);
});
