// Hostile requests for the S3 gateway, as fast-check arbitraries of a plain
// "plan" (printable when a case fails) that `buildRequest` turns into raw
// HTTP bytes at send time (signatures need the current time): hostile
// bucket names and keys (.., NUL, overlong, non-UTF-8, twins), odd query
// strings, hostile headers, malformed SigV4 (header and presigned forms),
// aws-chunked bodies cut or corrupted at every point, hostile XML bodies for
// DeleteObjects and CompleteMultipartUpload, and bodies cut off mid-way by
// a client that vanishes. Most requests are signed correctly, so the
// hostile parts reach the handlers rather than stopping at authentication.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { RawRequest } from './raw-http.ts';
import { amzDateOf, signedChunkedBody, signRequest, type SigningKey } from './sigv4-sign.ts';

export interface S3Plan {
  method: string;
  bucket: string;
  /** Undefined: a bucket-level request. */
  key?: string;
  query: string;
  headers: [string, string][];
  body: Body;
  auth: Auth;
  /** Send only this many body bytes, then half-close. */
  cut?: number;
}

type Body =
  | { kind: 'none' }
  | { kind: 'bytes'; size: number; hashed: boolean }
  | { kind: 'xml'; text: string }
  | { kind: 'chunked'; sizes: number[]; damage: 'none' | 'truncate' | 'bad-size' | 'no-crlf' | 'bad-signature' | 'length-lie' | 'bad-trailer'; at: number };

type Auth = 'good' | 'none' | 'garbage' | 'v2' | 'no-signature' | 'bad-credential' | 'bad-date' | 'skewed' | 'wrong-signature' | 'unknown-key' | 'twice' | 'unsigned-header' | 'no-content-sha' | 'presigned-garbage';

/** The upload a fuzz run may complete or abort (made before the run). */
export interface S3FuzzTarget {
  address: string;
  key: SigningKey;
  uploadKey: string;
  uploadId: string;
}

const enc = (s: string): string => encodeURIComponent(s);

/** Path segments as written on the wire: some percent-encoded, some raw and hostile. */
const rawSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('..', '.', '', '%2e%2e', '%00', '%2F', 'a%2Fb', '%ff', '%C3%28', '%ED%A0%80', '\x80\xff', 'x'.repeat(1100), 'x'.repeat(5000), '%20', '\t', '~', 'e%CC%81', '%C3%A9', '%EF%AC%81', '%E2%80%AE', '%5C', '*', '%3F', '%23', 'a.txt', 'd', 'up.bin') },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }).map(enc) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }).map((s) => enc(s.replace(/\p{Surrogate}/gu, 'x'))) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9._~%-]{0,24}$/) },
);

const bucketName = fc.oneof(
  { weight: 4, arbitrary: fc.constant('fzz') },
  { weight: 3, arbitrary: fc.constantFrom('main.fzz', 'dev.fzz', 'FZ', 'nope', '', '..', 'fzz..x', '.fzz', 'fzz.', 'a.b.c.d', `${'ab'.repeat(16)}.fzz`, `${'ab'.repeat(16)}.main.fzz`, 'x'.repeat(300), '%00', '%ff', 'f%7Azz', 'fzz%2Fx', 'xn--fzz', '192.168.0.1') },
  { weight: 2, arbitrary: rawSegment },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9-]{1,20}$/) },
);

const objectKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a.txt', 'd/b.txt', 'up.bin', 'nope.txt', 'd/') },
  { weight: 4, arbitrary: fc.array(rawSegment, { minLength: 1, maxLength: 5 }).map((p) => p.join('/')) },
);

const hostileValue = fc.oneof(
  fc.constantFrom('', '-1', '0', '1', '1000', '10001', '99999999999999999999', '1e3', ' 1', 'abc', '%ff', '%00', '%0D%0ASet-Cookie:%20x=1', 'null', 'true', 'a'.repeat(3000), enc('\u0100'), enc('ü'), 'AAAA', `${'ab'.repeat(16)}`),
  rawSegment,
);
const queryParam = fc.oneof(
  fc.constantFrom('uploads', 'delete', 'versions', 'versioning', 'location', 'attributes', 'list-type=2', 'acl', 'tagging', 'x-id=GetObject', '=', '&&', '%', '%zz', 'a=%ff', 'encoding-type=url', 'encoding-type=xml'),
  fc
    .tuple(
      fc.constantFrom('uploadId', 'partNumber', 'max-keys', 'prefix', 'delimiter', 'marker', 'continuation-token', 'start-after', 'versionId', 'key-marker', 'version-id-marker', 'upload-id-marker', 'max-uploads', 'part-number-marker', 'max-parts', 'response-content-type', 'response-content-disposition', 'response-cache-control', 'response-expires', 'response-content-encoding', 'list-type', 'fetch-owner', 'X-Amz-Algorithm'),
      hostileValue,
    )
    .map(([k, v]) => `${k}=${v}`),
);
const query = fc.array(queryParam, { maxLength: 4 }).map((q) => q.join('&'));

const headerValue = fc.oneof(
  fc.constantFrom('', '*', 'bytes=0-0', 'bytes=-1', 'bytes=5-1', 'bytes=abc', 'bytes=0-1,2-3', 'bytes=99999999999999999999-', 'fzz/a.txt', '/fzz/a.txt', '/fzz/..%2F..%2Fx', '/nope/x', 'fzz/a.txt?versionId=zzz', '%ff', 'COPY', 'REPLACE', 'ETag,Checksum,ObjectParts', 'garbage', '"x"', 'W/"x"', 'Wed, 21 Oct 2015 07:28:00 GMT', 'not a date', 'AAAAAAAAAAAAAAAAAAAAAA==', 'AAAA', 'CRC32', 'SHA256', 'CRC64NVME', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x'.repeat(9000), '\xe9\xff', 'a\tb', '1', '-5', '100-continue'),
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
);
const headerName = fc.constantFrom('range', 'x-amz-copy-source', 'x-amz-copy-source-range', 'content-md5', 'x-amz-checksum-crc32', 'x-amz-checksum-sha256', 'x-amz-checksum-crc64nvme', 'x-amz-checksum-algorithm', 'x-amz-sdk-checksum-algorithm', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'x-amz-meta-a', 'x-amz-meta-\xe9', 'x-amz-metadata-directive', 'x-amz-object-attributes', 'x-amz-max-parts', 'x-amz-part-number-marker', 'content-type', 'x-amz-tagging', 'x-amz-storage-class', 'expect', 'x-amz-copy-source-if-match', 'x-amz-decoded-content-length', 'x-amz-trailer', 'content-encoding');
const headers = fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 });

/** XML that a Delete or CompleteMultipartUpload may carry, well-formed or not. */
function xmlBodies(uploadKey: string): fc.Arbitrary<string> {
  const key = fc.oneof(fc.constantFrom('a.txt', 'nope', '..', '', '&#0;', '&#xD800;', 'x'.repeat(2000), '<x/>', 'd/', uploadKey), fc.string({ maxLength: 20 }).map((s) => s.replace(/[<&]/g, '')));
  const objects = fc.array(key, { maxLength: 4 }).map((ks) => ks.map((k) => `<Object><Key>${k}</Key></Object>`).join(''));
  const part = fc.tuple(fc.constantFrom('1', '2', '0', '-1', '10001', '1e400', 'x', '', '1.5', '99999999999999999999'), fc.constantFrom('"abc"', 'abc', '', '<x/>', '"ab'.repeat(50))).map(([n, e]) => `<Part><PartNumber>${n}</PartNumber><ETag>${e}</ETag></Part>`);
  const laughs = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "${'a'.repeat(100)}"><!ENTITY b "${'&a;'.repeat(100)}"><!ENTITY c "${'&b;'.repeat(100)}">]>`;
  return fc.oneof(
    objects.map((o) => `<Delete>${o}</Delete>`),
    objects.map((o) => `<Delete><Quiet>true</Quiet>${o}</Delete>`),
    fc.array(part, { maxLength: 4 }).map((p) => `<CompleteMultipartUpload>${p.join('')}</CompleteMultipartUpload>`),
    fc.constantFrom(
      '',
      'not xml',
      '<<<>>>',
      '<Delete><Object><Key>a</Key>',
      '<Delete>text</Delete>',
      '<Delete><Object>text</Object></Delete>',
      '<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>',
      '<Delete><Object><Key><x/></Key></Object></Delete>',
      '<Delete><__proto__><polluted>1</polluted></__proto__><Object><Key>a</Key></Object></Delete>',
      '<Delete><Object><constructor>1</constructor></Object></Delete>',
      `<Delete>${'<Object><Key>k</Key></Object>'.repeat(1001)}</Delete>`,
      `${laughs}<Delete><Object><Key>&c;</Key></Object></Delete>`,
      `${laughs}<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&c;</ETag></Part></CompleteMultipartUpload>`,
      `${'<a>'.repeat(20000)}${'</a>'.repeat(20000)}`,
      '<CompleteMultipartUpload><Part><PartNumber>2</PartNumber></Part><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>',
      `<CompleteMultipartUpload>${'<Part><PartNumber>1</PartNumber><ETag>"x"</ETag></Part>'.repeat(2000)}</CompleteMultipartUpload>`,
      '<CompleteMultipartUpload><Part>1</Part></CompleteMultipartUpload>',
      '\xef\xbb\xbf<Delete><Object><Key>a.txt</Key></Object></Delete>',
      '<?xml version="1.0" encoding="UTF-16"?><Delete/>',
    ),
  );
}

const body = (uploadKey: string): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant<Body>({ kind: 'none' }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('bytes' as const), size: fc.nat(3000), hashed: fc.boolean() }) },
    { weight: 2, arbitrary: xmlBodies(uploadKey).map((text): Body => ({ kind: 'xml', text })) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('chunked' as const),
        sizes: fc.array(fc.nat(3000), { maxLength: 3 }),
        damage: fc.constantFrom('none', 'truncate', 'bad-size', 'no-crlf', 'bad-signature', 'length-lie', 'bad-trailer'),
        at: fc.nat(10_000),
      }),
    },
  );

const auth = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Auth>('good') },
  { weight: 4, arbitrary: fc.constantFrom<Auth>('none', 'garbage', 'v2', 'no-signature', 'bad-credential', 'bad-date', 'skewed', 'wrong-signature', 'unknown-key', 'twice', 'unsigned-header', 'no-content-sha', 'presigned-garbage') },
);

export function s3Plans(uploadKey: string, uploadId: string): fc.Arbitrary<S3Plan> {
  const method = fc.oneof({ weight: 12, arbitrary: fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE') }, { weight: 1, arbitrary: fc.constantFrom('PATCH', 'OPTIONS', 'get', 'BREW') });
  const uploadQuery = fc.constantFrom(`uploadId=${uploadId}`, `uploadId=${uploadId}&partNumber=1`, `uploadId=${uploadId}&partNumber=2`, 'uploads', 'delete', `uploadId=${uploadId}&partNumber=0`);
  return fc.record(
    {
      method,
      bucket: bucketName,
      key: fc.option(fc.oneof({ weight: 4, arbitrary: objectKey }, { weight: 1, arbitrary: fc.constant(uploadKey) }), { nil: undefined, freq: 4 }),
      query: fc.oneof({ weight: 3, arbitrary: query }, { weight: 1, arbitrary: uploadQuery }),
      headers,
      body: body(uploadKey),
      auth,
      cut: fc.option(fc.nat(4000), { nil: undefined, freq: 8 }),
    },
    { requiredKeys: ['method', 'bucket', 'query', 'headers', 'body', 'auth'] },
  );
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const bytesOf = (n: number): Buffer => Buffer.alloc(n, 0x61);

/** A chunked body, damaged as the plan says. */
function chunked(plan: Extract<Body, { kind: 'chunked' }>, sign: (payloadHash: string, extra: [string, string][]) => ReturnType<typeof signRequest>): { body: Buffer; headers: [string, string][] } {
  const chunks = plan.sizes.map(bytesOf);
  const decoded = chunks.reduce((n, c) => n + c.length, 0);
  const extra: [string, string][] = [
    ['content-encoding', 'aws-chunked'],
    ['x-amz-decoded-content-length', String(plan.damage === 'length-lie' ? decoded + 1 + (plan.at % 7) : decoded)],
  ];
  const signed = sign('STREAMING-AWS4-HMAC-SHA256-PAYLOAD', extra);
  let body = signedChunkedBody(signed, chunks);
  const at = body.length === 0 ? 0 : plan.at % body.length;
  if (plan.damage === 'truncate') body = body.subarray(0, at);
  if (plan.damage === 'bad-size') body = Buffer.concat([Buffer.from('zz;chunk-signature=00\r\n'), body]);
  if (plan.damage === 'no-crlf') body = Buffer.concat([body.subarray(0, at), body.subarray(Math.min(body.length, at + 2))]);
  if (plan.damage === 'bad-signature') body = Buffer.from(body.toString('latin1').replace(/chunk-signature=[0-9a-f]/, 'chunk-signature=g'), 'latin1');
  if (plan.damage === 'bad-trailer') body = Buffer.concat([body.subarray(0, body.length - 2), Buffer.from('no colon here\r\n\r\n')]);
  return { body, headers: signed.headers };
}

/** The raw request for a plan, signed (or mis-signed) now. */
export function buildRequest(plan: S3Plan, target: S3FuzzTarget): RawRequest {
  const rawPath = `/${plan.bucket}${plan.key === undefined ? '' : `/${plan.key}`}`;
  const now = Date.now();
  const sign = (payloadHash: string, extra: [string, string][], key = target.key, at = now): ReturnType<typeof signRequest> =>
    signRequest({ method: plan.method, rawPath, rawQuery: plan.query, host: target.address, headers: [...plan.headers, ...extra], payloadHash, key, now: at });
  let bytes: Buffer;
  let signed: ReturnType<typeof signRequest> | undefined;
  if (plan.body.kind === 'chunked') {
    const c = chunked(plan.body, (hash, extra) => (signed = sign(hash, extra)));
    bytes = c.body;
  } else {
    bytes = plan.body.kind === 'bytes' ? bytesOf(plan.body.size) : plan.body.kind === 'xml' ? Buffer.from(plan.body.text, 'utf8') : Buffer.alloc(0);
    const hashed = plan.body.kind !== 'bytes' || plan.body.hashed;
    const payloadHash = hashed ? sha256(bytes) : 'UNSIGNED-PAYLOAD';
    signed = sign(payloadHash, [], plan.auth === 'unknown-key' ? { accessKeyId: 'NOSUCHKEY', secret: 'nope' } : target.key, plan.auth === 'skewed' ? now - 3_600_000 : now);
  }
  let headers = signed!.headers;
  const replace = (name: string, value: string | undefined): void => {
    headers = headers.filter(([k]) => k !== name);
    if (value !== undefined) headers.push([name, value]);
  };
  const authz = headers.find(([k]) => k === 'authorization')![1];
  const scope = `${amzDateOf(now).slice(0, 8)}/us-east-1/s3/aws4_request`;
  let q = plan.query;
  switch (plan.auth) {
    case 'none': replace('authorization', undefined); break;
    case 'garbage': replace('authorization', 'x'.repeat(plan.headers.length * 900 + 1)); break;
    case 'v2': replace('authorization', `AWS ${target.key.accessKeyId}:c2lnbmF0dXJl`); break;
    case 'no-signature': replace('authorization', authz.replace(/, Signature=.*$/, '')); break;
    case 'bad-credential': replace('authorization', authz.replace(/Credential=[^,]*/, `Credential=${target.key.accessKeyId}/${scope.slice(0, 8)}//\xe9`)); break;
    case 'bad-date': replace('x-amz-date', 'yesterday'); break;
    case 'wrong-signature': replace('authorization', authz.replace(/Signature=[0-9a-f]{8}/, 'Signature=00000000')); break;
    case 'twice': headers.push(['authorization', authz]); break;
    case 'unsigned-header': replace('authorization', authz.replace('SignedHeaders=', 'SignedHeaders=x-not-sent;')); break;
    case 'no-content-sha': replace('x-amz-content-sha256', undefined); break;
    case 'presigned-garbage':
      replace('authorization', undefined);
      q = `${q}${q ? '&' : ''}X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${enc(`${target.key.accessKeyId}/${scope}`)}&X-Amz-Date=${amzDateOf(now)}&X-Amz-Expires=${plan.headers.length === 0 ? '-1' : '604801'}&X-Amz-SignedHeaders=host&X-Amz-Signature=zz`;
      break;
    default: break;
  }
  headers.push(['content-length', String(bytes.length)]);
  return { method: plan.method, target: `${rawPath}${q ? `?${q}` : ''}`, headers, body: bytes, cutBodyAt: plan.cut === undefined ? undefined : Math.min(plan.cut, Math.max(0, bytes.length - 1)) };
}
