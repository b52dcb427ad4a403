// Property-based fuzzing (fast-check) of the S3 gateway on the real server
// process, over raw HTTP (test/helpers/hostile-s3.ts says what the requests
// hold). Every request must get, within 10 s, an answer below 500 (or 501
// NotImplemented, S3's own answer for a feature the gateway does not have);
// an error from the gateway must be a well-formed S3 error document (an XML
// 1.0 <Error> with a known <Code> and the request id); the connection may
// close without an answer only when the client itself cut the body.
// Afterwards the server still serves S3 and gRPC, logged no internal error,
// and fsck (with data) is clean.
//
// Cases: STRATA_S3_FUZZ_RUNS (default 300, which CI runs; by hand 10000).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3_ERRORS } from '../../server/s3/errors.ts';
import { buildRequest, s3Plans, type S3FuzzTarget, type S3Plan } from '../helpers/hostile-s3.ts';
import { rawRequest, type RawOutcome } from '../helpers/raw-http.ts';
import { ACCESS_KEY, SECRET, startS3Server, type S3TestServer } from '../helpers/s3.ts';
import { unary } from '../helpers/server.ts';
import { signRequest } from '../helpers/sigv4-sign.ts';

const RUNS = Number(process.env.STRATA_S3_FUZZ_RUNS ?? 300);
const CONCURRENCY = 8;
const TIMEOUT_MS = 10_000;

let server: S3TestServer;
let target: S3FuzzTarget;

/** A correctly signed request with a small body (fixtures, and the health check after). */
async function signed(method: string, path: string, query = '', body = Buffer.alloc(0)): Promise<RawOutcome> {
  const { createHash } = await import('node:crypto');
  const s = signRequest({ method, rawPath: path, rawQuery: query, host: server.s3Address, headers: [], payloadHash: createHash('sha256').update(body).digest('hex'), key: { accessKeyId: ACCESS_KEY, secret: SECRET }, now: Date.now() });
  return rawRequest(server.s3Address, { method, target: `${path}${query ? `?${query}` : ''}`, headers: [...s.headers, ['content-length', String(body.length)]], body }, TIMEOUT_MS);
}

function ok(o: RawOutcome): string {
  if (o.kind !== 'response' || o.status >= 300) throw new Error(`fixture request failed: ${JSON.stringify(o.kind === 'response' ? { status: o.status, body: o.body.toString() } : o)}`);
  return o.body.toString();
}

beforeAll(async () => {
  server = await startS3Server();
  ok(await signed('PUT', '/fzz'));
  for (const key of ['a.txt', 'd/b.txt']) ok(await signed('PUT', `/fzz/${key}`, '', Buffer.from(key)));
  const xml = ok(await signed('POST', '/fzz/up.bin', 'uploads'));
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(xml)![1]!;
  ok(await signed('PUT', '/fzz/up.bin', `partNumber=1&uploadId=${uploadId}`, Buffer.alloc(100, 1)));
  target = { address: server.s3Address, key: { accessKeyId: ACCESS_KEY, secret: SECRET }, uploadKey: 'up.bin', uploadId };
}, 120_000);

afterAll(async () => {
  server?.pfs.close();
  await server?.cleanup();
});

const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false });
/** Characters XML 1.0 forbids anywhere in a document: a client's parser rejects the whole answer. */
const XML_ILLEGAL = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;

/** Why an outcome is not acceptable, or undefined when it is. */
function problem(plan: S3Plan, o: RawOutcome): string | undefined {
  if (o.kind === 'hang') return `no answer within ${TIMEOUT_MS} ms`;
  if (o.kind === 'closed') return plan.cut === undefined ? `connection closed without an answer (${o.error ?? 'no error'})` : undefined;
  const fromGateway = o.headers['x-amz-request-id'] !== undefined;
  if (!fromGateway) {
    // Node's HTTP parser refusing what is not HTTP (400, 413, 414, 431) answers before any route runs.
    return o.status >= 400 && o.status < 500 && o.body.length === 0 ? undefined : `an answer not from the gateway: ${o.status} ${o.body.toString().slice(0, 200)}`;
  }
  if (o.status >= 500 && o.status !== 501) return `status ${o.status}: ${o.body.toString().slice(0, 300)}`;
  if (o.status < 300 || o.status === 304 || plan.method === 'HEAD') return undefined;
  const text = o.body.toString('utf8');
  if (XML_ILLEGAL.test(text)) return `the error document holds characters XML 1.0 forbids: ${JSON.stringify(text.slice(0, 300))}`;
  if (XMLValidator.validate(text) !== true) return `the error document is not well-formed XML: ${text.slice(0, 300)}`;
  const code = (xml.parse(text) as { Error?: { Code?: string; RequestId?: string } }).Error;
  if (!code?.Code || !(code.Code in S3_ERRORS)) return `no known S3 error code: ${text.slice(0, 300)}`;
  if (o.status === 501 && code.Code !== 'NotImplemented') return `501 with ${code.Code}`;
  if (code.RequestId !== o.headers['x-amz-request-id']) return 'the error names another request id';
  return undefined;
}

describe('hostile input over S3: the gateway', () => {
  it(`${RUNS} requests: every answer below 500 and a proper S3 error, none hangs`, async () => {
    const plans = fc.sample(s3Plans(target.uploadKey, target.uploadId), { numRuns: RUNS, seed: Number(process.env.STRATA_FUZZ_SEED ?? Date.now() % 1e9) });
    const statuses: Record<string, number> = {};
    const failures: { plan: string; problem: string }[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < plans.length) {
        const plan = plans[next++]!;
        const outcome = await rawRequest(target.address, buildRequest(plan, target), TIMEOUT_MS);
        const label = outcome.kind === 'response' ? String(outcome.status) : outcome.kind;
        statuses[label] = (statuses[label] ?? 0) + 1;
        const p = problem(plan, outcome);
        if (p) failures.push({ plan: JSON.stringify(plan).slice(0, 600), problem: p });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log(`s3 fuzz: ${RUNS} cases, answers ${JSON.stringify(statuses)}, ${failures.length} failures`);
    if (process.env.STRATA_FUZZ_REPORT) (await import('node:fs')).writeFileSync(process.env.STRATA_FUZZ_REPORT, failures.map((f) => JSON.stringify(f)).join('\n'));
    expect(failures.slice(0, 10), `${failures.length} failures`).toEqual([]);
    expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(RUNS);
  }, 3_600_000);

  it('afterwards: the gateway and gRPC serve, no internal error was logged, fsck is clean', async () => {
    await signed('PUT', '/fzz'); // the fuzz may have emptied and deleted it
    ok(await signed('PUT', '/fzz/after.txt', '', Buffer.from('still here')));
    expect(ok(await signed('GET', '/fzz/after.txt'))).toBe('still here');
    expect((await fetch(`${server.httpUrl}/readyz`)).status).toBe(200);
    expect(server.logs.filter((l) => l.includes('internal error') || l.includes('request failed') || l.includes('"level":50'))).toEqual([]);
    const fsck = await unary(server.pfs, 'Fsck', { verifyData: true });
    expect(fsck.problems).toEqual([]);
  }, 300_000);
});
