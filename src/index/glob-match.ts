// Glob matching in time linear in the path (times the pattern), whatever the
// pattern. picomatch and minimatch compile globs to backtracking regular
// expressions, and a pattern such as `/*a*a*a*a*a*a*a*ab` then takes minutes
// on one 60-character name: one GlobFile request could stall the server
// (found by test/e2e/hostile-fuzz.test.ts). Here a pattern becomes a list of
// tokens and the match runs them as an NFA, one set of states per character.
//
// Syntax (the DESIGN's): `*` (within a component), `**` as a whole component
// (any depth; `/a/**` also matches `/a`), `?`, `[...]` with `!` or `^` to
// negate, ranges and POSIX classes, `{a,b}` (nested; expanded), `\` escapes.
// Extglobs (`+(a|b)` and kin) are refused: they are not Pachyderm's syntax,
// and a clear error beats a silent change of meaning. Everything else is
// literal, `(`, `)`, `+`, `@` and `!` included.
import { StrataError } from '../errors/index.ts';

/** Most alternatives `{...}` may expand to, so a pattern cannot ask for unbounded work. */
export const MAX_GLOB_ALTERNATIVES = 256;
/** Longest pattern accepted (characters). */
export const MAX_GLOB_LENGTH = 4096;
/** Most tokens over all alternatives: the cost of matching one path is at most this times its length. */
const MAX_GLOB_TOKENS = 16_384;

type Token =
  | { t: 'lit'; c: string }
  | { t: 'one'; test: (c: string) => boolean }
  | { t: 'star' } // any run of non-'/' characters
  | { t: 'any' } // any run of characters ('**' at the end of a pattern)
  | { t: 'dirs' }; // '**/': nothing, or anything that ends with '/'

function bad(pattern: string, why: string): StrataError {
  return new StrataError('INVALID_GLOB', `invalid glob ${JSON.stringify(pattern.length > 120 ? `${pattern.slice(0, 120)}…` : pattern)}: ${why}`, {
    input: pattern.slice(0, 1024),
  });
}

/** Compiles an absolute pattern (starting with "/") to a matcher of absolute paths. */
export function compileGlob(pattern: string): (path: string) => boolean {
  if (typeof pattern !== 'string' || !pattern.startsWith('/')) throw bad(String(pattern), 'must be an absolute pattern starting with "/"');
  if (pattern.length > MAX_GLOB_LENGTH) throw bad(pattern, `must be at most ${MAX_GLOB_LENGTH} characters (got ${pattern.length})`);
  const programs = expandBraces(pattern, pattern).flatMap((expanded) => {
    const alt = expanded.replace(/(?:\/\*\*)+(?=\/|$)/g, '/**'); // `/**/**` means `/**`
    const out = [tokenize(pattern, [...alt])];
    // `/a/**` also matches `/a` itself (as picomatch and bash's globstar do).
    // Not after a star (`/a*/**` does not match `/ab`): picomatch's rule, kept so globs mean what they meant.
    const dir = alt.slice(0, -3);
    if (alt.endsWith('/**') && dir.length > 0 && !dir.endsWith('*')) out.push(tokenize(pattern, [...dir]));
    return out;
  });
  if (programs.reduce((n, p) => n + p.length, 0) > MAX_GLOB_TOKENS) throw bad(pattern, `too complex: its "{...}" alternatives add up to more than ${MAX_GLOB_TOKENS} characters`);
  return (path) => programs.some((p) => run(p, path));
}

/** Splits `{a,b}` into alternatives, innermost-first, bounded by MAX_GLOB_ALTERNATIVES. */
function expandBraces(pattern: string, s: string): string[] {
  const open = findBrace(s);
  if (!open) return [s];
  const { start, end, parts } = open;
  const out: string[] = [];
  for (const part of parts) {
    for (const alt of expandBraces(pattern, s.slice(0, start) + part + s.slice(end + 1))) {
      out.push(alt);
      if (out.length > MAX_GLOB_ALTERNATIVES) throw bad(pattern, `"{...}" expands to more than ${MAX_GLOB_ALTERNATIVES} alternatives`);
    }
  }
  return out;
}

/** The first `{...}` that has a top-level comma (a brace without one is literal), with its parts. */
function findBrace(s: string): { start: number; end: number; parts: string[] } | undefined {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '[') i = classEnd(s, i) ?? i;
    else if (s[i] === '{') {
      let depth = 0;
      const cuts: number[] = [];
      for (let j = i; j < s.length; j++) {
        const c = s[j];
        if (c === '\\') j++;
        else if (c === '{') depth++;
        else if (c === ',' && depth === 1) cuts.push(j);
        else if (c === '}' && --depth === 0) {
          if (cuts.length === 0) break;
          const bounds = [i, ...cuts, j];
          return { start: i, end: j, parts: bounds.slice(1).map((b, k) => s.slice(bounds[k]! + 1, b)) };
        }
      }
    }
  }
  return undefined;
}

/** Index of the `]` closing the class opened at `i` (a `]` first in the class is literal), or undefined. */
function classEnd(s: ArrayLike<string>, i: number): number | undefined {
  let j = i + 1;
  if (s[j] === '!' || s[j] === '^') j++;
  if (s[j] === ']') j++;
  for (; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '[' && s[j + 1] === ':') {
      let close = j + 2;
      while (close < s.length - 1 && !(s[close] === ':' && s[close + 1] === ']')) close++;
      if (close < s.length - 1) j = close + 1;
    } else if (s[j] === ']') return j;
  }
  return undefined;
}

const POSIX: Record<string, string> = {
  alnum: 'a-zA-Z0-9', alpha: 'a-zA-Z', ascii: '\\x00-\\x7F', blank: ' \\t', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9', graph: '\\x21-\\x7E',
  lower: 'a-z', print: '\\x20-\\x7E ', punct: '\\-!"#$%&\'()\\*+,.\\/:;<=>?@[\\]^_`{|}~', space: ' \\t\\r\\n\\v\\f', upper: 'A-Z', word: 'A-Za-z0-9_', xdigit: 'A-Fa-f0-9',
};

/** A one-character test for `[...]`: a class of one character cannot backtrack, so a RegExp is safe here. */
function classTest(pattern: string, body: string): (c: string) => boolean {
  const negated = body.startsWith('!') || body.startsWith('^');
  const inner = (negated ? body.slice(1) : body)
    .replace(/\[:([a-z]+):\]/g, (m, name: string) => {
      const set = POSIX[name];
      if (set === undefined) throw bad(pattern, `unknown character class "${m}"`);
      return set;
    })
    .replace(/^\]/, '\\]');
  let re: RegExp;
  try {
    re = new RegExp(`^[${negated ? '^' : ''}${inner}]$`, 'u');
  } catch (err) {
    throw bad(pattern, `bad character class "[${body}]": ${(err as Error).message}`);
  }
  return (c) => c !== '/' && re.test(c);
}

function tokenize(pattern: string, chars: string[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\') {
      if (i + 1 >= chars.length) throw bad(pattern, 'ends with a lone "\\"');
      out.push({ t: 'lit', c: chars[++i]! });
    } else if ('+@!?*'.includes(c) && chars[i + 1] === '(') {
      throw bad(pattern, `extglob "${c}(...)" is not supported (use "{a,b}" for alternatives, or "\\(" for a literal parenthesis)`);
    } else if (c === '?') out.push({ t: 'one', test: (x) => x !== '/' });
    else if (c === '*') {
      let j = i;
      while (chars[j + 1] === '*') j++;
      const wholeComponent = chars[i - 1] === '/' && (chars[j + 1] === '/' || j + 1 === chars.length);
      if (j === i + 1 && wholeComponent) {
        if (chars[j + 1] === '/') {
          out.push({ t: 'dirs' });
          j++;
        } else out.push({ t: 'any' });
      } else if (out.at(-1)?.t !== 'star') out.push({ t: 'star' });
      i = j;
    } else if (c === '[') {
      const end = classEnd(chars, i);
      if (end === undefined) out.push({ t: 'lit', c });
      else {
        out.push({ t: 'one', test: classTest(pattern, chars.slice(i + 1, end).join('')) });
        i = end;
      }
    } else out.push({ t: 'lit', c });
  }
  return out;
}

// A state's bits: AT = at token i (a star may match nothing and move on);
// INSIDE = inside a `**/` that has consumed characters and must end with '/'.
const AT = 1;
const INSIDE = 2;

/** Runs the tokens as an NFA over the path's characters: O(path × tokens), no backtracking. */
function run(tokens: Token[], path: string): boolean {
  const m = tokens.length;
  let states = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  const close = (set: Uint8Array): void => {
    for (let i = 0; i < m; i++) {
      const t = tokens[i]!.t;
      if (set[i]! & AT && (t === 'star' || t === 'any' || t === 'dirs')) set[i + 1]! |= AT;
    }
  };
  states[0] = AT;
  close(states);
  for (const c of path) {
    next.fill(0);
    for (let i = 0; i < m; i++) {
      if (!states[i]) continue;
      const tok = tokens[i]!;
      if (tok.t === 'dirs') {
        next[i]! |= INSIDE;
        if (c === '/') next[i + 1]! |= AT;
      } else if (!(states[i]! & AT)) continue;
      else if (tok.t === 'lit' ? tok.c === c : tok.t === 'one' ? tok.test(c) : false) next[i + 1]! |= AT;
      else if (tok.t === 'any' || (tok.t === 'star' && c !== '/')) next[i]! |= AT;
    }
    close(next);
    if (next.every((b) => b === 0)) return false;
    [states, next] = [next, states];
  }
  return (states[m]! & AT) !== 0;
}
