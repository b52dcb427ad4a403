// XML in and out. fast-xml-parser (well kept, no native code, streaming-free
// but our documents are small and bounded) parses the few XML request bodies
// (CompleteMultipartUpload, Delete, CreateBucketConfiguration). Responses are
// written by `buildXml` below, which serialises the same object shapes as
// fast-xml-parser's builder, byte for byte (test/unit/s3/xml.test.ts holds it
// to that): the builder took half the gateway's time on a 1,000-key listing.
import { XMLParser } from 'fast-xml-parser';
import { S3Error } from './errors.ts';

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const SPECIAL = /[&<>"']/;
const SPECIALS = /[&<>"']/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

// Characters XML 1.0 allows nowhere, not even as &#...; references: an error
// quoting a key or bucket with a NUL would make the whole answer unreadable
// to a client's parser (found fuzzing). They are written as the text \uXXXX.
const ILLEGAL = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\p{Surrogate}]/gu;
/** One test for the common case, a string with nothing to escape. */
const NEEDS_WORK = /[&<>"'\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\p{Surrogate}]/u;

export function escapeXml(s: string): string {
  if (!NEEDS_WORK.test(s)) return s;
  const legal = s.replace(ILLEGAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return SPECIAL.test(legal) ? legal.replace(SPECIALS, (c) => ENTITY[c]!) : legal;
}

/**
 * One element per value: objects nest (keys starting with `@` are
 * attributes), arrays repeat the element, undefined is left out, null is an
 * empty element, anything else is escaped text.
 */
export function buildXml(name: string, value: unknown): string {
  if (value === undefined) return '';
  if (value instanceof RawXml) return value.xml;
  if (Array.isArray(value)) {
    let out = '';
    for (const v of value) out += buildXml(name, v);
    return out;
  }
  if (value === null) return `<${name}/>`;
  if (typeof value !== 'object') return `<${name}>${escapeXml(String(value))}</${name}>`;
  let attrs = '';
  let body = '';
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (key.charCodeAt(0) === 64 /* @ */) {
      if (v !== undefined) attrs += ` ${key.slice(1)}="${escapeXml(String(v))}"`;
    } else {
      body += buildXml(key, v);
    }
  }
  return `<${name}${attrs}>${body}</${name}>`;
}

/** Elements written already (contentsXml): buildXml puts them in as they are, under whatever name they are given. */
export class RawXml {
  constructor(readonly xml: string) {}
}

/** One key of a listing page, as its <Contents> element shows it. */
export interface ContentsEntry {
  key: string;
  lastModified: string;
  etag: string;
  size: number;
}

/**
 * A listing page's <Contents> elements: the bytes buildXml writes for an
 * array of { Key, LastModified, ETag, Size, Owner?, StorageClass: 'STANDARD' }
 * (test/unit/s3/xml.test.ts holds the two to that), without making those
 * objects and walking them: 2.5-3 ms of server CPU per 1,000-key page
 * before, ~1 ms now (docs/benchmarks.md, s3).
 */
export function contentsXml(entries: Iterable<ContentsEntry>, owner?: { ID: string; DisplayName: string }): RawXml {
  const ownerXml = owner ? buildXml('Owner', owner) : '';
  let out = '';
  for (const e of entries) {
    out += `<Contents><Key>${escapeXml(e.key)}</Key><LastModified>${escapeXml(e.lastModified)}</LastModified><ETag>${escapeXml(e.etag)}</ETag><Size>${e.size}</Size>${ownerXml}<StorageClass>STANDARD</StorageClass></Contents>`;
  }
  return new RawXml(out);
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false, // keys may be or hold spaces (a Delete of the key " ")
  removeNSPrefix: true,
  isArray: (name) => name === 'Part' || name === 'Object',
  processEntities: true,
  htmlEntities: false,
});

/** Largest XML request body read (a Delete of 1,000 long keys fits with room). */
export const MAX_XML_BODY = 4 << 20;

/** One XML document; the single root element gets the S3 namespace. */
export function xmlDocument(root: Record<string, unknown>): string {
  const [name, body] = Object.entries(root)[0]!;
  // A root that is only text (GetBucketLocation's region): spreading a string would make an element of each character.
  if (typeof body !== 'object' || body === null) return `<?xml version="1.0" encoding="UTF-8"?>\n<${name} xmlns="${S3_NS}">${escapeXml(String(body ?? ''))}</${name}>`;
  const withNs = name === 'Error' ? body : { '@xmlns': S3_NS, ...(body as object) };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${buildXml(name, withNs)}`;
}

export async function readXmlBody(body: AsyncIterable<Uint8Array>): Promise<Record<string, unknown>> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const b of body) {
    size += b.length;
    if (size > MAX_XML_BODY) throw new S3Error('MalformedXML', `the XML request body is larger than ${MAX_XML_BODY} bytes`);
    parts.push(b);
  }
  const text = Buffer.concat(parts).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return parser.parse(text, true) as Record<string, unknown>;
  } catch (err) {
    throw new S3Error('MalformedXML', `the XML you provided was not well-formed: ${(err as Error).message}`, {}, { cause: err });
  }
}

export function errorXml(err: S3Error, resource: string, requestId: string): string {
  return xmlDocument({ Error: { Code: err.code, Message: err.message, ...err.extra, Resource: resource, RequestId: requestId } });
}
