// Path order and prefix helpers shared by every part of the index. There is
// exactly one ordering of paths in Strata (see comparePaths in src/ids.ts):
// component by component, each component by Unicode code point. It equals
// comparing code points with '/' ranked below every other character, so a
// directory's subtree directly follows it: `/a` < `/a/z` < `/a.txt`. The
// metadata store's staging keys sort the same way (src/meta/keys.ts), so
// staged changes arrive here already in index order.

const SLASH = 0x2f;

/** Negative, zero or positive as `a` sorts before, with or after `b` in path order. */
export function comparePaths(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    return rank(x) - rank(y);
  }
  return a.length - b.length;
}

// '/' ranks lowest; surrogates move above U+E000..U+FFFF so code units
// compare as code points (the trick ICU uses). At the first differing unit of
// well-formed strings, either both are surrogates of the same kind or this
// ordering holds.
function rank(u: number): number {
  if (u === SLASH) return -1;
  if (u < 0xd800) return u;
  return u >= 0xe000 ? u - 0x800 : u + 0x2000;
}

/** The key prefix of everything under directory `dir` (`/` for the root). */
export function dirPrefix(dir: string): string {
  return dir === '/' ? '/' : `${dir}/`;
}

/**
 * A key greater than every key under `dir + '/'` and smaller than any later
 * sibling: NUL ranks right after '/', and no path contains it.
 */
export function pastDir(dir: string): string {
  return `${dir}\u0000`;
}

/**
 * True when no key at or after `key` can start with `prefix`: the keys with a
 * prefix form one contiguous run, and `key` lies beyond it.
 */
export function isPastPrefix(key: string, prefix: string): boolean {
  return !key.startsWith(prefix) && comparePaths(key, prefix) > 0;
}
