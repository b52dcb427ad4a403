// What the S3 fuzz (test/e2e/hostile-s3-fuzz.test.ts) found, one regression
// test each, over raw HTTP to the gateway on a real port (LevelDB, local
// chunks; no keys configured, so requests need no signature). Every error
// must be S3's XML with a known code and the request id, whatever stage
// refused the request, and legal XML 1.0; a client that vanishes mid-body
// is its own failure, not a gateway one.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3_ERRORS } from '../../server/s3/errors.ts';
import { staticKeys } from '../../server/s3/keys.ts';
import { createS3App } from '../../server/s3/plugin.ts';
import { createTestPfs, type TestPfs } from '../helpers/pfs.ts';
import { rawRequest, type RawOutcome, type RawRequest } from '../helpers/raw-http.ts';

let t: TestPfs & { remove(): Promise<void> };
let app: FastifyInstance;
let address: string;
const warnings: string[] = [];
/** Status of every answer the gateway sent (or tried to send, to a client already gone), by URL. */
const answered = new Map<string, number[]>();

beforeAll(async () => {
  t = await createTestPfs();
  app = createS3App({ pfs: t.pfs, keys: staticKeys([]), log: { warn: (_o, msg) => warnings.push(msg ?? ''), info: () => undefined } });
  app.addHook('onSend', async (req, reply) => {
    answered.set(req.url, [...(answered.get(req.url) ?? []), reply.statusCode]);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  address = `127.0.0.1:${(app.server.address() as { port: number }).port}`;
  expect((await send({ method: 'PUT', target: '/fzz', headers: [['content-length', '0']] }) as { status: number }).status).toBe(200);
});

afterAll(async () => {
  await app?.close();
  await t?.remove();
});

const send = (req: RawRequest): Promise<RawOutcome> => rawRequest(address, req, 10_000);

/** The S3 error an answer carries; fails the test unless it is a proper one. */
function s3Error(o: RawOutcome, status: number): { Code: string; Message: string } {
  expect(o.kind).toBe('response');
  if (o.kind !== 'response') throw new Error('no response');
  expect(o.status).toBe(status);
  expect(o.headers['content-type']).toBe('application/xml');
  const text = o.body.toString('utf8');
  expect(text).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
  expect(XMLValidator.validate(text)).toBe(true);
  const err = (new XMLParser({ parseTagValue: false }).parse(text) as { Error: { Code: string; Message: string; RequestId: string } }).Error;
  expect(Object.keys(S3_ERRORS)).toContain(err.Code);
  expect(err.RequestId).toBe(o.headers['x-amz-request-id']);
  return err;
}

describe('the gateway answers hostile requests as S3 does', () => {
  it('an error quoting a NUL (or another character XML forbids) is still legal XML', async () => {
    const err = s3Error(await send({ method: 'GET', target: '/fzz/a%00b%01', headers: [] }), 400);
    expect(err.Code).toBe('InvalidArgument');
    expect(err.Message).toContain('\\u0000');
    expect(s3Error(await send({ method: 'GET', target: '/%00', headers: [] }), 400).Code).toBe('InvalidBucketName');
  });

  it('bytes that are not HTTP/1.1 get S3 XML, not fastify JSON', async () => {
    expect(s3Error(await send({ method: 'GET', target: '/fzz/a\tb', headers: [] }), 400).Code).toBe('InvalidRequest');
    expect(s3Error(await send({ method: 'GET', target: '/fzz/a', headers: [['x-big', 'x'.repeat(20_000)]] }), 400).Code).toBe('RequestHeaderSectionTooLarge');
  });

  it('a URL the router cannot decode, a bad Content-Type and an unknown method get S3 XML', async () => {
    expect(s3Error(await send({ method: 'GET', target: '/fzz/%P3', headers: [] }), 400).Code).toBe('InvalidURI');
    expect(s3Error(await send({ method: 'PUT', target: '/fzz/x', headers: [['content-type', ',#{?'], ['content-length', '1']], body: Buffer.from('x') }), 400).Code).toBe('InvalidArgument');
    expect(s3Error(await send({ method: 'PATCH', target: '/fzz/x', headers: [] }), 405).Code).toBe('MethodNotAllowed');
    expect(s3Error(await send({ method: 'TRACE', target: '/', headers: [] }), 405).Code).toBe('MethodNotAllowed');
  });

  it('a client that goes away mid-body is not a gateway failure, and nothing is written', async () => {
    const body = Buffer.alloc(100_000, 1);
    const cut = await send({ method: 'PUT', target: '/fzz/cut.bin', headers: [['content-length', String(body.length)]], body, cutBodyAt: 30_000 });
    expect(['closed', 'response']).toContain(cut.kind);
    if (cut.kind === 'response') expect(cut.status).toBeLessThan(500);
    // The gateway notices the cut after we do: wait for its answer to the PUT (sent to no one).
    while (!answered.has('/fzz/cut.bin')) await new Promise((r) => setTimeout(r, 10));
    expect(answered.get('/fzz/cut.bin')).toEqual([400]); // IncompleteBody; it was 500 InternalError
    expect(warnings.filter((w) => w.includes('request failed'))).toEqual([]);
    expect(s3Error(await send({ method: 'GET', target: '/fzz/cut.bin', headers: [] }), 404).Code).toBe('NoSuchKey');
  });
});
