// Branded names and ids. A value of one of these types was made by its parse
// function, so code that receives one never checks it again: parse at the
// edge, pass typed values inward. Every parse failure is an InvalidArgument
// StrataError whose message quotes the bad input and states the rule.
import { randomBytes } from 'node:crypto';
import { StrataError, type ErrorCode } from './errors/index.ts';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type RepoName = Brand<string, 'RepoName'>;
export type BranchName = Brand<string, 'BranchName'>;
export type CommitId = Brand<string, 'CommitId'>;
/** A normalised absolute path: `/`, or `/a/b` with no empty, `.` or `..` components. */
export type FilePath = Brand<string, 'FilePath'>;

/** A SHA-256 digest as 64 lowercase hex digits: the name of a chunk, a file's content or an index object. */
export type Hash = Brand<string, 'Hash'>;

/**
 * One chunk of a file: its hash and length in bytes. The one shape from the
 * chunk store through the index to the SDK (the wire's ChunkRef message
 * calls the length size_bytes).
 */
export interface ChunkRef {
  hash: Hash;
  size: number;
}

export const MAX_NAME_LENGTH = 63;
export const DEFAULT_BRANCH = 'main' as BranchName;
export const ROOT_PATH = '/' as FilePath;

const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
const COMMIT_ID_PATTERN = /^[0-9a-f]{32}$/i;
const QUOTE_LIMIT = 120;

/**
 * Quotes user input for an error message: double quotes, control characters
 * escaped as \uXXXX so the message stays one readable line, long input cut.
 */
export function quoteInput(value: unknown): string {
  if (typeof value !== 'string') return `(${value === null ? 'null' : typeof value})`;
  const cut = value.length > QUOTE_LIMIT ? `${value.slice(0, QUOTE_LIMIT)}…` : value;
  // Lone surrogates too (input may have them, and the cut may split a pair): gRPC cannot percent-encode them.
  const escaped = cut.replace(/["\\\u0000-\u001f\u007f]|\p{Surrogate}/gu, (c) =>
    c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${escaped}"`;
}

function fail(code: ErrorCode, what: string, value: unknown, rule: string): never {
  const input = typeof value === 'string' ? value : String(value);
  throw new StrataError(code, `invalid ${what} ${quoteInput(value)}: ${rule}`, { input });
}

function parseName(code: ErrorCode, what: string, s: unknown): string {
  if (typeof s !== 'string') fail(code, what, s, 'must be a string');
  if (s.length === 0) fail(code, what, s, 'must not be empty');
  if (s.length > MAX_NAME_LENGTH) fail(code, what, s, `must be at most ${MAX_NAME_LENGTH} characters (got ${s.length})`);
  if (!NAME_PATTERN.test(s)) fail(code, what, s, 'only letters A-Z a-z, digits 0-9, "_" and "-" are allowed');
  return s;
}

export function parseRepoName(s: string): RepoName {
  return parseName('INVALID_REPO_NAME', 'repo name', s) as RepoName;
}

/**
 * Branch names use the repo-name alphabet. A name of exactly 32 hex digits
 * is rejected because `repo@<32 hex>` always means a commit id.
 */
export function parseBranchName(s: string): BranchName {
  const name = parseName('INVALID_BRANCH_NAME', 'branch name', s);
  if (looksLikeCommitId(name)) {
    fail('INVALID_BRANCH_NAME', 'branch name', s, 'a name of 32 hex digits would be read as a commit id');
  }
  return name as BranchName;
}

/** True when `s` has the shape of a commit id (32 hex digits, any case). */
export function looksLikeCommitId(s: string): boolean {
  return COMMIT_ID_PATTERN.test(s);
}

/** 32 hex digits; upper case is accepted and lowered. */
export function parseCommitId(s: string): CommitId {
  if (typeof s !== 'string') fail('INVALID_COMMIT_ID', 'commit id', s, 'must be a string');
  if (!looksLikeCommitId(s)) fail('INVALID_COMMIT_ID', 'commit id', s, 'must be 32 hexadecimal digits');
  return s.toLowerCase() as CommitId;
}

export function newCommitId(): CommitId {
  return randomBytes(16).toString('hex') as CommitId;
}

// NUL, C0 controls and DEL; a lone surrogate is not Unicode and would be
// changed by UTF-8 encoding, so two different paths could share one key.
const CONTROL_CHAR = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Normalises `s` to a FilePath: adds the leading `/`, collapses repeated `/`,
 * drops a trailing `/` (see hasTrailingSlash). `a/b/` -> `/a/b`; `/` and `//`
 * -> `/`. Rejects empty input, `.` and `..` components, control characters.
 */
export function parsePath(s: string): FilePath {
  if (typeof s !== 'string') fail('INVALID_PATH', 'path', s, 'must be a string');
  if (s.length === 0) fail('INVALID_PATH', 'path', s, 'must not be empty (use "/" for the root)');
  const control = CONTROL_CHAR.exec(s);
  if (control) {
    const cp = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    fail('INVALID_PATH', 'path', s, `control characters (U+${cp}) are not allowed`);
  }
  if (LONE_SURROGATE.test(s)) fail('INVALID_PATH', 'path', s, 'it is not valid Unicode (lone surrogate)');
  const parts = s.split('/').filter((p) => p.length > 0);
  for (const p of parts) {
    if (p === '.' || p === '..') fail('INVALID_PATH', 'path', s, `"${p}" components are not allowed`);
  }
  return `/${parts.join('/')}` as FilePath;
}

/** Whether the caller wrote a trailing `/` (a directory, e.g. for delete). True for `/`. */
export function hasTrailingSlash(s: string): boolean {
  return s.endsWith('/');
}

/** The components of a path; `[]` for the root. */
export function pathComponents(p: FilePath): string[] {
  return p === ROOT_PATH ? [] : p.slice(1).split('/');
}

/**
 * The one order of paths in Strata: component by component, each component
 * by Unicode code point (= UTF-8 byte order). So a directory's whole subtree
 * follows it directly: `/a` < `/a/z` < `/a.txt` < `/b`. keys.ts encodes paths
 * so that key byte order is this order.
 */
export function comparePaths(a: FilePath, b: FilePath): number {
  const x = pathComponents(a);
  const y = pathComponents(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const c = compareCodePoints(x[i]!, y[i]!);
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/**
 * Compares strings by Unicode code point, which is also UTF-8 byte order.
 * JavaScript's `<` compares UTF-16 code units and disagrees for characters
 * above U+FFFF against U+E000..U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

// Moves surrogates (which stand for code points >= U+10000) above U+E000..U+FFFF.
function codeUnitRank(u: number): number {
  if (u < 0xd800) return u;
  return u >= 0xe000 ? u - 0x800 : u + 0x2000;
}

const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** 64 lowercase hex digits (SHA-256); anything else is INVALID_ARGUMENT naming `what`. */
export function parseHash(s: unknown, what = 'hash'): Hash {
  if (typeof s !== 'string') fail('INVALID_ARGUMENT', what, s, 'must be a string');
  if (!HASH_PATTERN.test(s)) fail('INVALID_ARGUMENT', what, s, 'must be 64 lowercase hexadecimal digits (SHA-256)');
  return s as Hash;
}
