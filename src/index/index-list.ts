// Directory listing and glob over one index. Both position by key and read
// only the ranges holding keys they return: a listing jumps over each
// subdirectory (to the key just past `sub/`), so ranges wholly inside a
// subdirectory are never read; a glob reads only the ranges under its
// pattern's literal prefix.
import { compileGlob } from './glob-match.ts';
import { dirPrefix, pastDir } from './paths.ts';
import type { ReaderCore } from './reader-core.ts';
import { KeyCursor, type RangeSeq } from './range-seq.ts';
import type { FileEntry, ListItem, ListOptions } from './types.ts';

/** Direct children of `dir`, in index order (a subdirectory sorts as `name/`). */
export async function* listChildren(
  core: ReaderCore,
  ranges: RangeSeq,
  dir: string,
  options: ListOptions,
): AsyncIterable<ListItem> {
  const limit = options.limit ?? Infinity;
  if (limit <= 0) return;
  const prefix = dirPrefix(dir);
  const cursor = new KeyCursor(core, ranges);
  let e = await cursor.seek(await startKey(core, ranges, prefix, options.after), prefix);
  for (let n = 0; e !== undefined && n < limit; n++) {
    const rest = e.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      yield { name: rest, path: e.path, type: 'file', entry: e };
      e = await cursor.next(prefix);
    } else {
      const path = prefix + rest.slice(0, slash);
      yield { name: rest.slice(0, slash), path, type: 'dir' };
      e = await cursor.seek(pastDir(path), prefix);
    }
  }
}

/**
 * Where a listing resumes after the child named `after`: past the whole
 * subdirectory if one has that name, else just past the file. NUL never
 * occurs in a path, so `key + NUL` is the smallest key after `key`.
 */
async function startKey(
  core: ReaderCore,
  ranges: RangeSeq,
  prefix: string,
  after: string | undefined,
): Promise<string> {
  if (after === undefined) return prefix;
  const path = prefix + after;
  // Past the name and, if it is a directory, its whole subtree.
  return pastDir(path);
}

/** Every file under `dir`, in path order. */
export async function* walkFiles(core: ReaderCore, ranges: RangeSeq, dir: string): AsyncIterable<FileEntry> {
  const prefix = dirPrefix(dir);
  const cursor = new KeyCursor(core, ranges);
  for (let e = await cursor.seek(prefix, prefix); e !== undefined; e = await cursor.next(prefix)) yield e;
}

/** Files matching `pattern` (see glob-match.ts; dot files included), in path order. */
export async function* globFiles(
  core: ReaderCore,
  ranges: RangeSeq,
  pattern: string,
): AsyncIterable<FileEntry> {
  const isMatch = compileGlob(pattern);
  const literal = literalPrefix(pattern);
  const cursor = new KeyCursor(core, ranges);
  if (literal === pattern) {
    const e = await cursor.seek(pattern, pattern);
    if (e !== undefined && e.path === pattern) yield e;
    return;
  }
  // `/a/**` also matches `/a` itself, which sorts before the `/a/` prefix.
  if (literal.length > 1 && literal.endsWith('/')) {
    const dirAsFile = literal.slice(0, -1);
    const e = await cursor.seek(dirAsFile, dirAsFile);
    if (e !== undefined && e.path === dirAsFile && isMatch(e.path)) yield e;
  }
  for (let e = await cursor.seek(literal, literal); e !== undefined; e = await cursor.next(literal)) {
    if (isMatch(e.path)) yield e;
  }
}

/**
 * The part of a pattern before its first glob syntax. Every match starts with
 * it (bar the `/a/**` case above). `+`, `@` and `!` only count before `(`
 * (extglobs), so names such as `c++` keep a long prefix.
 */
export function literalPrefix(pattern: string): string {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' || c === '?' || c === '[' || c === '{' || c === '(' || c === '\\') return pattern.slice(0, i);
    if ((c === '+' || c === '@' || c === '!') && pattern[i + 1] === '(') return pattern.slice(0, i);
  }
  return pattern;
}
