// Multipart uploads over the core's durable upload parts (src/pfs/uploads.ts):
// create, upload part (or copy a part from an object), complete (one commit),
// abort, list parts, list uploads.
import { writeFile } from '../../src/blocks/file-io.ts';
import type { PartInfo, UploadInfo } from '../../src/pfs/uploads.ts';
import { checksumFor, fullObjectCrc, isChecksumAlgorithm, isCrc } from './checksums.ts';
import { BODY_HASH_THREADS, LentBlocks, bodyLength, objectBody, sendsChecksum } from './body.ts';
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
  return (await uploadInfoOf(call, b)).id;
}

async function uploadInfoOf(call: S3Call, b: BucketView): Promise<UploadInfo> {
  const id = call.query.get('uploadId') ?? '';
  const up = await call.deps.pfs.uploads.inspect(b.repo, id).catch(() => undefined);
  if (!up || up.branch !== b.branch || up.path !== keyPath(call.key)) {
    throw new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: id });
  }
  return up;
}

/** The checksum header every part of an upload created with x-amz-checksum-algorithm has (computed here when the client sent none). */
function partChecksumName(upload: UploadInfo): string[] {
  const want = uploadChecksum(upload);
  return want ? [`x-amz-checksum-${want.algorithm}`] : [];
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
  const upload = await uploadInfoOf(call, b);
  const n = partNumberOf(call);
  const verified: Record<string, string> = {};
  // Lent blocks: putPart's writeFile with one hash thread keeps LentBlocks' rule.
  const lender = new LentBlocks();
  const body = objectBody(call.raw, call.headers, call.signer, verified, partChecksumName(upload), lender);
  const leave = call.deps.uploadHeap?.enter();
  let part;
  try {
    part = await call.deps.pfs.uploads.putPart(b.repo, upload.id, n, body, { checksums: () => verified, concurrency: BODY_HASH_THREADS, expectBytes: bodyLength(call.headers) });
  } finally {
    lender.done();
    leave?.();
  }
  // Echoed: the checksums the client sent (one computed here is kept with the part, not echoed, as on S3).
  const echoed = Object.fromEntries(Object.entries(verified).filter(([name]) => sendsChecksum(call.headers, name)));
  void call.reply.code(200).headers({ etag: etagOf(part), ...echoed }).send();
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
  const upload = await uploadInfoOf(call, b);
  const id = upload.id;
  const n = partNumberOf(call);
  const source = parseCopySource(header(call, 'x-amz-copy-source')!);
  const info = await sourceFile(call, source);
  const { pfs } = call.deps;
  const range = parseCopyRange(header(call, 'x-amz-copy-source-range'), info.size ?? 0);
  const pinned = { ...source.ref, target: { kind: 'commit' as const, id: info.commit } };
  // An upload with a checksum algorithm needs every part's checksum: computed over the copied bytes.
  const wanted = partChecksumName(upload);
  const sums = wanted.map((name) => ({ name, sum: checksumFor(name)! }));
  let part: PartInfo;
  if (!range) {
    if (sums.length > 0) for await (const piece of await pfs.getFile(pinned, info.path)) for (const s of sums) s.sum.update(piece as Buffer);
    const checksums = Object.fromEntries(sums.map((s) => [s.name, s.sum.digestBase64()]));
    part = await pfs.uploads.putPartChunks(b.repo, id, n, { size: info.size ?? 0, hash: info.hash!, chunks: info.chunks ?? [], checksums });
  } else {
    const bytes = await pfs.getFile(pinned, info.path, { offset: range.start, length: range.end - range.start + 1 });
    const written = await writeFile(pfs.context.chunks, (async function* () {
      for await (const piece of bytes) {
        for (const s of sums) s.sum.update(piece as Buffer);
        yield piece as Buffer;
      }
    })());
    part = await pfs.uploads.putPartChunks(b.repo, id, n, { ...written, checksums: Object.fromEntries(sums.map((s) => [s.name, s.sum.digestBase64()])) });
  }
  sendXml(call, 200, xmlDocument({ CopyPartResult: { LastModified: isoTime(part.writtenAt), ETag: etagOf(part), ...checksumElements(part.checksums) } }));
}

/** S3's floor for every part of a multipart object but the last. */
const MIN_PART_SIZE = 5 << 20;

function unquote(etag: string): string {
  return etag.trim().replace(/^"|"$/g, '');
}

interface CompletionPart {
  n: number;
  etag: string;
  /** The part's checksums as the body gives them (ChecksumSHA256 -> x-amz-checksum-sha256). */
  checksums: Record<string, string>;
}

function partChecksums(p: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) {
    const m = /^Checksum([A-Z0-9]+)$/.exec(k);
    if (m && isChecksumAlgorithm(m[1]!.toLowerCase())) out[`x-amz-checksum-${m[1]!.toLowerCase()}`] = String(v).trim();
  }
  return out;
}

/** The parts a CompleteMultipartUpload body lists, in ascending order. */
async function completionParts(call: S3Call, id: string): Promise<CompletionPart[]> {
  // On Complete, x-amz-checksum-* describe the whole object, not this XML body: do not check them against it.
  const headers = Object.fromEntries(Object.entries(call.headers).filter(([k]) => !k.startsWith('x-amz-checksum-')));
  const doc = (await readXmlBody(objectBody(call.raw, headers, call.signer))).CompleteMultipartUpload as { Part?: ({ PartNumber?: string; ETag?: string } & Record<string, unknown>)[] } | undefined;
  const parts = (doc?.Part ?? []).map((p) => ({ n: Number(p.PartNumber), etag: unquote(String(p.ETag ?? '')), checksums: partChecksums(p) }));
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

async function replayParts(call: S3Call, b: BucketView, id: string, parts: CompletionPart[], notFound: unknown): Promise<void> {
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
      for (const [name, value] of Object.entries(p.checksums)) {
        if (s.checksums?.[name] !== value) {
          throw new S3Error('InvalidPart', `One or more of the specified parts could not be found or its checksum did not match: the ${name.slice('x-amz-checksum-'.length).toUpperCase()} given for part ${p.n} is not the part's`, { UploadId: id, PartNumber: String(p.n) });
        }
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
      attrs: (upload, used) => (attrs = wholeObjectChecked(call, upload, parts, used, completedAttrs(upload, used))),
    });
  } catch (err) {
    // Another Complete of this upload landed first: answer as a retry would be answered.
    if (!isStrataError(err, 'UPLOAD_NOT_FOUND')) throw err;
    const notFound = new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: id });
    return replayParts(call, b, id, parts, notFound);
  }
  sendCompleted(call, b, done.commit.id, `"${done.hash}-${chunkCount}"`, attrs);
}

/** `abc=-3` -> [`abc=`, `3`]: a COMPOSITE value and its part count, which a client may leave off. */
function splitComposite(value: string): [string, string | undefined] {
  const m = /^(.*)-(\d+)$/.exec(value);
  return m ? [m[1]!, m[2]] : [value, undefined];
}

/**
 * What Complete says about the whole object, checked against what its parts
 * make before anything is committed: x-amz-checksum-type (InvalidRequest
 * unless it is the upload's), x-amz-mp-object-size (InvalidRequest unless it
 * is the size), x-amz-checksum-<algorithm> (BadDigest unless it is the
 * object's checksum; for COMPOSITE with or without its `-<parts>`; a CRC the
 * upload was not created with is combined from the parts' CRCs when they all
 * have one, and kept as FULL_OBJECT), and, for an upload created with a
 * checksum algorithm, the parts list: numbered 1, 2, 3, ... (InvalidPartOrder)
 * and, for COMPOSITE, naming each part's checksum (InvalidRequest), as on S3.
 */
function wholeObjectChecked(call: S3Call, upload: UploadInfo, listed: readonly CompletionPart[], used: readonly PartInfo[], attrs: Record<string, string>): Record<string, string> {
  const want = uploadChecksum(upload);
  const type = header(call, 'x-amz-checksum-type')?.toUpperCase();
  if (type !== undefined && type !== want?.type) {
    throw new S3Error('InvalidRequest', `x-amz-checksum-type ${type} does not match the upload's: it was created ${want ? `with ${want.type}` : 'without a checksum algorithm'}`);
  }
  const size = used.reduce((n, p) => n + p.size, 0);
  const sizeHeader = header(call, 'x-amz-mp-object-size');
  if (sizeHeader !== undefined && !(/^\d+$/.test(sizeHeader.trim()) && Number(sizeHeader) === size)) {
    throw new S3Error('InvalidRequest', `x-amz-mp-object-size ${sizeHeader} does not match the object's size, ${size} bytes`);
  }
  const out = { ...attrs };
  for (const [name, value] of Object.entries(call.headers)) {
    const algorithm = /^x-amz-checksum-([a-z0-9]+)$/.exec(name)?.[1];
    if (!algorithm || !isChecksumAlgorithm(algorithm) || typeof value !== 'string') continue;
    let derived = attrs[name];
    if (derived === undefined && isCrc(algorithm) && used.every((p) => p.checksums?.[name] !== undefined)) {
      derived = fullObjectCrc(algorithm, used.map((p) => ({ checksum: p.checksums![name]!, size: p.size })));
      if (!Object.keys(out).some((k) => k.startsWith('x-amz-checksum-'))) Object.assign(out, { [name]: derived, 'x-amz-checksum-type': 'FULL_OBJECT' });
    }
    if (derived === undefined) {
      throw new S3Error('InvalidRequest', `${name} cannot be checked: the upload was not created with x-amz-checksum-algorithm ${algorithm.toUpperCase()}, or not every part has that checksum`);
    }
    const [given, givenParts] = splitComposite(value.trim());
    const [ours, ourParts] = splitComposite(derived);
    if (given !== ours || (givenParts !== undefined && givenParts !== (ourParts ?? '1'))) {
      throw new S3Error('BadDigest', `the ${name} you specified (${value.trim()}) did not match the object's (${derived})`);
    }
  }
  if (want) {
    listed.forEach((p, i) => {
      if (p.n !== i + 1) throw new S3Error('InvalidPartOrder', `The upload was created with a ${want.algorithm.toUpperCase()} checksum: its parts must be numbered 1, 2, 3, ... without gaps, and part ${p.n} is listed where part ${i + 1} should be`, { UploadId: upload.id });
    });
    const name = `x-amz-checksum-${want.algorithm}`;
    const missing = want.type === 'COMPOSITE' ? listed.find((p) => p.checksums[name] === undefined) : undefined;
    if (missing) {
      throw new S3Error('InvalidRequest', `The upload was created using a ${want.algorithm} checksum. The complete request must include the checksum for each part. It was missing for part ${missing.n} in the request.`);
    }
  }
  return out;
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
