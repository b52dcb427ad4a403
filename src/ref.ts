// The one parser for addresses, used by every transport (CLI, gRPC, HTTP,
// mounts) so `repo@branch^2:/a/b` means the same thing everywhere.
//
//   ref      := repo [ '@' target [ ancestry ] ] [ ':' path ]
//   target   := branch | commit-id      (32 hex digits always mean a commit id;
//                                        parseBranchName refuses such names)
//   ancestry := ( ('^' | '~') [N] )+    N-th parent; `^^` = `^2` = `~2`, steps add up
//             | '.' N                   N-th commit from the root, 1-based (Pachyderm)
//   path     := '/'-separated path, with or without the leading '/'
//
// A bare `repo` means `repo@main`. Resolving a Ref against commits is pfs's job.
import { StrataError, isStrataError } from './errors/index.ts';
import {
  DEFAULT_BRANCH,
  ROOT_PATH,
  hasTrailingSlash,
  looksLikeCommitId,
  parseBranchName,
  parseCommitId,
  parsePath,
  parseRepoName,
  quoteInput,
  type BranchName,
  type CommitId,
  type FilePath,
  type RepoName,
} from './ids.ts';

export type RefTarget = { readonly kind: 'branch'; readonly branch: BranchName } | { readonly kind: 'commit'; readonly id: CommitId };

export type Ancestry = { readonly kind: 'parent'; readonly n: number } | { readonly kind: 'fromRoot'; readonly n: number };

export interface Ref {
  readonly repo: RepoName;
  readonly target: RefTarget;
  /** null = the target itself. n >= 1 in both kinds. */
  readonly ancestry: Ancestry | null;
  /** null when the ref has no `:path` part. */
  readonly path: FilePath | null;
  /** The input path ended in `/` (a directory, e.g. for delete). Always false without a path; true for `:/`. */
  readonly trailingSlash: boolean;
}

// Far beyond any real history, and small enough to stay an exact integer.
const MAX_ANCESTRY = 1_000_000_000;
const ANCESTRY_START = /[\^~.]/;
const PARENT_STEP = /^[\^~](\d*)/;

function refError(input: string, rule: string): StrataError {
  return new StrataError('INVALID_REF', `invalid ref ${quoteInput(input)}: ${rule}`, { input });
}

/** Re-throws a component's error (keeping its code) with the whole ref named in the message. */
function withRef<T>(input: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (!isStrataError(err)) throw err;
    throw new StrataError(err.code, `invalid ref ${quoteInput(input)}: ${err.message}`, { ...err.data, ref: input }, { cause: err });
  }
}

export function parseRef(input: string): Ref {
  if (typeof input !== 'string') throw refError(String(input), 'must be a string');
  if (input.length === 0) throw refError(input, 'must not be empty; expected repo[@branch-or-commit][:/path]');
  const colon = input.indexOf(':');
  const head = colon < 0 ? input : input.slice(0, colon);
  const at = head.indexOf('@');
  const repoPart = at < 0 ? head : head.slice(0, at);
  if (repoPart.length === 0) throw refError(input, 'the repo name before "@" or ":" is missing');
  const repo = withRef(input, () => parseRepoName(repoPart));
  const { target, ancestry } = at < 0 ? { target: defaultTarget(), ancestry: null } : parseRevision(input, head.slice(at + 1));
  if (colon < 0) return { repo, target, ancestry, path: null, trailingSlash: false };
  const pathPart = input.slice(colon + 1);
  if (pathPart.length === 0) throw refError(input, 'the path after ":" is empty (use ":/" for the root)');
  const path = withRef(input, () => parsePath(pathPart));
  return { repo, target, ancestry, path, trailingSlash: hasTrailingSlash(pathPart) };
}

function defaultTarget(): RefTarget {
  return { kind: 'branch', branch: DEFAULT_BRANCH };
}

function parseRevision(input: string, rev: string): { target: RefTarget; ancestry: Ancestry | null } {
  if (rev.length === 0) throw refError(input, 'a branch or commit id must follow "@"');
  const start = rev.search(ANCESTRY_START);
  const name = start < 0 ? rev : rev.slice(0, start);
  if (name.length === 0) throw refError(input, 'a branch or commit id must follow "@" before "^", "~" or "."');
  const target: RefTarget = looksLikeCommitId(name)
    ? { kind: 'commit', id: withRef(input, () => parseCommitId(name)) }
    : { kind: 'branch', branch: withRef(input, () => parseBranchName(name)) };
  return { target, ancestry: start < 0 ? null : parseAncestry(input, rev.slice(start)) };
}

function parseAncestry(input: string, suffix: string): Ancestry {
  if (suffix.startsWith('.')) {
    const digits = suffix.slice(1);
    if (!/^\d+$/.test(digits)) throw refError(input, `"${suffix}" is not ".N" with N a number (N-th commit from the branch root)`);
    return { kind: 'fromRoot', n: countOf(input, digits, '.') };
  }
  let n = 0;
  let rest = suffix;
  while (rest.length > 0) {
    const step = PARENT_STEP.exec(rest);
    if (!step) throw refError(input, `unexpected ${quoteInput(rest)} after ancestry; expected "^", "^N", "~" or "~N"`);
    n += step[1] === '' ? 1 : countOf(input, step[1]!, rest[0]!);
    if (n > MAX_ANCESTRY) throw refError(input, `ancestry must be at most ${MAX_ANCESTRY}`);
    rest = rest.slice(step[0].length);
  }
  return { kind: 'parent', n };
}

function countOf(input: string, digits: string, op: string): number {
  const n = Number(digits);
  if (n < 1) throw refError(input, `"${op}${digits}": N must be at least 1 (commits are counted from 1)`);
  if (n > MAX_ANCESTRY) throw refError(input, `"${op}${digits}": N must be at most ${MAX_ANCESTRY}`);
  return n;
}

/**
 * Prints a ref in canonical form: always `repo@target`, parents as `^` or
 * `^N`, root counts as `.N`, then `:/path` with the trailing `/` if it had one.
 * parseRef(formatRef(r)) equals r.
 */
export function formatRef(ref: Ref): string {
  const target = ref.target.kind === 'branch' ? ref.target.branch : ref.target.id;
  let out = `${ref.repo}@${target}${formatAncestry(ref.ancestry)}`;
  if (ref.path !== null) {
    out += `:${ref.path}`;
    if (ref.trailingSlash && ref.path !== ROOT_PATH) out += '/';
  }
  return out;
}

function formatAncestry(a: Ancestry | null): string {
  if (a === null) return '';
  if (a.kind === 'fromRoot') return `.${a.n}`;
  return a.n === 1 ? '^' : `^${a.n}`;
}
