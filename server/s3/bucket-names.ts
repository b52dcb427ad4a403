// Bucket names -> what they show. Repo, branch and commit names cannot hold
// dots, so the dotted forms are unambiguous:
//   repo                    the repo's default branch (main), read-write
//   branch.repo             a branch (Pachyderm's naming), read-write
//   commitid.branch.repo    one commit, read-only (the branch part is informative)
//   commitid.repo           one commit, read-only
import { isStrataError } from '../../src/errors/index.ts';
import { DEFAULT_BRANCH, looksLikeCommitId, parseBranchName, parseCommitId, parseRepoName, type BranchName, type CommitId, type RepoName } from '../../src/ids.ts';
import type { Ref } from '../../src/ref.ts';
import { S3Error } from './errors.ts';

export interface BucketView {
  name: string;
  repo: RepoName;
  /** The branch written to (and read, unless pinned to a commit). */
  branch: BranchName;
  /** Set for a commit-pinned, read-only bucket. */
  commit?: CommitId;
  /** True for the bare repo name (its default branch). */
  isRepo: boolean;
}

export function parseBucket(name: string): BucketView {
  const parts = name.split('.');
  try {
    if (parts.length === 1) return { name, repo: parseRepoName(parts[0]!), branch: DEFAULT_BRANCH, isRepo: true };
    if (parts.length === 2 && looksLikeCommitId(parts[0]!)) {
      return { name, repo: parseRepoName(parts[1]!), branch: DEFAULT_BRANCH, commit: parseCommitId(parts[0]!), isRepo: false };
    }
    if (parts.length === 2) return { name, repo: parseRepoName(parts[1]!), branch: parseBranchName(parts[0]!), isRepo: false };
    if (parts.length === 3) {
      return { name, repo: parseRepoName(parts[2]!), branch: parseBranchName(parts[1]!), commit: parseCommitId(parts[0]!), isRepo: false };
    }
  } catch (err) {
    if (!isStrataError(err)) throw err;
    throw new S3Error('InvalidBucketName', `The specified bucket is not valid: ${err.message}`, { BucketName: name });
  }
  throw new S3Error('InvalidBucketName', 'The specified bucket is not valid: expected repo, branch.repo, commitid.branch.repo or commitid.repo', { BucketName: name });
}

/** The ref reads go through: the pinned commit, or the branch head (or a version = commit id). */
export function readRef(b: BucketView, versionId?: string): Ref {
  const id = versionId && versionId !== 'null' ? parseVersion(versionId) : b.commit;
  return {
    repo: b.repo,
    target: id ? { kind: 'commit', id } : { kind: 'branch', branch: b.branch },
    ancestry: null,
    path: null,
    trailingSlash: false,
  };
}

function parseVersion(v: string): CommitId {
  if (!looksLikeCommitId(v)) throw new S3Error('InvalidArgument', `Invalid version id specified: "${v}" (version ids are commit ids)`, { ArgumentName: 'versionId' });
  return parseCommitId(v);
}

export function requireWritable(b: BucketView): void {
  if (b.commit) throw new S3Error('AccessDenied', `bucket "${b.name}" shows commit ${b.commit}, which never changes: write to "${b.branch}.${b.repo}" instead`, { BucketName: b.name });
}

/**
 * S3's rules for a new bucket's name, which CreateBucket applies on top of
 * Strata's (so every bucket an S3 client makes is one any S3 client can
 * address): 3 to 63 characters of lower-case letters, digits, dots and
 * hyphens, beginning and ending with a letter or digit, no `..`, `.-` or
 * `-.`, not an IP address, none of AWS's reserved prefixes and suffixes.
 * Repos and branches made by other means (`strata repo create My_Data`)
 * keep their names and are read and written under them.
 */
export function requireS3BucketName(name: string): void {
  const bad = (why: string): S3Error => new S3Error('InvalidBucketName', `The specified bucket is not valid: a new bucket's name ${why}`, { BucketName: name });
  if (name.length < 3 || name.length > 63) throw bad('must be 3 to 63 characters long');
  if (!/^[a-z0-9.-]+$/.test(name)) throw bad('may hold only lower-case letters, digits, dots and hyphens');
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) throw bad('must begin and end with a letter or digit');
  if (/\.\.|\.-|-\./.test(name)) throw bad('must not hold "..", ".-" or "-."');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) throw bad('must not be an IP address');
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) throw bad('must not use a prefix or suffix AWS reserves');
}
