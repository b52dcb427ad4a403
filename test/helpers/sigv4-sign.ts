// AWS Signature Version 4 for raw requests in tests, written from the AWS
// documentation (not from the gateway's verifier, so a test signs the way a
// client does). It signs exactly the bytes a raw request sends: the path as
// written, the query canonicalised, every header given, and optionally an
// aws-chunked body whose chunks carry the chained signatures.
import { createHash, createHmac } from 'node:crypto';

export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'latin1').digest();

/** RFC 3986 unreserved characters stay, everything else is %XX (UTF-8). */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical query: each name and value decoded then encoded, sorted; undefined if it does not decode. */
export function canonicalQuery(rawQuery: string): string | undefined {
  try {
    return rawQuery
      .split('&')
      .filter(Boolean)
      .map((part) => {
        const eq = part.indexOf('=');
        const k = eq < 0 ? part : part.slice(0, eq);
        const v = eq < 0 ? '' : part.slice(eq + 1);
        return [encode(decodeURIComponent(k)), encode(decodeURIComponent(v))] as const;
      })
      .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
  } catch {
    return undefined;
  }
}

export interface SigningKey {
  accessKeyId: string;
  secret: string;
  region?: string;
}

export interface Signed {
  /** Headers to send, with x-amz-date, x-amz-content-sha256 and authorization added. */
  headers: [string, string][];
  signingKey: Buffer;
  amzDate: string;
  scope: string;
  signature: string;
}

export function amzDateOf(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Signs a request. `host` must be the host header the request sends;
 * `payloadHash` is what x-amz-content-sha256 says (a hex hash, UNSIGNED-PAYLOAD
 * or a STREAMING-* kind).
 */
export function signRequest(opts: { method: string; rawPath: string; rawQuery: string; host: string; headers: [string, string][]; payloadHash: string; key: SigningKey; now: number }): Signed {
  const amzDate = amzDateOf(opts.now);
  const date = amzDate.slice(0, 8);
  const region = opts.key.region ?? 'us-east-1';
  const headers: [string, string][] = [...opts.headers, ['x-amz-date', amzDate], ['x-amz-content-sha256', opts.payloadHash]];
  const all: [string, string][] = [['host', opts.host], ...headers];
  const byName = new Map<string, string[]>();
  for (const [k, v] of all) {
    const name = k.toLowerCase();
    byName.set(name, [...(byName.get(name) ?? []), v.trim().replace(/\s+/g, ' ')]);
  }
  const names = [...byName.keys()].sort();
  const canonicalHeaders = names.map((n) => `${n}:${byName.get(n)!.join(',')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonical = [opts.method, opts.rawPath, canonicalQuery(opts.rawQuery) ?? '', canonicalHeaders, signedHeaders, opts.payloadHash].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonical, 'latin1').digest('hex')}`;
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${opts.key.secret}`, date), region), 's3'), 'aws4_request');
  const signature = hmac(signingKey, stringToSign).toString('hex');
  headers.push(['authorization', `AWS4-HMAC-SHA256 Credential=${opts.key.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`]);
  return { headers, signingKey, amzDate, scope, signature };
}

/** An aws-chunked body (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) of `chunks`, each signed in the chain that starts at the request's signature. */
export function signedChunkedBody(signed: Signed, chunks: Buffer[]): Buffer {
  let previous = signed.signature;
  const out: Buffer[] = [];
  for (const chunk of [...chunks, Buffer.alloc(0)]) {
    const sig = hmac(signed.signingKey, `AWS4-HMAC-SHA256-PAYLOAD\n${signed.amzDate}\n${signed.scope}\n${previous}\n${EMPTY_SHA256}\n${sha256(chunk)}`).toString('hex');
    previous = sig;
    out.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${sig}\r\n`, 'latin1'), chunk, Buffer.from('\r\n'));
  }
  return Buffer.concat(out);
}
