// What the gateway keeps about how an object was uploaded, in its index
// entry's attributes beside the user metadata (metadata.ts): the part sizes of
// a multipart object (for GetObject/HeadObject ?partNumber and
// GetObjectAttributes) and the x-amz-checksum-* values a client sent and the
// gateway verified (or, for a multipart object, derived from its parts'), so
// GET/HEAD with x-amz-checksum-mode: ENABLED return them as S3 does.
import type { FileInfo } from '../../src/pfs/types.ts';
import type { PartInfo, UploadInfo } from '../../src/pfs/uploads.ts';
import { compositeChecksum, fullObjectCrc, isChecksumAlgorithm, isCrc, type ChecksumAlgorithm } from './checksums.ts';
import { header, type S3Call } from './context.ts';
import { S3Error } from './errors.ts';

/** Part sizes of a multipart object, run-length encoded: `8388608*12,1048576`. */
export const PARTS_ATTR = 's3-parts';
const MAX_PARTS = 10_000;
/**
 * Each part's verified checksum of a multipart object, for `?partNumber` reads:
 * `<algorithm>:<part 1>,<part 2>,...` (base64 has no commas). A part is at
 * least 5 MiB, so its checksum (at most 44 characters) is small beside the
 * chunk references of its bytes in the same index entry.
 */
export const PART_CHECKSUMS_ATTR = 's3-part-checksums';
/** FULL_OBJECT or COMPOSITE, beside the object's `x-amz-checksum-<algorithm>` attribute. */
export const CHECKSUM_TYPE_ATTR = 'x-amz-checksum-type';
const CHECKSUM_PREFIX = 'x-amz-checksum-';
/** On an upload in progress: the algorithm and type CreateMultipartUpload asked for. */
const UPLOAD_ALGORITHM_ATTR = 's3-checksum-algorithm';
const UPLOAD_TYPE_ATTR = 's3-checksum-type';

export function encodePartSizes(sizes: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < sizes.length; ) {
    let j = i;
    while (j < sizes.length && sizes[j] === sizes[i]) j++;
    runs.push(j - i === 1 ? String(sizes[i]) : `${sizes[i]}*${j - i}`);
    i = j;
  }
  return runs.join(',');
}

export function decodePartSizes(value: string | undefined): number[] | undefined {
  if (!value) return undefined;
  const out: number[] = [];
  for (const run of value.split(',')) {
    const [size, count] = run.split('*');
    const n = Number(count ?? 1);
    if (!(Number.isSafeInteger(n) && n >= 1 && out.length + n <= MAX_PARTS)) return undefined; // not ours: treat as one part
    for (let k = 0; k < n; k++) out.push(Number(size));
  }
  return out;
}

/** The verified checksums of a single PUT, as attributes. */
export function checksumAttrs(verified: Readonly<Record<string, string>>): Record<string, string> {
  const names = Object.keys(verified).filter((n) => n.startsWith(CHECKSUM_PREFIX));
  if (names.length === 0) return {};
  return { ...Object.fromEntries(names.map((n) => [n, verified[n]!])), [CHECKSUM_TYPE_ATTR]: 'FULL_OBJECT' };
}

/** The checksum algorithm and type CreateMultipartUpload asks for (x-amz-checksum-algorithm, x-amz-checksum-type). */
export function uploadChecksumAttrs(call: S3Call): Record<string, string> {
  const algorithm = header(call, 'x-amz-checksum-algorithm')?.toLowerCase();
  const type = header(call, 'x-amz-checksum-type')?.toUpperCase();
  if (algorithm === undefined) {
    if (type !== undefined) throw new S3Error('InvalidRequest', 'x-amz-checksum-type needs x-amz-checksum-algorithm');
    return {};
  }
  if (!isChecksumAlgorithm(algorithm)) throw new S3Error('InvalidRequest', `Checksum algorithm "${algorithm}" is not supported: use CRC32, CRC32C, CRC64NVME, SHA1 or SHA256`);
  const chosen = type ?? (algorithm === 'crc64nvme' ? 'FULL_OBJECT' : 'COMPOSITE');
  if (chosen !== 'FULL_OBJECT' && chosen !== 'COMPOSITE') throw new S3Error('InvalidRequest', `x-amz-checksum-type "${type}" is not FULL_OBJECT or COMPOSITE`);
  if (chosen === 'FULL_OBJECT' && !isCrc(algorithm)) throw new S3Error('InvalidRequest', `The FULL_OBJECT checksum type is for CRC algorithms only, not ${algorithm.toUpperCase()}`);
  if (chosen === 'COMPOSITE' && algorithm === 'crc64nvme') throw new S3Error('InvalidRequest', 'CRC64NVME checksums of multipart uploads are FULL_OBJECT only');
  return { [UPLOAD_ALGORITHM_ATTR]: algorithm, [UPLOAD_TYPE_ATTR]: chosen };
}

export function uploadChecksum(upload: { attrs?: Readonly<Record<string, string>> }): { algorithm: ChecksumAlgorithm; type: string } | undefined {
  const algorithm = upload.attrs?.[UPLOAD_ALGORITHM_ATTR];
  return algorithm && isChecksumAlgorithm(algorithm) ? { algorithm, type: upload.attrs![UPLOAD_TYPE_ATTR] ?? 'COMPOSITE' } : undefined;
}

/**
 * The attributes of a completed multipart object: the upload's (without its
 * checksum request), its part sizes, and the checksum the upload asked for
 * when every part carried one (COMPOSITE: over the parts' checksums, with
 * `-<parts>`; FULL_OBJECT: the parts' CRCs combined into the whole object's).
 */
export function completedAttrs(upload: UploadInfo, parts: readonly PartInfo[]): Record<string, string> {
  const { [UPLOAD_ALGORITHM_ATTR]: _a, [UPLOAD_TYPE_ATTR]: _t, ...attrs } = upload.attrs ?? {};
  const out: Record<string, string> = { ...attrs, [PARTS_ATTR]: encodePartSizes(parts.map((p) => p.size)) };
  const want = uploadChecksum(upload);
  const name = want && `${CHECKSUM_PREFIX}${want.algorithm}`;
  if (want && name && parts.every((p) => p.checksums?.[name] !== undefined)) {
    out[name] = want.type === 'FULL_OBJECT'
      ? fullObjectCrc(want.algorithm, parts.map((p) => ({ checksum: p.checksums![name]!, size: p.size })))
      : compositeChecksum(want.algorithm, parts.map((p) => p.checksums![name]!));
    out[CHECKSUM_TYPE_ATTR] = want.type;
    out[PART_CHECKSUMS_ATTR] = `${want.algorithm}:${parts.map((p) => p.checksums![name]!).join(',')}`;
  }
  return out;
}

/** Attributes a copy keeps from its source: not the part layout (a copy is one part), nor a COMPOSITE checksum (it describes those parts). */
export function copyableAttrs(attrs: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const composite = attrs?.[CHECKSUM_TYPE_ATTR] === 'COMPOSITE';
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (k === PARTS_ATTR || k === PART_CHECKSUMS_ATTR || (composite && k.startsWith(CHECKSUM_PREFIX))) continue;
    out[k] = v;
  }
  return out;
}

/** Only the checksum attributes of a copy's source (a REPLACE copy keeps them: the bytes are the same). */
export function checksumsOf(attrs: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const kept = copyableAttrs(attrs);
  return Object.fromEntries(Object.entries(kept).filter(([k]) => k.startsWith(CHECKSUM_PREFIX)));
}

/** x-amz-checksum-* headers of a whole object (GET/HEAD with x-amz-checksum-mode: ENABLED). */
export function checksumHeaders(info: FileInfo): Record<string, string> {
  return Object.fromEntries(Object.entries(info.attrs ?? {}).filter(([k]) => k.startsWith(CHECKSUM_PREFIX)));
}

/** The checksum of an object as GetObjectAttributes and CompleteMultipartUpload's XML name it: ChecksumCRC32, ... */
export function checksumElements(attrs: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (k === CHECKSUM_TYPE_ATTR) out.ChecksumType = v;
    else if (k.startsWith(CHECKSUM_PREFIX)) out[`Checksum${k.slice(CHECKSUM_PREFIX.length).toUpperCase()}`] = v;
  }
  return out;
}

/**
 * The checksum of part `n` of an object, as S3 answers a `?partNumber` read:
 * the part's own checksum (and the object's checksum type) for a multipart
 * object whose parts all carried one; for an object of one part, the whole
 * object's. Empty when none was kept.
 */
export function partChecksumHeaders(info: FileInfo, n: number): Record<string, string> {
  const kept = info.attrs?.[PART_CHECKSUMS_ATTR];
  if (kept === undefined) return decodePartSizes(info.attrs?.[PARTS_ATTR]) === undefined && n === 1 ? checksumHeaders(info) : {};
  const colon = kept.indexOf(':');
  const algorithm = kept.slice(0, colon);
  const value = kept.slice(colon + 1).split(',')[n - 1];
  if (colon < 0 || !isChecksumAlgorithm(algorithm) || !value) return {};
  const type = info.attrs?.[CHECKSUM_TYPE_ATTR];
  return { [`${CHECKSUM_PREFIX}${algorithm}`]: value, ...(type ? { [CHECKSUM_TYPE_ATTR]: type } : {}) };
}

/** Part `n` (1-based) of an object: its byte range and the object's part count; a single-part object has one part. */
export function partOf(info: FileInfo, n: number): { start: number; end: number; count: number } {
  const size = info.size ?? 0;
  const sizes = decodePartSizes(info.attrs?.[PARTS_ATTR]) ?? [size];
  if (!(n >= 1 && n <= sizes.length)) {
    throw new S3Error('InvalidPartNumber', `The requested partnumber is not satisfiable: the object has ${sizes.length} part${sizes.length === 1 ? '' : 's'}`, { PartNumberRequested: String(n), ActualPartCount: String(sizes.length) });
  }
  let start = 0;
  for (let i = 0; i < n - 1; i++) start += sizes[i]!;
  return { start, end: start + sizes[n - 1]! - 1, count: sizes.length };
}

