// GetObject and HeadObject: the file at the bucket's branch head (or pinned
// commit, or ?versionId = a commit id), with Range, the conditional headers
// and response-* overrides; the body streams from the chunk store.
import { isStrataError } from '../../src/errors/index.ts';
import type { FilePath } from '../../src/ids.ts';
import type { FileInfo } from '../../src/pfs/types.ts';
import type { Ref } from '../../src/ref.ts';
import { parseBucket, readRef } from './bucket-names.ts';
import { EMPTY_ETAG, commitTime, etagOf, header, keyPath, sendXml, type S3Call } from './context.ts';
import { modifiedAt, objectHeaders, toWire } from './metadata.ts';
import { S3Error } from './errors.ts';
import { checksumElements, checksumHeaders, partChecksumHeaders, partOf, PARTS_ATTR, decodePartSizes } from './object-parts.ts';
import { xmlDocument } from './xml.ts';
import { fileBytes } from '../../src/blocks/file-io.ts';
import { createReadBufferPool, sendBody } from './send-body.ts';

interface Range {
  start: number;
  end: number; // inclusive
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; undefined to serve it whole (no header, or several ranges). */
export function parseRange(value: string | undefined, size: number): Range | undefined {
  if (!value) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m) {
    if (/^bytes=.*,/.test(value)) return undefined;
    throw new S3Error('InvalidRange', `the range "${value}" is not valid`, { RangeRequested: value, ActualObjectSize: String(size) });
  }
  const [, a, b] = m;
  let start: number;
  let end: number;
  if (a === '') {
    if (b === '' || Number(b) === 0) throw new S3Error('InvalidRange', 'The requested range is not satisfiable', { RangeRequested: value, ActualObjectSize: String(size) });
    start = Math.max(0, size - Number(b));
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
    if (b !== '' && Number(b) < start) return undefined; // invalid range: S3 ignores it
  }
  if (start >= size) throw new S3Error('InvalidRange', 'The requested range is not satisfiable', { RangeRequested: value, ActualObjectSize: String(size) });
  return { start, end };
}

function etagMatches(list: string, etag: string): boolean {
  return list.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === etag || `"${v}"` === etag || v === `W/${etag}`;
  });
}

/** If-Match / If-Unmodified-Since fail with 412; If-None-Match / If-Modified-Since answer 304. */
function preconditions(call: S3Call, etag: string, modified: number): 'ok' | 'not-modified' {
  const ifMatch = header(call, 'if-match');
  const ifNoneMatch = header(call, 'if-none-match');
  const ifModified = header(call, 'if-modified-since');
  const ifUnmodified = header(call, 'if-unmodified-since');
  const seconds = Math.floor(modified / 1000) * 1000;
  if (ifMatch !== undefined && !etagMatches(ifMatch, etag)) throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-Match' });
  if (ifMatch === undefined && ifUnmodified !== undefined && seconds > Date.parse(ifUnmodified)) {
    throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-Unmodified-Since' });
  }
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, etag) ? 'not-modified' : 'ok';
  if (ifModified !== undefined && !(seconds > Date.parse(ifModified))) return 'not-modified';
  return 'ok';
}

const OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

async function fileAt(call: S3Call): Promise<{ info: FileInfo; ref: ReturnType<typeof readRef> } | 'dir'> {
  const b = parseBucket(call.bucket);
  const ref = readRef(b, call.query.get('versionId') ?? undefined);
  const path = keyPath(call.key.endsWith('/') ? call.key.slice(0, -1) || '/' : call.key);
  try {
    const info = await call.deps.pfs.inspectFile(ref, path);
    if (info.type === 'dir') {
      // A key ending in `/` names the directory as a marker object (s3fs, rclone and consoles ask for it).
      if (call.key.endsWith('/')) return 'dir';
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: call.key });
    }
    if (call.key.endsWith('/')) throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: call.key });
    return { info, ref };
  } catch (err) {
    const versionId = call.query.get('versionId');
    if (isStrataError(err, 'FILE_NOT_FOUND') && versionId !== null && ref.target.kind === 'commit' && (await deletedBy(call, ref, path))) {
      // The version is the commit that deleted the key: its delete marker, which S3 will not GET or HEAD.
      call.reply.headers({ 'x-amz-delete-marker': 'true', 'x-amz-version-id': ref.target.id });
      throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', { Method: call.method, ResourceType: 'DeleteMarker' });
    }
    if (isStrataError(err, 'BRANCH_HAS_NO_COMMITS') || isStrataError(err, 'FILE_NOT_FOUND')) {
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: call.key });
    }
    if (isStrataError(err, 'BRANCH_NOT_FOUND') && b.isRepo) throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: call.key });
    throw err;
  }
}

/** The key is absent at commit `ref` and was a file in its parent: `ref` is the key's delete marker (as ListObjectVersions shows it). */
async function deletedBy(call: S3Call, ref: Ref, path: FilePath): Promise<boolean> {
  try {
    return (await call.deps.pfs.inspectFile({ ...ref, ancestry: { kind: 'parent', n: 1 } }, path)).type === 'file';
  } catch (err) {
    if (isStrataError(err) && err.kind === 'NotFound') return false; // no parent commit, or the key absent there too
    throw err;
  }
}

export async function getObject(call: S3Call, head: boolean): Promise<void> {
  const found = await fileAt(call);
  const reply = call.reply;
  if (found === 'dir') {
    void reply.code(200).headers({ 'content-length': '0', 'content-type': 'application/x-directory', etag: EMPTY_ETAG }).send();
    return;
  }
  const { info } = found;
  // Pinned to the commit inspected, so a branch that moves meanwhile cannot mix two versions.
  const ref = { ...found.ref, target: { kind: 'commit' as const, id: info.commit } };
  const size = info.size ?? 0;
  const etag = etagOf(info);
  const stored = modifiedAt(info, 0);
  const modified = stored > 0 ? stored : await commitTime(call.deps.pfs, ref);
  const headers: Record<string, string> = {
    etag,
    'accept-ranges': 'bytes',
    ...objectHeaders(info, modified),
    'x-amz-version-id': info.commit,
  };
  for (const [q, h] of Object.entries(OVERRIDES)) {
    const v = call.query.get(q);
    if (v === null) continue;
    // No header can carry a control character; other text goes out as its UTF-8 bytes, as stored metadata does.
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(v)) throw new S3Error('InvalidArgument', `${q} holds a control character, which no HTTP header can carry`, { ArgumentName: q });
    headers[h] = toWire(v);
  }
  if (preconditions(call, etag, modified) === 'not-modified') {
    void reply.code(304).headers({ etag, 'last-modified': headers['last-modified']! }).send();
    return;
  }
  const partNumber = call.query.get('partNumber');
  let range: Range | undefined;
  if (partNumber !== null) {
    // A part of a multipart object (a single-part object has one), as S3 serves it: 206 with the part's range and the part count.
    if (header(call, 'range') !== undefined) throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
    const n = /^\d{1,5}$/.test(partNumber) ? Number(partNumber) : NaN;
    if (!(n >= 1 && n <= 10_000)) throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber', ArgumentValue: partNumber });
    const part = partOf(info, n);
    range = { start: part.start, end: part.end };
    headers['x-amz-mp-parts-count'] = String(part.count);
    // The part's checksum describes exactly the bytes served, so it is sent as S3 and RGW send it (a client may check it).
    Object.assign(headers, partChecksumHeaders(info, n));
    if (size === 0) range = undefined;
  } else {
    range = parseRange(header(call, 'range'), size);
    // The checksum describes the whole object: only a whole-object read returns it.
    if (!range && header(call, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') Object.assign(headers, checksumHeaders(info));
  }
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
  const length = range ? range.end - range.start + 1 : size;
  headers['content-length'] = String(length);
  reply.code(range ? 206 : 200).headers(headers);
  if (head || length === 0) {
    void reply.send();
    return;
  }
  // The chunks inspected above, read straight from the store (no second index lookup), into pooled buffers.
  const body = fileBytes(call.deps.pfs.context.chunks, info.chunks ?? [], { ...(range ? { offset: range.start, length } : {}), buffers: READ_BUFFERS });
  await sendBody(call, range ? 206 : 200, body, READ_BUFFERS);
}

/** The gateway's read buffers, shared by every GET (see send-body.ts). */
const READ_BUFFERS = createReadBufferPool();

const OBJECT_ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'];

/**
 * GetObjectAttributes: what x-amz-object-attributes asks for of ETag (unquoted,
 * as S3 gives it here), Checksum, ObjectParts (count and sizes of a multipart
 * object's parts, paged by x-amz-part-number-marker / x-amz-max-parts), StorageClass, ObjectSize.
 */
export async function getObjectAttributes(call: S3Call): Promise<void> {
  const wanted = (header(call, 'x-amz-object-attributes') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.find((a) => !OBJECT_ATTRIBUTES.includes(a));
  if (wanted.length === 0 || unknown !== undefined) {
    throw new S3Error('InvalidArgument', `x-amz-object-attributes must list some of ${OBJECT_ATTRIBUTES.join(', ')}${unknown ? `, not "${unknown}"` : ''}`, { ArgumentName: 'x-amz-object-attributes' });
  }
  const found = await fileAt(call);
  if (found === 'dir') throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: call.key });
  const { info } = found;
  const stored = modifiedAt(info, 0);
  const modified = stored > 0 ? stored : await commitTime(call.deps.pfs, { ...found.ref, target: { kind: 'commit', id: info.commit } });
  const body: Record<string, unknown> = {};
  if (wanted.includes('ETag')) body.ETag = etagOf(info).slice(1, -1);
  if (wanted.includes('Checksum')) {
    const sums = checksumElements(info.attrs);
    if (Object.keys(sums).length > 0) body.Checksum = sums;
  }
  const sizes = decodePartSizes(info.attrs?.[PARTS_ATTR]);
  if (wanted.includes('ObjectParts') && sizes) {
    const marker = Number(header(call, 'x-amz-part-number-marker') ?? 0) || 0;
    const max = Math.min(Number(header(call, 'x-amz-max-parts') ?? 1000) || 1000, 1000);
    const shown = sizes.map((size, i) => ({ PartNumber: i + 1, Size: size })).filter((p) => p.PartNumber > marker).slice(0, max);
    const truncated = shown.length > 0 && shown.at(-1)!.PartNumber < sizes.length;
    body.ObjectParts = { PartsCount: sizes.length, PartNumberMarker: marker, ...(truncated ? { NextPartNumberMarker: shown.at(-1)!.PartNumber } : {}), MaxParts: max, IsTruncated: truncated, Part: shown };
  }
  if (wanted.includes('StorageClass')) body.StorageClass = 'STANDARD';
  if (wanted.includes('ObjectSize')) body.ObjectSize = info.size ?? 0;
  call.reply.headers({ 'last-modified': new Date(modified).toUTCString(), 'x-amz-version-id': info.commit });
  sendXml(call, 200, xmlDocument({ GetObjectAttributesResponse: body }));
}
