// Bucket-level calls: ListBuckets, Head/Create/DeleteBucket, location,
// versioning, and ListObjects (v1 and v2) over the bucket's commit.
import { isStrataError } from '../../src/errors/index.ts';
import { DEFAULT_BRANCH } from '../../src/ids.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import type { Ref } from '../../src/ref.ts';
import { parseBucket, readRef, requireS3BucketName, requireWritable, type BucketView } from './bucket-names.ts';
import { etagOf, isoTime, sendXml, type S3Call } from './context.ts';
import { mayRead, requireAction } from './access.ts';
import { notImplemented, S3Error } from './errors.ts';
import { listKeys, type Listed } from './list.ts';
import { modifiedAt } from './metadata.ts';
import { uriEncode } from './sigv4.ts';
import { contentsXml, readXmlBody, xmlDocument, type ContentsEntry } from './xml.ts';
import { objectBody } from './body.ts';

const OWNER = { ID: 'strata', DisplayName: 'strata' };

function noSuchBucket(b: BucketView, cause?: unknown): S3Error {
  return new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: b.name }, { cause });
}

/** The bucket's repo exists, and its branch (or pinned commit) too; the bare repo's default branch may still be unborn. */
export async function requireBucket(pfs: Pfs, b: BucketView): Promise<void> {
  try {
    await pfs.inspectRepo(b.repo);
    if (b.commit) await pfs.inspectCommit(readRef(b));
    else if (!b.isRepo) await pfs.inspectBranch(b.repo, b.branch);
  } catch (err) {
    if (isStrataError(err) && err.kind === 'NotFound') throw noSuchBucket(b, err);
    throw err;
  }
}

/** ListBuckets' `max-buckets` (1 to 10,000; absent: every bucket) and `continuation-token` (the last name of the page before, base64url). */
function bucketPaging(call: S3Call): { max: number; after: string | undefined; prefix: string } {
  const maxRaw = call.query.get('max-buckets');
  const max = maxRaw === null ? Infinity : /^\d{1,5}$/.test(maxRaw) ? Number(maxRaw) : NaN;
  if (!(max >= 1 && max <= 10_000) && max !== Infinity) throw new S3Error('InvalidArgument', 'max-buckets must be an integer from 1 to 10000', { ArgumentName: 'max-buckets', ArgumentValue: String(maxRaw) });
  const token = call.query.get('continuation-token');
  const after = token === null ? undefined : Buffer.from(token, 'base64url').toString('utf8');
  if (after !== undefined && (after === '' || Buffer.from(after, 'utf8').toString('base64url') !== token)) {
    throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
  }
  return { max, after, prefix: call.query.get('prefix') ?? '' };
}

export async function listBuckets(call: S3Call): Promise<void> {
  const { max, after, prefix } = bucketPaging(call);
  const buckets: { Name: string; CreationDate: string }[] = [];
  for (const repo of await call.deps.pfs.listRepos()) {
    if (!mayRead(call, repo.name)) continue; // with auth on, only the repos the caller may read
    buckets.push({ Name: repo.name, CreationDate: isoTime(repo.createdAt) });
    for (const branch of await call.deps.pfs.listBranches(repo.name)) {
      if (branch.name !== DEFAULT_BRANCH) buckets.push({ Name: `${branch.name}.${repo.name}`, CreationDate: isoTime(branch.createdAt) });
    }
  }
  buckets.sort((a, b) => (a.Name < b.Name ? -1 : 1));
  const wanted = buckets.filter((b) => b.Name.startsWith(prefix) && (after === undefined || b.Name > after));
  const page = wanted.slice(0, max === Infinity ? undefined : max);
  const more = page.length < wanted.length;
  sendXml(call, 200, xmlDocument({
    ListAllMyBucketsResult: {
      Owner: OWNER,
      Buckets: { Bucket: page },
      ...(more ? { ContinuationToken: Buffer.from(page.at(-1)!.Name, 'utf8').toString('base64url') } : {}),
      ...(call.query.has('prefix') ? { Prefix: prefix } : {}),
    },
  }));
}

export async function headBucket(call: S3Call): Promise<void> {
  await requireBucket(call.deps.pfs, parseBucket(call.bucket));
  void call.reply.code(200).header('x-amz-bucket-region', call.deps.region).send();
}

/** `repo` creates the repo (and its main branch); `branch.repo` creates the branch (and the repo if needed). */
export async function createBucket(call: S3Call): Promise<void> {
  const b = parseBucket(call.bucket);
  requireWritable(b);
  requireS3BucketName(b.name);
  await requireLocation(call);
  const { pfs } = call.deps;
  let created = false;
  if (!(await repoExists(pfs, b))) {
    requireAction(call, 'create');
    try {
      await pfs.createRepo(b.repo);
      created = true;
      await call.deps.auth?.repoCreated(call.identity, b.repo); // the creator owns it
    } catch (err) {
      if (!isStrataError(err, 'REPO_EXISTS')) throw err;
    }
  }
  if (!created) requireAction(call, 'write', b.repo); // a new branch of an existing repo
  try {
    await pfs.createBranch(b.repo, b.branch);
    created = true;
  } catch (err) {
    if (!isStrataError(err, 'BRANCH_EXISTS')) throw err;
  }
  // S3 in us-east-1 answers a CreateBucket of a bucket the caller owns with 200 (and changes nothing); every other region with BucketAlreadyOwnedByYou.
  if (!created && call.deps.region !== 'us-east-1') throw new S3Error('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', { BucketName: b.name });
  void call.reply.code(200).header('location', `/${b.name}`).send();
}

/**
 * The body's CreateBucketConfiguration, read (so a signed payload is checked) before anything is made: a
 * LocationConstraint names the gateway's own region or is absent. S3 refuses one naming another region with
 * IllegalLocationConstraintException, and so does the gateway: the bucket could never be where the client asked.
 */
async function requireLocation(call: S3Call): Promise<void> {
  const doc = (await readXmlBody(objectBody(call.raw, call.headers, call.signer))).CreateBucketConfiguration as { LocationConstraint?: unknown } | string | undefined;
  const asked = typeof doc === 'object' && doc !== null ? doc.LocationConstraint : undefined;
  if (asked === undefined || asked === '') return;
  if (typeof asked !== 'string') throw new S3Error('MalformedXML', 'the LocationConstraint of a CreateBucketConfiguration must be text');
  const { region } = call.deps;
  if (asked === region || (asked === 'EU' && region === 'eu-west-1')) return; // "EU" is S3's old name of eu-west-1
  throw new S3Error('IllegalLocationConstraintException', `The ${asked} location constraint is incompatible for the region specific endpoint this request was sent to (${region}).`, { LocationConstraint: asked });
}

async function repoExists(pfs: Pfs, b: BucketView): Promise<boolean> {
  try {
    await pfs.inspectRepo(b.repo);
    return true;
  } catch (err) {
    if (isStrataError(err, 'REPO_NOT_FOUND')) return false;
    throw err;
  }
}

async function isEmpty(pfs: Pfs, ref: Ref): Promise<boolean> {
  try {
    return (await pfs.inspectCommit(ref)).fileCount === 0;
  } catch (err) {
    if (isStrataError(err, 'BRANCH_HAS_NO_COMMITS') || isStrataError(err, 'BRANCH_NOT_FOUND')) return true;
    throw err;
  }
}

/** Like S3, only an empty bucket goes: `repo` deletes the repo, `branch.repo` the branch (its commits stay). */
export async function deleteBucket(call: S3Call): Promise<void> {
  const b = parseBucket(call.bucket);
  requireWritable(b);
  const { pfs } = call.deps;
  await requireBucket(pfs, b);
  if (b.isRepo) {
    for (const branch of await pfs.listBranches(b.repo)) {
      if (!(await isEmpty(pfs, { ...readRef(b), target: { kind: 'branch', branch: branch.name } }))) {
        throw new S3Error('BucketNotEmpty', `The bucket you tried to delete is not empty: branch "${branch.name}" of repo "${b.repo}" holds files`, { BucketName: b.name });
      }
    }
    await pfs.deleteRepo(b.repo);
    await call.deps.auth?.repoDeleted(b.repo);
  } else {
    if (!(await isEmpty(pfs, readRef(b)))) throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', { BucketName: b.name });
    await pfs.deleteBranch(b.repo, b.branch);
  }
  void call.reply.code(204).send();
}

export async function bucketLocation(call: S3Call): Promise<void> {
  await requireBucket(call.deps.pfs, parseBucket(call.bucket));
  const region = call.deps.region === 'us-east-1' ? '' : call.deps.region;
  sendXml(call, 200, xmlDocument({ LocationConstraint: region }));
}

/** Every commit is kept, so versioning is always on: versions are commits. */
export async function bucketVersioning(call: S3Call): Promise<void> {
  await requireBucket(call.deps.pfs, parseBucket(call.bucket));
  sendXml(call, 200, xmlDocument({ VersioningConfiguration: { Status: 'Enabled' } }));
}

/** Enabling versioning is a no-op (every commit is kept); suspending it cannot be done. */
export async function putBucketVersioning(call: S3Call): Promise<void> {
  await requireBucket(call.deps.pfs, parseBucket(call.bucket));
  const doc = (await readXmlBody(objectBody(call.raw, call.headers, call.signer))).VersioningConfiguration as { Status?: unknown } | undefined;
  const status = String(doc?.Status ?? '').trim();
  if (status === 'Enabled') {
    void call.reply.code(200).send();
    return;
  }
  if (status === 'Suspended') throw notImplemented('PutBucketVersioning Suspended', 'Versioning cannot be suspended on Strata: every commit is kept');
  throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate: VersioningConfiguration needs Status Enabled');
}

/** The commit a listing reads, pinned for the whole page; null when the branch has no commit yet. */
export async function listingCommit(pfs: Pfs, b: BucketView): Promise<{ ref: Ref; time: number } | null> {
  await requireBucket(pfs, b);
  try {
    const c = await pfs.inspectCommit(readRef(b));
    return { ref: { ...readRef(b), target: { kind: 'commit', id: c.id } }, time: c.finishedAt ?? c.startedAt };
  } catch (err) {
    if (isStrataError(err, 'BRANCH_HAS_NO_COMMITS') || (b.isRepo && isStrataError(err, 'BRANCH_NOT_FOUND'))) return null;
    throw err;
  }
}

function maxKeysOf(call: S3Call, name: string): number {
  const raw = call.query.get(name);
  if (raw === null) return 1000;
  if (!/^\d+$/.test(raw)) throw new S3Error('InvalidArgument', `${name} must be a non-negative integer`, { ArgumentName: name, ArgumentValue: raw });
  return Math.min(Number(raw), 1000);
}

async function page(pfs: Pfs, ref: Ref | undefined, prefix: string, delimiter: string | undefined, after: string | undefined, max: number) {
  const items: Listed[] = [];
  let truncated = false;
  if (ref && max > 0) {
    for await (const item of listKeys(pfs, ref, prefix, delimiter, after)) {
      if (items.length === max) {
        truncated = true;
        break;
      }
      items.push(item);
    }
  }
  return { items, truncated };
}

export async function listObjects(call: S3Call, version: 1 | 2): Promise<void> {
  const b = parseBucket(call.bucket);
  const commit = await listingCommit(call.deps.pfs, b);
  const q = call.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') || undefined;
  const encoding = q.get('encoding-type');
  if (encoding !== null && encoding !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type' });
  const enc = (s: string): string => (encoding === 'url' ? uriEncode(s, true) : s);
  const max = maxKeysOf(call, 'max-keys');
  const token = q.get('continuation-token');
  let after: string | undefined;
  if (version === 2) {
    if (token) {
      after = Buffer.from(token, 'base64url').toString('utf8');
      if (Buffer.from(after, 'utf8').toString('base64url') !== token) {
        throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
      }
    } else {
      after = q.get('start-after') || undefined;
    }
  } else {
    after = q.get('marker') || undefined;
  }
  const { items, truncated } = await page(call.deps.pfs, commit?.ref, prefix, delimiter, after, max);
  const commitTime = commit?.time ?? Date.now();
  const entries: ContentsEntry[] = [];
  for (const i of items) if ('key' in i) entries.push({ key: enc(i.key), lastModified: isoTime(modifiedAt(i.file, commitTime)), etag: etagOf(i.file), size: i.file.size ?? 0 });
  const contents = contentsXml(entries, version === 1 || q.get('fetch-owner') === 'true' ? OWNER : undefined);
  const prefixes = items.flatMap((i) => ('prefix' in i ? [{ Prefix: enc(i.prefix) }] : []));
  const last = items.length > 0 ? ('key' in items[items.length - 1]! ? (items.at(-1) as { key: string }).key : (items.at(-1) as { prefix: string }).prefix) : undefined;
  const common = { Name: b.name, Prefix: enc(prefix), ...(delimiter ? { Delimiter: enc(delimiter) } : {}), MaxKeys: max, ...(encoding ? { EncodingType: encoding } : {}), IsTruncated: truncated };
  const body =
    version === 2
      ? {
          ...common,
          KeyCount: items.length,
          ...(token !== null ? { ContinuationToken: token } : {}),
          ...(q.get('start-after') ? { StartAfter: enc(q.get('start-after')!) } : {}),
          ...(truncated && last !== undefined ? { NextContinuationToken: Buffer.from(last, 'utf8').toString('base64url') } : {}),
          Contents: contents,
          CommonPrefixes: prefixes,
        }
      : { ...common, Marker: enc(q.get('marker') ?? ''), ...(truncated && last !== undefined ? { NextMarker: enc(last) } : {}), Contents: contents, CommonPrefixes: prefixes };
  sendXml(call, 200, xmlDocument({ ListBucketResult: body }));
}
