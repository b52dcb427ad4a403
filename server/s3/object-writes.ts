// PutObject and CopyObject (deletes are in object-deletes.ts). Each request is one
// commit on the bucket's branch, or lands in the branch's open commit when
// one is open (so a job can write many objects as one commit). A request
// that changes nothing makes no commit.
import { writeFile } from '../../src/blocks/file-io.ts';
import { isStrataError } from '../../src/errors/index.ts';
import type { FilePath } from '../../src/ids.ts';
import type { FileInfo } from '../../src/pfs/types.ts';
import type { WriteGuard } from '../../src/pfs/file-writer.ts';
import { requireBucket } from './buckets.ts';
import type { Ref } from '../../src/ref.ts';
import { BODY_HASH_THREADS, LentBlocks, objectBody } from './body.ts';
import { parseBucket, readRef, requireWritable, type BucketView } from './bucket-names.ts';
import { EMPTY_ETAG, etagOf, header, isoTime, keyPath, sendXml, type S3Call } from './context.ts';
import { attrsForCopy, attrsFromRequest, modifiedAt } from './metadata.ts';
import { checksumAttrs } from './object-parts.ts';
import { requireAction } from './access.ts';
import { S3Error } from './errors.ts';
import { xmlDocument } from './xml.ts';
import { decodeComponent } from './sigv4.ts';

export async function writable(call: S3Call): Promise<BucketView> {
  const b = parseBucket(call.bucket);
  requireWritable(b);
  await requireBucket(call.deps.pfs, b);
  return b;
}

/** Drains a body we do not store (a directory marker must be empty). */
async function bodySize(body: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const piece of body) n += piece.length;
  return n;
}

export async function putObject(call: S3Call): Promise<void> {
  const b = await writable(call);
  const verified: Record<string, string> = {};
  // Lent blocks: writeFile with one hash thread keeps LentBlocks' rule; done() in the finally below.
  const lender = new LentBlocks();
  const body = objectBody(call.raw, call.headers, call.signer, verified, [], lender);
  if (call.key.endsWith('/')) {
    // Directories are implicit in Strata: an empty `dir/` marker is accepted and stores nothing.
    if ((await bodySize(body)) !== 0) throw new S3Error('InvalidArgument', `key "${call.key}" ends in "/", which names a directory: it can only be an empty marker object`, { Key: call.key });
    void call.reply.code(200).header('etag', EMPTY_ETAG).send();
    return;
  }
  const path = keyPath(call.key);
  const { pfs } = call.deps;
  const attrs = attrsFromRequest(call, call.deps.now());
  await writePreconditions(call, b, path);
  const w = await pfs.openWriter(b.repo, { branch: b.branch }, { guard: writeGuard(call, path) });
  let file;
  const leave = call.deps.uploadHeap?.enter();
  try {
    const written = await writeFile(pfs.context.chunks, body, { concurrency: BODY_HASH_THREADS });
    file = await w.putChunks(path, written.chunks, { attrs: { ...attrs, ...checksumAttrs(verified) } });
    file = { ...file, chunks: written.chunks };
  } catch (err) {
    await w.abort(err);
    throw err;
  } finally {
    lender.done();
    leave?.();
  }
  const commit = await w.close();
  void call.reply.code(200).headers({ etag: etagOf(file), 'x-amz-version-id': commit.id, ...verified }).send();
}

/** `x-amz-copy-source`: `bucket/key` or `/bucket/key`, URL-encoded, optionally `?versionId=`. */
export function parseCopySource(value: string): { bucket: BucketView; key: string; ref: Ref } {
  const [pathPart, query] = value.split('?', 2) as [string, string | undefined];
  const decoded = decodeComponent(pathPart.replace(/^\//, ''));
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw new S3Error('InvalidArgument', `x-amz-copy-source "${value}" must be bucket/key`, { ArgumentName: 'x-amz-copy-source' });
  const bucket = parseBucket(decoded.slice(0, slash));
  const versionId = query ? new URLSearchParams(query).get('versionId') ?? undefined : undefined;
  return { bucket, key: decoded.slice(slash + 1), ref: readRef(bucket, versionId) };
}

export async function sourceFile(call: S3Call, source: { key: string; ref: Ref }): Promise<FileInfo> {
  requireAction(call, 'read', source.ref.repo); // a copy reads its source: the caller needs reader there too
  try {
    const info = await call.deps.pfs.inspectFile(source.ref, keyPath(source.key));
    if (info.type === 'file') return info;
  } catch (err) {
    if (!isStrataError(err) || err.kind !== 'NotFound' || isStrataError(err, 'REPO_NOT_FOUND')) throw err;
  }
  throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: source.key });
}

/** x-amz-copy-source-if-match / -if-none-match (ETags) / -if-(un)modified-since, against the source. */
function copySourcePreconditions(call: S3Call, info: FileInfo): void {
  const etag = etagOf(info);
  const is = (v: string): boolean => v.split(',').some((t) => t.trim() === '*' || t.trim() === etag || `"${t.trim()}"` === etag);
  const failed = (condition: string): S3Error => new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: condition });
  const ifMatch = header(call, 'x-amz-copy-source-if-match');
  const ifNoneMatch = header(call, 'x-amz-copy-source-if-none-match');
  const modified = Math.floor(modifiedAt(info, 0) / 1000) * 1000;
  const ifModified = Date.parse(header(call, 'x-amz-copy-source-if-modified-since') ?? '');
  const ifUnmodified = Date.parse(header(call, 'x-amz-copy-source-if-unmodified-since') ?? '');
  if (ifMatch !== undefined && !is(ifMatch)) throw failed('x-amz-copy-source-if-match');
  if (ifNoneMatch !== undefined && is(ifNoneMatch)) throw failed('x-amz-copy-source-if-none-match');
  // Dates are checked only where the object has its own write time (see metadata.ts).
  if (modified > 0 && ifMatch === undefined && !Number.isNaN(ifUnmodified) && modified > ifUnmodified) throw failed('x-amz-copy-source-if-unmodified-since');
  if (modified > 0 && ifNoneMatch === undefined && !Number.isNaN(ifModified) && !(modified > ifModified)) throw failed('x-amz-copy-source-if-modified-since');
}

/** CopyObject by reference: the new key names the same chunks, no bytes move. */
export async function copyObject(call: S3Call): Promise<void> {
  const b = await writable(call);
  const source = parseCopySource(header(call, 'x-amz-copy-source')!);
  const info = await sourceFile(call, source);
  copySourcePreconditions(call, info);
  const sameObject = source.bucket.name === b.name && source.key === call.key && source.ref.target.kind === 'branch';
  if (sameObject && (header(call, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase() === 'COPY') {
    throw new S3Error('InvalidRequest', 'This copy request is illegal because it is trying to copy an object to itself without changing the object\'s metadata, storage class, website redirect location or encryption attributes.');
  }
  const { pfs } = call.deps;
  const now = call.deps.now();
  const attrs = attrsForCopy(call, info, now);
  const w = await pfs.openWriter(b.repo, { branch: b.branch });
  try {
    await w.copy({ ...source.ref, target: { kind: 'commit', id: info.commit } }, info.path, keyPath(call.key), { attrs });
  } catch (err) {
    await w.abort(err);
    throw err;
  }
  const commit = await w.close();
  call.reply.header('x-amz-version-id', commit.id);
  sendXml(call, 200, xmlDocument({ CopyObjectResult: { LastModified: isoTime(now), ETag: etagOf(info) } }));
}

/**
 * Conditional writes: If-None-Match `*` (create only) or an ETag (not over
 * that version), If-Match `*` (replace only) or an ETag (only over that
 * version), against the ETag the key has (undefined: none).
 */
function checkWriteConditions(call: S3Call, current: string | undefined): void {
  const ifMatch = header(call, 'if-match');
  const ifNoneMatch = header(call, 'if-none-match');
  const matches = (list: string): boolean => current !== undefined && list.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === current || `"${v}"` === current;
  });
  if (ifMatch !== undefined && current === undefined) throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: call.key });
  if (ifMatch !== undefined && !matches(ifMatch)) throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-Match' });
  if (ifNoneMatch !== undefined && matches(ifNoneMatch)) throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-None-Match' });
}

function isConditional(call: S3Call): boolean {
  return header(call, 'if-match') !== undefined || header(call, 'if-none-match') !== undefined;
}

/**
 * A conditional write is checked twice: before the body is read (so a
 * refused write does not upload its bytes) and again as the commit lands,
 * atomically with it (the guard runs against the head the commit's
 * compare-and-set moves), so two racing conditional writes cannot both win.
 */
export function writeGuard(call: S3Call, path: FilePath): WriteGuard | undefined {
  if (!isConditional(call)) return undefined;
  return async (before) => {
    const f = await before(path);
    checkWriteConditions(call, f ? etagOf(f) : undefined);
  };
}

export async function writePreconditions(call: S3Call, b: BucketView, path: FilePath): Promise<void> {
  if (!isConditional(call)) return;
  checkWriteConditions(call, await currentEtag(call, b, path));
}

async function currentEtag(call: S3Call, b: BucketView, path: FilePath): Promise<string | undefined> {
  const info = await fileOrUndefined(call, readRef(b), path);
  return info ? etagOf(info) : undefined;
}

/** The file at `path` in `ref`, or undefined when there is none (a directory, or no such path). */
export async function fileOrUndefined(call: S3Call, ref: Ref, path: FilePath): Promise<FileInfo | undefined> {
  try {
    const info = await call.deps.pfs.inspectFile(ref, path);
    return info.type === 'file' ? info : undefined;
  } catch (err) {
    if (isStrataError(err) && err.kind === 'NotFound' && !isStrataError(err, 'REPO_NOT_FOUND')) return undefined;
    throw err;
  }
}
