// Path order and prefix helpers shared by every part of the index. There is
// exactly one ordering: UTF-8 byte order, which is also Unicode code point
// order. JS `<` compares UTF-16 code units and disagrees with it when an
// astral character (surrogate pair) meets a BMP character at U+E000 or above.

/** Negative, zero or positive as `a` sorts before, with or after `b` in UTF-8 byte order. */
export function comparePaths(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Fast path: below the surrogates, code units are code points.
    if (x < 0xd800 && y < 0xd800) return x - y;
    return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

// Moves surrogates above U+E000..U+FFFF so code units compare as code points
// (the same trick ICU uses). At the first differing unit of well-formed
// strings, either both are surrogates of the same kind or this ordering holds.
function fixup(u: number): number {
  if (u >= 0xe000) return u - 0x800;
  if (u >= 0xd800) return u + 0x2000;
  return u;
}

/** The key prefix of everything under directory `dir` (`/` for the root). */
export function dirPrefix(dir: string): string {
  return dir === '/' ? '/' : `${dir}/`;
}

/**
 * The smallest key greater than every key under `dir + '/'`: `'0'` is the
 * character right after `'/'`, so `dir + '0'` bounds the directory's run.
 */
export function pastDir(dir: string): string {
  return `${dir}0`;
}

/**
 * True when no key at or after `key` can start with `prefix`: the keys with a
 * prefix form one contiguous run, and `key` lies beyond it.
 */
export function isPastPrefix(key: string, prefix: string): boolean {
  return !key.startsWith(prefix) && comparePaths(key, prefix) > 0;
}
