// Request fields -> typed values, with src/ids.ts and src/ref.ts doing the
// parsing (one parser for every transport). Each error names the request
// field, keeps the parser's code, and says what the field must look like.
import { StrataError, isStrataError } from '../../src/errors/index.ts';
import { ROOT_PATH, hasTrailingSlash, parseCommitId, parsePath, parseRepoName, quoteInput, type BranchName, type CommitId, type FilePath, type RepoName } from '../../src/ids.ts';
import { parseRef, type Ref } from '../../src/ref.ts';
import type { WriteTarget } from '../../src/pfs/file-writer.ts';

/** Runs a parser, prefixing its error message with the field name. */
function field<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (!isStrataError(err)) throw err;
    throw new StrataError(err.code, `${name}: ${err.message}`, { ...err.data, field: name }, { cause: err });
  }
}

function refRule(name: string, input: string, rule: string): StrataError {
  return new StrataError('INVALID_REF', `${name}: invalid ref ${quoteInput(input)}: ${rule}`, { input, field: name });
}

export function repoField(name: string, value: string): RepoName {
  return field(name, () => parseRepoName(value));
}

export function pathField(name: string, value: string): FilePath {
  return field(name, () => parsePath(value));
}

/** A ref naming a commit (any form), without a path. */
export function commitRefField(name: string, value: string): Ref {
  const ref = field(name, () => parseRef(value));
  if (ref.path !== null) throw refRule(name, value, 'a commit is wanted here, without ":/path"');
  return ref;
}

/** A full commit id (32 hex digits). */
export function commitIdField(name: string, value: string): CommitId {
  return field(name, () => parseCommitId(value));
}

/** Like commitRefField, but empty means "not given". */
export function optionalCommitRefField(name: string, value: string): Ref | undefined {
  return value === '' ? undefined : commitRefField(name, value);
}

/** A ref with a path (a file or directory); `dirDefault` allows no path and means the root. */
export function fileRefField(name: string, value: string, opts: { dirDefault?: boolean } = {}): Ref & { path: FilePath } {
  const ref = field(name, () => parseRef(value));
  if (ref.path !== null) return ref as Ref & { path: FilePath };
  if (opts.dirDefault) return { ...ref, path: ROOT_PATH };
  throw refRule(name, value, 'a path is wanted here, as in "repo@branch:/path"');
}

/** `repo@branch` exactly: no commit id, no ancestry, no path. */
export function branchRefField(name: string, value: string): { repo: RepoName; branch: BranchName } {
  const ref = field(name, () => parseRef(value));
  if (ref.target.kind !== 'branch' || ref.ancestry !== null || ref.path !== null || !value.includes('@')) {
    throw refRule(name, value, 'expected "repo@branch" (a branch name, without ancestry or path)');
  }
  return { repo: ref.repo, branch: ref.target.branch };
}

/** Where ModifyFile writes: `repo@branch` or `repo@<commit id>` of an open commit. */
export function writeTargetField(name: string, value: string): { repo: RepoName; target: WriteTarget } {
  const ref = field(name, () => parseRef(value));
  if (ref.ancestry !== null || ref.path !== null || !value.includes('@')) {
    throw refRule(name, value, 'expected "repo@branch" or "repo@<open commit id>" (without ancestry or path)');
  }
  const target: WriteTarget = ref.target.kind === 'branch' ? { branch: ref.target.branch } : { commit: ref.target.id };
  return { repo: ref.repo, target };
}

/** A path from a delete: a trailing `/` asks for a directory. */
export function deletePathField(name: string, value: string): { path: FilePath; dir: boolean } {
  return { path: pathField(name, value), dir: typeof value === 'string' && hasTrailingSlash(value) };
}

/** Where a listing resumes: the last child seen, by path (`/a/b`) or name (`b`); the core wants the name. */
export function afterField(name: string, dir: FilePath, value: string): string | undefined {
  if (value === '') return undefined;
  const notChild = (): StrataError =>
    new StrataError('INVALID_ARGUMENT', `${name}: ${quoteInput(value)} is not a child of ${dir} (give its path or its name)`, { input: value, field: name });
  if (!value.startsWith('/')) {
    if (value.includes('/')) throw notChild();
    return value;
  }
  const path = pathField(name, value);
  const prefix = dir === ROOT_PATH ? '/' : `${dir}/`;
  const child = path.slice(prefix.length);
  if (!path.startsWith(prefix) || child === '' || child.includes('/')) throw notChild();
  return child;
}

const HASH = /^[0-9a-f]{64}$/;

export function hashField(name: string, value: string): Buffer {
  if (typeof value !== 'string' || !HASH.test(value)) {
    throw new StrataError('INVALID_ARGUMENT', `${name}: invalid chunk hash ${quoteInput(value)}: expected 64 lower-case hex digits (SHA-256)`, { input: String(value), field: name });
  }
  return Buffer.from(value, 'hex');
}

/** A count or size: a non-negative whole number. */
export function countField(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StrataError('INVALID_ARGUMENT', `${name}: ${value} is not a non-negative whole number`, { input: String(value), field: name });
  }
  return value;
}

/** The ref pinned to its resolved commit id, so several reads see one commit even if the branch moves. */
export function pinned(ref: Ref, commit: CommitId): Ref {
  return { ...ref, target: { kind: 'commit', id: commit }, ancestry: null };
}

/** Just the repo of any ref (for authorization before the handler parses the rest). */
export function refRepoField(name: string, value: string): RepoName {
  return field(name, () => parseRef(value)).repo;
}
