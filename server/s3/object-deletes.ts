// DeleteObject and DeleteObjects, plain or conditional. Each request is one
// commit on the bucket's branch (or lands in its open commit), and one that
// deletes nothing makes none. Conditional deletes (If-Match,
// x-amz-if-match-last-modified-time, x-amz-if-match-size; in DeleteObjects
// the ETag, LastModifiedTime and Size of an Object) are checked against the
// object the delete would remove, before anything is staged and again as the
// commit lands, so a delete never removes an object that changed under it.
import { isStrataError } from '../../src/errors/index.ts';
import type { FilePath } from '../../src/ids.ts';
import type { WriteGuard } from '../../src/pfs/file-writer.ts';
import type { FileInfo } from '../../src/pfs/types.ts';
import { objectBody } from './body.ts';
import { readRef, type BucketView } from './bucket-names.ts';
import { commitTime, etagOf, header, keyPath, sendXml, type S3Call } from './context.ts';
import { S3Error } from './errors.ts';
import { modifiedAt } from './metadata.ts';
import { fileOrUndefined, writable } from './object-writes.ts';
import { readXmlBody, xmlDocument } from './xml.ts';

/** What the object must be for the delete to go ahead (each left out is not checked). */
interface DeleteConditions {
  etag?: string;
  /** Milliseconds; compared to the second, as Last-Modified is written. */
  modified?: number;
  size?: number;
}

/** One key DeleteObject / DeleteObjects is asked to delete, the version (a commit id) if one was named, and its conditions. */
interface DeleteTarget {
  key: string;
  versionId?: string;
  conditions: DeleteConditions;
}

interface DeleteOutcome {
  key: string;
  versionId?: string;
  /** A delete of the current object: the commit that records it is the key's delete marker. */
  marker: boolean;
}

/** A delete whose object changed between its check and its commit: the whole request is tried again from the start. */
class ChangedMeanwhile extends Error {}

const LANDING_TRIES = 3;

function failed(condition: string): S3Error {
  return new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: condition });
}

function parseSize(value: string, name: string): number {
  if (!/^\d{1,15}$/.test(value.trim())) throw new S3Error('InvalidArgument', `${name} must be a size in bytes, not "${value}"`, { ArgumentName: name, ArgumentValue: value });
  return Number(value.trim());
}

function parseTime(value: string, name: string): number {
  const t = Date.parse(value.trim());
  if (Number.isNaN(t)) throw new S3Error('InvalidArgument', `${name} must be a date, not "${value}"`, { ArgumentName: name, ArgumentValue: value });
  return t;
}

function hasConditions(c: DeleteConditions): boolean {
  return c.etag !== undefined || c.modified !== undefined || c.size !== undefined;
}

/**
 * Throws PreconditionFailed unless `file` (with its Last-Modified time in
 * ms) meets every condition. A key that is not there meets them all: there
 * is nothing to delete, and the delete succeeds as any delete of a missing key does.
 */
function checkConditions(c: DeleteConditions, file: FileInfo | undefined, modified: number): void {
  if (!file) return;
  if (c.etag !== undefined) {
    const etag = etagOf(file);
    const match = c.etag.split(',').some((t) => {
      const v = t.trim();
      return v === '*' || v === etag || `"${v}"` === etag;
    });
    if (!match) throw failed('If-Match');
  }
  if (c.modified !== undefined && Math.floor(c.modified / 1000) !== Math.floor(modified / 1000)) throw failed('x-amz-if-match-last-modified-time');
  if (c.size !== undefined && c.size !== (file.size ?? 0)) throw failed('x-amz-if-match-size');
}

/** The same object: the same bytes and the same stored metadata (so the same ETag and headers). */
function sameObject(a: { hash?: string; size?: number; attrs?: Readonly<Record<string, string>> }, b: { hash?: string; size?: number; attrs?: Readonly<Record<string, string>> }): boolean {
  if (a.hash !== b.hash || a.size !== b.size) return false;
  const x = a.attrs ?? {};
  const y = b.attrs ?? {};
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => x[k] === y[k]);
}

/**
 * The object a delete would remove, checked against the target's
 * conditions: the current object, or with a version id the object at that
 * commit (checked only while the key has a current object). Returns the current object when the delete removes the key, else
 * undefined. With a version (a commit id) the key is removed only when that
 * version is the current object, i.e. the key reads the same at that commit
 * as at the head (S3 would then make the previous version current; Strata
 * keeps history as it is and removes the key). A non-current version is
 * never removed (every commit is kept), so deleting it changes nothing, and
 * deleting the current object never happens by naming an old version.
 */
async function checkedTarget(call: S3Call, b: BucketView, target: DeleteTarget, path: FilePath): Promise<FileInfo | undefined> {
  const head = await fileOrUndefined(call, readRef(b), path);
  const named = target.versionId === undefined ? head : await fileOrUndefined(call, readRef(b, target.versionId), path);
  // With no current object there is nothing a delete could remove (a named version stays in its commit):
  // it succeeds as a delete of a missing key does, whatever its conditions.
  if (head && named && hasConditions(target.conditions)) {
    const stored = modifiedAt(named, 0);
    const modified = stored > 0 || target.conditions.modified === undefined ? stored : await commitTime(call.deps.pfs, { ...readRef(b), target: { kind: 'commit', id: named.commit } });
    checkConditions(target.conditions, named, modified);
  }
  if (!head || !named) return undefined;
  return target.versionId === undefined || sameObject(named, head) ? head : undefined;
}

/**
 * The conditional deletes are checked again as a one-off commit lands,
 * against the head it lands on: an object still there must be the one
 * checked (one gone meanwhile is simply not deleted twice). An open commit
 * stages each delete at once, so there only the first check applies.
 */
function landingGuard(checked: Map<FilePath, FileInfo>): WriteGuard | undefined {
  if (checked.size === 0) return undefined;
  return async (before) => {
    for (const [path, file] of checked) {
      const now = await before(path);
      if (now && !sameObject(now, file)) throw new ChangedMeanwhile();
    }
  };
}

/** Stages the deletes in one writer (one commit); keys that do not exist count as deleted (as on S3). */
async function deleteKeysOnce(call: S3Call, b: BucketView, targets: DeleteTarget[]): Promise<{ deleted: DeleteOutcome[]; errors: { target: DeleteTarget; err: S3Error }[]; commit?: string }> {
  const { pfs } = call.deps;
  const deleted: DeleteOutcome[] = [];
  const errors: { target: DeleteTarget; err: S3Error }[] = [];
  const removals: FilePath[] = [];
  const checked = new Map<FilePath, FileInfo>();
  for (const target of targets) {
    const { key, versionId } = target;
    try {
      const path = keyPath(key);
      if (versionId !== undefined) readRef(b, versionId); // a version id that is no commit id: InvalidArgument
      // A `dir/` marker stands for the implicit directory: deleting it deletes nothing.
      const removes = key.endsWith('/') ? undefined : await checkedTarget(call, b, target, path);
      if (removes) {
        removals.push(path);
        if (hasConditions(target.conditions)) checked.set(path, removes);
      }
      deleted.push({ key, versionId, marker: removes !== undefined && versionId === undefined });
    } catch (err) {
      if (isStrataError(err, 'FILE_NOT_FOUND')) deleted.push({ key, versionId, marker: false });
      else if (err instanceof S3Error) errors.push({ target, err });
      else throw err;
    }
  }
  if (removals.length === 0) return { deleted, errors };
  const w = await pfs.openWriter(b.repo, { branch: b.branch }, { guard: landingGuard(checked) }).catch((err: unknown) => {
    if (isStrataError(err, 'REPO_NOT_FOUND')) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: b.name });
    throw err;
  });
  try {
    for (const path of removals) await w.delete(path, { dir: false });
  } catch (err) {
    await w.abort(err);
    throw err;
  }
  const commit = await w.close();
  return { deleted, errors, commit: commit.id };
}

/** A delete whose conditional object changed while it landed is decided again on what is there now. */
async function deleteKeys(call: S3Call, b: BucketView, targets: DeleteTarget[]): ReturnType<typeof deleteKeysOnce> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deleteKeysOnce(call, b, targets);
    } catch (err) {
      if (!(err instanceof ChangedMeanwhile)) throw err;
      if (attempt >= LANDING_TRIES) throw new S3Error('PreconditionFailed', 'The object changed while the conditional delete was landing; retry it', { Condition: 'If-Match' });
    }
  }
}

/** `?versionId=`: absent, or S3's `null` (objects written before versioning, which Strata never has), is the current object. */
function versionParam(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' || value === 'null' ? undefined : value;
}

export async function deleteObject(call: S3Call): Promise<void> {
  const b = await writable(call);
  const versionId = versionParam(call.query.get('versionId'));
  const etag = header(call, 'if-match');
  const time = header(call, 'x-amz-if-match-last-modified-time');
  const size = header(call, 'x-amz-if-match-size');
  const conditions: DeleteConditions = {
    ...(etag !== undefined ? { etag } : {}),
    ...(time !== undefined ? { modified: parseTime(time, 'x-amz-if-match-last-modified-time') } : {}),
    ...(size !== undefined ? { size: parseSize(size, 'x-amz-if-match-size') } : {}),
  };
  const { deleted, errors, commit } = await deleteKeys(call, b, [{ key: call.key, versionId, conditions }]);
  if (errors[0]) throw errors[0].err;
  const headers: Record<string, string> = {};
  // The commit that removed the key is its delete marker (ListObjectVersions shows it as one).
  if (deleted[0]?.marker && commit) Object.assign(headers, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': commit });
  else if (versionId !== undefined) headers['x-amz-version-id'] = versionId;
  void call.reply.code(204).headers(headers).send();
}

type DeleteXmlObject = { Key?: unknown; VersionId?: unknown; ETag?: unknown; LastModifiedTime?: unknown; Size?: unknown };

function deleteTarget(o: DeleteXmlObject): DeleteTarget | S3Error {
  const target: DeleteTarget = { key: String(o.Key ?? ''), versionId: versionParam(o.VersionId === undefined ? undefined : String(o.VersionId)), conditions: {} };
  try {
    if (o.ETag !== undefined) target.conditions.etag = String(o.ETag);
    if (o.LastModifiedTime !== undefined) target.conditions.modified = parseTime(String(o.LastModifiedTime), 'LastModifiedTime');
    if (o.Size !== undefined) target.conditions.size = parseSize(String(o.Size), 'Size');
  } catch (err) {
    if (err instanceof S3Error) return err;
    throw err;
  }
  return target;
}

export async function deleteObjects(call: S3Call): Promise<void> {
  const b = await writable(call);
  const doc = (await readXmlBody(objectBody(call.raw, call.headers, call.signer))).Delete as { Object?: DeleteXmlObject[]; Quiet?: string } | undefined;
  const objects = doc?.Object ?? [];
  if (!doc || objects.length === 0 || objects.length > 1000 || objects.some((o) => String(o.Key ?? '') === '')) {
    throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate: a Delete needs 1 to 1000 Object elements with a Key');
  }
  const parsed = objects.map((o) => ({ o, t: deleteTarget(o) }));
  const targets = parsed.flatMap(({ t }) => (t instanceof S3Error ? [] : [t]));
  const { deleted, errors, commit } = await deleteKeys(call, b, targets);
  // A bad condition value is that key's error; the others go ahead.
  for (const { o, t } of parsed) if (t instanceof S3Error) errors.push({ target: { key: String(o.Key), versionId: versionParam(o.VersionId === undefined ? undefined : String(o.VersionId)), conditions: {} }, err: t });
  const quiet = String(doc.Quiet ?? '').trim() === 'true';
  sendXml(call, 200, xmlDocument({
    DeleteResult: {
      ...(quiet ? {} : {
        Deleted: deleted.map((d) => ({
          Key: d.key,
          ...(d.versionId !== undefined ? { VersionId: d.versionId } : {}),
          ...(d.marker && commit ? { DeleteMarker: true, DeleteMarkerVersionId: commit } : {}),
        })),
      }),
      Error: errors.map(({ target, err }) => ({ Key: target.key, ...(target.versionId !== undefined ? { VersionId: target.versionId } : {}), Code: err.code, Message: err.message })),
    },
  }));
}
