// AWS Signature Version 4 as S3 uses it: the Authorization header form and
// the presigned-URL form. Verifying means rebuilding the canonical request
// from what arrived and comparing HMACs in constant time. The payload itself
// is checked later, as it streams (see body.ts).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { S3Error } from './errors.ts';
import type { S3Identity, S3KeyLookup } from './keys.ts';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface SignedRequest {
  method: string;
  /** The path as sent, still percent-encoded. */
  rawPath: string;
  /** The query string as sent (without `?`). */
  rawQuery: string;
  /** Header names and values in arrival order (node's rawHeaders). */
  rawHeaders: string[];
}

/** What a verified request was signed with: the streaming body decoder chains chunk signatures from it. */
export interface Signer {
  identity: S3Identity;
  signingKey: Buffer;
  amzDate: string;
  scope: string;
  seedSignature: string;
  /** x-amz-content-sha256 as signed ('UNSIGNED-PAYLOAD' for a presigned URL without it). */
  payloadHash: string;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - . _ ~ (and `/` in paths). */
export function uriEncode(s: string, keepSlash: boolean): string {
  let out = encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  if (keepSlash) out = out.replaceAll('%2F', '/');
  return out;
}

export function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3Error('InvalidURI', `could not parse the request URI: bad percent-encoding in "${s.slice(0, 200)}"`);
  }
}

function canonicalQuery(rawQuery: string, skip?: string): string {
  if (!rawQuery) return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    if (k === skip) continue;
    pairs.push([uriEncode(k, false), uriEncode(decodeComponent(eq < 0 ? '' : part.slice(eq + 1)), false)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalHeaders(rawHeaders: string[], signed: string[]): string {
  const values = new Map<string, string[]>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!signed.includes(name)) continue;
    const list = values.get(name) ?? [];
    list.push(rawHeaders[i + 1]!.trim().replace(/\s+/g, ' '));
    values.set(name, list);
  }
  return signed.map((n) => `${n}:${(values.get(n) ?? []).join(',')}\n`).join('');
}

/**
 * The header block as signed. Node reads header bytes as Latin-1; a client
 * that sent UTF-8 (non-ASCII user metadata from boto3, for one) signed the
 * characters those bytes spell in UTF-8, so such a block is tried both ways.
 */
function headerBlocks(rawHeaders: string[], signed: string[]): string[] {
  const block = canonicalHeaders(rawHeaders, signed);
  if (!/[^\x00-\x7f]/.test(block)) return [block];
  const utf8 = Buffer.from(block, 'latin1').toString('utf8');
  return utf8.includes('\ufffd') ? [block] : [block, utf8];
}

/** The path the client signed: each segment encoded once. Clients differ in what they escape on the wire. */
function canonicalPaths(rawPath: string): string[] {
  const normal = rawPath.split('/').map((seg) => uriEncode(decodeComponent(seg), false)).join('/');
  return normal === rawPath ? [normal] : [normal, rawPath];
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

function header(rawHeaders: string[], name: string): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === name) return rawHeaders[i + 1];
  return undefined;
}

/** `20130524T000000Z` -> epoch ms, or NaN. */
function parseAmzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

interface Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

function parseCredential(value: string, malformed: S3Error['code']): Credential {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    throw new S3Error(malformed, `the credential "${value}" is malformed: expected ACCESS_KEY/DATE/REGION/SERVICE/aws4_request`);
  }
  return { accessKeyId: parts[0]!, date: parts[1]!, region: parts[2]!, service: parts[3]! };
}

async function identityOf(keys: S3KeyLookup, id: string): Promise<S3Identity> {
  const identity = await keys.lookup(id);
  if (!identity) throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: id });
  return identity;
}

function compare(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Which auth a request carries: none, the header form, or the presigned-URL form. */
export function authKind(req: SignedRequest, query: URLSearchParams): 'none' | 'header' | 'presigned' | 'v2' {
  const auth = header(req.rawHeaders, 'authorization');
  if (auth?.startsWith(`${ALGORITHM} `)) return 'header';
  if (auth?.startsWith('AWS ') || query.has('Signature')) return 'v2';
  if (query.has('X-Amz-Algorithm')) return 'presigned';
  if (auth) return 'v2';
  return 'none';
}

export async function verifyHeaderAuth(req: SignedRequest, keys: S3KeyLookup, now: number): Promise<Signer> {
  const auth = header(req.rawHeaders, 'authorization')!;
  const fields = new Map<string, string>();
  for (const part of auth.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) {
    throw new S3Error('AuthorizationHeaderMalformed', 'the authorization header is malformed: it needs Credential, SignedHeaders and Signature');
  }
  const cred = parseCredential(credential, 'AuthorizationHeaderMalformed');
  const amzDate = header(req.rawHeaders, 'x-amz-date') ?? '';
  let time = parseAmzDate(amzDate);
  if (Number.isNaN(time)) time = Date.parse(header(req.rawHeaders, 'date') ?? '');
  if (Number.isNaN(time)) throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  if (Math.abs(now - time) > MAX_SKEW_MS) {
    throw new S3Error('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', { RequestTime: amzDate, ServerTime: new Date(now).toISOString() });
  }
  const identity = await identityOf(keys, cred.accessKeyId);
  const payloadHash = header(req.rawHeaders, 'x-amz-content-sha256');
  if (!payloadHash) throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  const signed = signedHeaders.split(';');
  const key = signingKey(identity.secret, cred.date, cred.region, cred.service);
  const scope = `${cred.date}/${cred.region}/${cred.service}/aws4_request`;
  const query = canonicalQuery(req.rawQuery);
  for (const headers of headerBlocks(req.rawHeaders, signed)) {
    for (const path of canonicalPaths(req.rawPath)) {
      const canonical = `${req.method}\n${path}\n${query}\n${headers}\n${signedHeaders}\n${payloadHash}`;
      const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
      if (compare(hmac(key, stringToSign).toString('hex'), signature)) {
        return { identity, signingKey: key, amzDate, scope, seedSignature: signature, payloadHash };
      }
    }
  }
  throw new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', { AWSAccessKeyId: cred.accessKeyId });
}

export async function verifyPresigned(req: SignedRequest, query: URLSearchParams, keys: S3KeyLookup, now: number): Promise<Signer> {
  const need = (name: string): string => {
    const v = query.get(name);
    if (!v) throw new S3Error('AuthorizationQueryParametersError', `the presigned URL lacks the ${name} parameter`);
    return v;
  };
  if (need('X-Amz-Algorithm') !== ALGORITHM) throw new S3Error('AuthorizationQueryParametersError', `X-Amz-Algorithm must be ${ALGORITHM}`);
  const cred = parseCredential(need('X-Amz-Credential'), 'AuthorizationQueryParametersError');
  const amzDate = need('X-Amz-Date');
  const time = parseAmzDate(amzDate);
  const expires = Number(need('X-Amz-Expires'));
  if (Number.isNaN(time) || !Number.isInteger(expires) || expires < 0 || expires > MAX_PRESIGN_SECONDS) {
    throw new S3Error('AuthorizationQueryParametersError', `X-Amz-Date must be YYYYMMDDTHHMMSSZ and X-Amz-Expires 0 to ${MAX_PRESIGN_SECONDS} seconds`);
  }
  if (now > time + expires * 1000) throw new S3Error('AccessDenied', 'Request has expired', { Expires: new Date(time + expires * 1000).toISOString(), ServerTime: new Date(now).toISOString() });
  if (time - now > MAX_SKEW_MS) throw new S3Error('AccessDenied', 'Request is not valid yet');
  const identity = await identityOf(keys, cred.accessKeyId);
  const signedHeaders = need('X-Amz-SignedHeaders');
  const signature = need('X-Amz-Signature');
  const payloadHash = query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
  const key = signingKey(identity.secret, cred.date, cred.region, cred.service);
  const scope = `${cred.date}/${cred.region}/${cred.service}/aws4_request`;
  const headers = canonicalHeaders(req.rawHeaders, signedHeaders.split(';'));
  const q = canonicalQuery(req.rawQuery, 'X-Amz-Signature');
  for (const path of canonicalPaths(req.rawPath)) {
    const canonical = `${req.method}\n${path}\n${q}\n${headers}\n${signedHeaders}\n${payloadHash}`;
    const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    if (compare(hmac(key, stringToSign).toString('hex'), signature)) {
      return { identity, signingKey: key, amzDate, scope, seedSignature: signature, payloadHash };
    }
  }
  throw new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', { AWSAccessKeyId: cred.accessKeyId });
}
