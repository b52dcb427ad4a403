// Parsing what arrives in console URLs and forms into the core's typed
// values (parse at the edge). Bad input becomes the same InvalidArgument
// errors the CLI and gRPC give, so messages match everywhere.
import { StrataError } from '../../src/errors/index.ts';
import { parseBranchName, parseCommitId, parsePath, parseRepoName, type BranchName, type CommitId, type FilePath, type RepoName } from '../../src/ids.ts';
import { parseRef, type Ref } from '../../src/ref.ts';

export function repoParam(s: string | undefined): RepoName {
  return parseRepoName(s ?? '');
}

export function branchParam(s: string | undefined): BranchName {
  return parseBranchName(s ?? '');
}

export function commitParam(s: string | undefined): CommitId {
  return parseCommitId(s ?? '');
}

/** `main`, `main^2`, `<commit id>`, `main.3`: a ref within `repo`, without a path. */
export function refParam(repo: RepoName, s: string | undefined): Ref {
  const text = (s ?? '').trim();
  if (text.length === 0) throw new StrataError('INVALID_REF', 'a branch or commit is needed (for example "main", "main^" or a commit id)');
  if (/[@:]/.test(text)) {
    throw new StrataError('INVALID_REF', `invalid ref "${text}": give a branch or commit of repo "${repo}" only, without "@" or ":"`, { input: text });
  }
  return parseRef(`${repo}@${text}`);
}

/** The wildcard rest of a URL ("" for the root) as a FilePath. */
export function pathParam(s: string | undefined): FilePath {
  return parsePath(`/${s ?? ''}`);
}

/** A form field as a string ("" when absent); forms are urlencoded, so a field may arrive as an array if repeated. */
export function field(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(v)) return String(v[0] ?? '');
  return typeof v === 'string' ? v : '';
}

export function queryString(query: unknown, name: string): string | undefined {
  const v = (query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** A display-only position from a query (`at=`): a positive integer, or null for anything else. */
export function positiveInt(s: string | undefined): number | null {
  return s !== undefined && /^[1-9]\d{0,12}$/.test(s) ? Number(s) : null;
}
