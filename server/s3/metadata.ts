// What the gateway stores with an object besides its bytes: the standard
// representation headers a client set (Content-Type, Content-Encoding, ...),
// its user metadata (x-amz-meta-*), and the time it was written, which S3
// reports as Last-Modified. They live in the file's index entry as
// attributes (src/index FileEntry.attrs), so they are versioned with the
// commit, travel with copies, and cost no extra read on GET or listing.
import type { FileInfo } from '../../src/pfs/types.ts';
import { header, httpTime, type S3Call } from './context.ts';
import { S3Error } from './errors.ts';
import { checksumsOf, copyableAttrs } from './object-parts.ts';

/** Headers stored as sent and returned on GET/HEAD. */
export const STORED_HEADERS = ['content-type', 'content-encoding', 'content-disposition', 'content-language', 'cache-control', 'expires'] as const;

/** The write time (epoch ms, decimal): Last-Modified of the object. */
export const MODIFIED_ATTR = 'last-modified';

/** S3's limit: user metadata names and values together, in UTF-8 bytes. */
export const MAX_USER_METADATA_BYTES = 2048;

const META_PREFIX = 'x-amz-meta-';

/**
 * Header text as stored: node reads header bytes as Latin-1, so UTF-8 sent by
 * a client (boto3 sends non-ASCII metadata so) is decoded to the text it spells.
 */
function fromWire(value: string): string {
  if (!/[^\x00-\x7f]/.test(value)) return value;
  const text = Buffer.from(value, 'latin1').toString('utf8');
  return text.includes('\ufffd') ? value : text;
}

/** Stored text back on the wire: as Latin-1 bytes when it fits (what Python clients decode), else as UTF-8. */
export function toWire(value: string): string {
  return /[^\x00-\xff]/.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
}

/** Content-Encoding without `aws-chunked`, which describes the transfer of this request, not the object. */
function storedEncoding(value: string): string | undefined {
  const kept = value.split(',').map((s) => s.trim()).filter((s) => s !== '' && s.toLowerCase() !== 'aws-chunked');
  return kept.length > 0 ? kept.join(', ') : undefined;
}

/** The attributes a write request sets: its stored headers and user metadata, and `now` as the write time. */
export function attrsFromRequest(call: S3Call, now: number): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const v = header(call, name);
    if (v === undefined) continue;
    const value = name === 'content-encoding' ? storedEncoding(v) : fromWire(v);
    if (value !== undefined) attrs[name] = value;
  }
  let userBytes = 0;
  for (const [name, raw] of Object.entries(call.headers)) {
    if (!name.startsWith(META_PREFIX) || raw === undefined) continue;
    const value = fromWire(Array.isArray(raw) ? raw.join(',') : raw);
    userBytes += Buffer.byteLength(name.slice(META_PREFIX.length)) + Buffer.byteLength(value);
    attrs[name] = value;
  }
  if (userBytes > MAX_USER_METADATA_BYTES) {
    throw new S3Error('MetadataTooLarge', `Your metadata headers exceed the maximum allowed metadata size: ${userBytes} bytes of x-amz-meta-* names and values, at most ${MAX_USER_METADATA_BYTES}`, { Size: String(userBytes), MaxSizeAllowed: String(MAX_USER_METADATA_BYTES) });
  }
  attrs[MODIFIED_ATTR] = String(now);
  return attrs;
}

/** A copy keeps the source's attributes (new write time) unless the request says REPLACE. */
export function attrsForCopy(call: S3Call, source: FileInfo, now: number): Record<string, string> {
  const directive = (header(call, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw new S3Error('InvalidArgument', `Unknown metadata directive "${directive}": expected COPY or REPLACE`, { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: directive });
  }
  // The bytes are the same: a whole-object checksum still holds; the part layout does not (a copy is one part).
  if (directive === 'REPLACE') return { ...attrsFromRequest(call, now), ...checksumsOf(source.attrs) };
  return { ...copyableAttrs(source.attrs), [MODIFIED_ATTR]: String(now) };
}

/**
 * When the object was written: its stored write time, or for a file written
 * by other means (strata put, a pipeline) the time of the commit read.
 */
export function modifiedAt(info: FileInfo, commitTime: number): number {
  const stored = Number(info.attrs?.[MODIFIED_ATTR]);
  return Number.isSafeInteger(stored) && stored > 0 ? stored : commitTime;
}

/** GET/HEAD headers from the stored attributes (Content-Type defaults to application/octet-stream). */
export function objectHeaders(info: FileInfo, modified: number): Record<string, string> {
  const out: Record<string, string> = { 'content-type': 'application/octet-stream', 'last-modified': httpTime(modified) };
  for (const [name, value] of Object.entries(info.attrs ?? {})) {
    if (name.startsWith(META_PREFIX) || (STORED_HEADERS as readonly string[]).includes(name)) out[name] = toWire(value);
  }
  return out;
}
