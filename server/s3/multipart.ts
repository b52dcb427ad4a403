// Multipart uploads over the core's durable upload parts (src/pfs/uploads.ts):
// create, upload part (or copy a part from an object), complete (one commit),
// abort, list parts, list uploads.
import { writeFile } from '../../src/blocks/file-io.ts';
import type { PartInfo } from '../../src/pfs/uploads.ts';
import { objectBody } from './body.ts';
import { parseBucket, readRef, requireWritable, type BucketView } from './bucket-names.ts';
import { partsDigest } from './completed-uploads.ts';
import { requireBucket } from './buckets.ts';
import { etagOf, header, isoTime, keyPath, sendXml, type S3Call } from './context.ts';
import { S3Error } from './errors.ts';
import { attrsFromRequest } from './metadata.ts';
import { checksumElements, completedAttrs, uploadChecksum, uploadChecksumAttrs } from './object-parts.ts';
import { parseCopySource, sourceFile, writeGuard, writePreconditions } from './object-writes.ts';
import { isStrataError } from '../../src/errors/index.ts';
import { readXmlBody, xmlDocument } from './xml.ts';

async function writableBucket(call: S3Call): Promise<BucketView> {
  const b = parseBucket(call.bucket);
  requireWritable(b);
  await requireBucket(call.deps.pfs, b);
  return b;
}

/** The upload named by ?uploadId, which must belong to this bucket's branch and key. */
async function uploadOf(call: S3Call, b: BucketView): Promise<string> {
  const id = call.query.get('uploadId') ?? '';
  const up = await call.deps.pfs.uploads.inspect(b.repo, id).catch(() => undefined);
  if (!up || up.branch !== b.branch || up.path !== keyPath(call.key)) {
    throw new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: id });
  }
  return id;
}

function partNumberOf(call: S3Call): number {
  const raw = call.query.get('partNumber') ?? '';
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= 10_000)) throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber', ArgumentValue: raw });
  return n;
}

export async function createUpload(call: S3Call): Promise<void> {
  const b = await writableBucket(call);
  // S3 dates a multipart object from the start of its upload.
  const up = await call.deps.pfs.uploads.create(b.repo, b.branch, keyPath(call.key), { ...attrsFromRequest(call, call.deps.now()), ...uploadChecksumAttrs(call) });
  const want = uploadChecksum(up);
  if (want) call.reply.headers({ 'x-amz-checksum-algorithm': want.algorithm.toUpperCase(), 'x-amz-checksum-type': want.type });
  sendXml(call, 200, xmlDocument({ InitiateMultipartUploadResult: { Bucket: b.name, Key: call.key, UploadId: up.id } }));
}

export async function uploadPart(call: S3Call): Promise<void> {
  const b = await writableBucket(call);
  const id = await uploadOf(call, b);
  const n = partNumberOf(call);
  const verified: Record<string, string> = {};
  const part = await call.deps.pfs.uploads.putPart(b.repo, id, n, objectBody(call.raw, call.headers, call.signer, verified), { checksums: () => verified });
  void call.reply.code(200).headers({ etag: etagOf(part), ...verified }).send();
}

/**
 * x-amz-copy-source-range, stricter than a GET's Range as S3 is: only
 * `bytes=first-last`, first <= last (InvalidArgument), inside the source
 * (InvalidRange).
 */
function parseCopyRange(value: string | undefined, size: number): { start: number; end: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  const [start, end] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(start <= end)) {
    throw new S3Error('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: value });
  }
  if (end >= size) throw new S3Error('InvalidRange', `The requested range is not satisfiable: the source object is ${size} bytes`, { RangeRequested: value, ActualObjectSize: String(size) });
  return { start, end };
}

/** UploadPartCopy: a whole source object by reference, a range by reading those bytes. */
export async function uploadPartCopy(call: S3Call): Promise<void> {
  const b = await writableBucket(call);
  const id = await uploadOf(call, b);
  const n = partNumberOf(call);
  const source = parseCopySource(header(call, 'x-amz-copy-source')!);
  const info = await sourceFile(call, source);
  const { pfs } = call.deps;
  const range = parseCopyRange(header(call, 'x-amz-copy-source-range'), info.size ?? 0);
  let part: PartInfo;
  if (!range) {
    part = await pfs.uploads.putPartChunks(b.repo, id, n, { size: info.size ?? 0, hash: info.hash!, chunks: info.chunks ?? [] });
  } else {
    const pinned = { ...source.ref, target: { kind: 'commit' as const, id: info.commit } };
    const bytes = await pfs.getFile(pinned, info.path, { offset: range.start, length: range.end - range.start + 1 });
    const written = await writeFile(pfs.context.chunks, bytes);
    part = await pfs.uploads.putPartChunks(b.repo, id, n, written);
  }
  sendXml(call, 200, xmlDocument({ CopyPartResult: { LastModified: isoTime(part.writtenAt), ETag: etagOf(part) } }));
}

/** S3's floor for every part of a multipart object but the last. */
const MIN_PART_SIZE = 5 << 20;

function unquote(etag: string): string {
  return etag.trim().replace(/^"|"$/g, '');
}

/** The parts a CompleteMultipartUpload body lists, in ascending order. */
async function completionParts(call: S3Call, id: string): Promise<{ n: number; etag: string }[]> {
  // On Complete, x-amz-checksum-* describe the whole object, not this XML body: do not check them against it.
  const headers = Object.fromEntries(Object.entries(call.headers).filter(([k]) => !k.startsWith('x-amz-checksum-')));
  const doc = (await readXmlBody(objectBody(call.raw, headers, call.signer))).CompleteMultipartUpload as { Part?: { PartNumber?: string; ETag?: string }[] } | undefined;
  const parts = (doc?.Part ?? []).map((p) => ({ n: Number(p.PartNumber), etag: unquote(String(p.ETag ?? '')) }));
  if (parts.length === 0 || parts.some((p) => !Number.isInteger(p.n))) {
    throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate: CompleteMultipartUpload needs Part elements with PartNumber and ETag');
  }
  for (let i = 1; i < parts.length; i++) {
    if (parts[i]!.n <= parts[i - 1]!.n) throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.', { UploadId: id });
  }
  return parts;
}

function sendCompleted(call: S3Call, b: BucketView, versionId: string, etag: string, attrs: Readonly<Record<string, string>> | undefined): void {
  call.reply.header('x-amz-version-id', versionId);
  sendXml(call, 200, xmlDocument({
    CompleteMultipartUploadResult: { Location: `/${b.name}/${call.key}`, Bucket: b.name, Key: call.key, ETag: etag, ...checksumElements(attrs) },
  }));
}

/**
 * A retried Complete of an upload already completed (by this server before a
 * restart, or by another sharing the metadata store): S3 answers the same
 * 200 again, so a client that lost the first answer does not fail. Only for
 * the same parts list, and while the key still holds what that upload wrote.
 */
async function replayCompleted(call: S3Call, b: BucketView, id: string, notFound: unknown): Promise<void> {
  const done = await call.deps.pfs.uploads.completed(b.repo, id);
  const path = keyPath(call.key);
  if (!done || done.branch !== b.branch || done.path !== path) throw notFound;
  return replayParts(call, b, id, await completionParts(call, id), notFound);
}

async function replayParts(call: S3Call, b: BucketView, id: string, parts: { n: number; etag: string }[], notFound: unknown): Promise<void> {
  const done = await call.deps.pfs.uploads.completed(b.repo, id);
  const path = keyPath(call.key);
  if (!done || done.branch !== b.branch || done.path !== path || partsDigest(parts) !== done.receipt.partsDigest) throw notFound;
  const head = await call.deps.pfs.inspectFile(readRef(b), path).catch(() => undefined);
  if (head?.type !== 'file' || head.hash !== done.hash) throw notFound;
  sendCompleted(call, b, done.commit, etagOf(head), head.attrs); // the same object: the same ETag
}

export async function completeUpload(call: S3Call): Promise<void> {
  const b = await writableBucket(call);
  let id: string;
  try {
    id = await uploadOf(call, b);
  } catch (err) {
    if (!(err instanceof S3Error && err.code === 'NoSuchUpload')) throw err;
    return replayCompleted(call, b, call.query.get('uploadId') ?? '', err);
  }
  const parts = await completionParts(call, id);
  const path = keyPath(call.key);
  await writePreconditions(call, b, path);
  let chunkCount = 0;
  const check = (stored: Map<number, PartInfo>): void => {
    for (const [i, p] of parts.entries()) {
      chunkCount += stored.get(p.n)?.chunks.length ?? 0;
      const s = stored.get(p.n);
      if (!s || (p.etag !== '' && p.etag !== unquote(etagOf(s)))) {
        throw new S3Error('InvalidPart', `One or more of the specified parts could not be found or its ETag did not match: part ${p.n}`, { UploadId: id, PartNumber: String(p.n) });
      }
      if (i < parts.length - 1 && s.size < MIN_PART_SIZE) {
        throw new S3Error('EntityTooSmall', `Your proposed upload is smaller than the minimum allowed size: part ${p.n} is ${s.size} bytes; every part but the last must be at least 5 MiB`, { UploadId: id, PartNumber: String(p.n), ProposedSize: String(s.size), MinSizeAllowed: String(MIN_PART_SIZE) });
      }
    }
  };
  let done;
  let attrs: Record<string, string> | undefined;
  try {
    done = await call.deps.pfs.uploads.complete(b.repo, id, parts.map((p) => p.n), {
      check,
      receipt: { partsDigest: partsDigest(parts) },
      guard: writeGuard(call, path),
      attrs: (upload, used) => (attrs = completedAttrs(upload, used)),
    });
  } catch (err) {
    // Another Complete of this upload landed first: answer as a retry would be answered.
    if (!isStrataError(err, 'UPLOAD_NOT_FOUND')) throw err;
    const notFound = new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: id });
    return replayParts(call, b, id, parts, notFound);
  }
  sendCompleted(call, b, done.commit.id, `"${done.hash}-${chunkCount}"`, attrs);
}

export async function abortUpload(call: S3Call): Promise<void> {
  const b = await writableBucket(call);
  const id = await uploadOf(call, b);
  await call.deps.pfs.uploads.abort(b.repo, id);
  void call.reply.code(204).send();
}

export async function listParts(call: S3Call): Promise<void> {
  const b = await writableBucket(call);
  const id = await uploadOf(call, b);
  const marker = Number(call.query.get('part-number-marker') ?? 0);
  const max = Math.min(Number(call.query.get('max-parts') ?? 1000) || 1000, 1000);
  const all = (await call.deps.pfs.uploads.listParts(b.repo, id)).filter((p) => p.part > marker);
  const shown = all.slice(0, max);
  const truncated = all.length > max;
  sendXml(call, 200, xmlDocument({
    ListPartsResult: {
      Bucket: b.name, Key: call.key, UploadId: id, PartNumberMarker: marker, ...(truncated ? { NextPartNumberMarker: shown.at(-1)!.part } : {}),
      MaxParts: max, IsTruncated: truncated, StorageClass: 'STANDARD',
      Part: shown.map((p) => ({ PartNumber: p.part, LastModified: isoTime(p.writtenAt), ETag: etagOf(p), Size: p.size, ...checksumElements(p.checksums) })),
    },
  }));
}

export async function listUploads(call: S3Call): Promise<void> {
  const b = await writableBucket(call);
  const prefix = call.query.get('prefix') ?? '';
  const uploads = (await call.deps.pfs.uploads.list(b.repo))
    .filter((u) => u.branch === b.branch && u.path.slice(1).startsWith(prefix))
    .sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : x.startedAt - y.startedAt));
  sendXml(call, 200, xmlDocument({
    ListMultipartUploadsResult: {
      Bucket: b.name, KeyMarker: '', UploadIdMarker: '', Prefix: prefix, MaxUploads: 1000, IsTruncated: false,
      Upload: uploads.map((u) => ({ Key: u.path.slice(1), UploadId: u.id, Initiated: isoTime(u.startedAt), StorageClass: 'STANDARD' })),
    },
  }));
}
