// Pachyderm's datum globs, compiled to one regular expression: `*` (within
// a path component), `**` (across components; `**/` also matches no
// directory), `?`, `[...]` / `[!...]`, `{a,b}`, and `( )` groups whose
// captures `join_on` and `group_by` refer to as `$1`, `$2`, ... A glob
// matches files and directories alike (a directory match makes a datum of
// its whole subtree). Our own translation rather than picomatch, because the
// capture numbering must be exactly the user's parentheses. The server
// starts V8's fallback to its linear-time engine on excessive backtracking
// (server/main.ts), so a hostile pattern cannot stall it.
import { StrataError } from '../errors/index.ts';

export interface DatumGlob {
  readonly pattern: string;
  /** The captures of a match (`$1` is index 0), or undefined when `path` does not match. */
  match(path: string): string[] | undefined;
  /** The deepest directory every match lies in (where a walk may start). */
  readonly base: string;
}

function bad(pattern: string, why: string): StrataError {
  return new StrataError('INVALID_GLOB', `invalid glob ${JSON.stringify(pattern)}: ${why}`, { input: pattern });
}

const SPECIAL = /[\\^$.|+(){}[\]*?]/;
const escape = (c: string): string => (SPECIAL.test(c) ? `\\${c}` : c);

/** Translates the glob (without its leading "/") to a regex source; `(` `)` are the only capturing groups. */
function translate(pattern: string, body: string): { source: string; groups: number } {
  let out = '';
  let groups = 0;
  let depth = 0;
  let braces = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      if (i + 1 >= body.length) throw bad(pattern, 'ends with a lone "\\"');
      out += escape(body[++i]!);
    } else if (c === '*') {
      if (body[i + 1] === '*') {
        i++;
        if (body[i + 1] === '/') {
          i++;
          out += '(?:.*/)?';
        } else out += '.*';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = body.indexOf(']', i + 2);
      if (end < 0) throw bad(pattern, 'has "[" without a closing "]"');
      let cls = body.slice(i + 1, end);
      if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      out += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === ',' && braces > 0) out += '|';
    else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === '(') {
      depth++;
      groups++;
      out += '(';
    } else if (c === ')') {
      if (depth === 0) throw bad(pattern, 'has ")" without "("');
      depth--;
      out += ')';
    } else out += escape(c);
  }
  if (depth > 0) throw bad(pattern, 'has "(" without ")"');
  if (braces > 0) throw bad(pattern, 'has "{" without "}"');
  return { source: out, groups };
}

export function compileDatumGlob(pattern: string): DatumGlob {
  if (!pattern.startsWith('/')) throw bad(pattern, 'must start with "/"');
  const body = pattern.replace(/^\/+/, '').replace(/\/+$/, '');
  const { source } = translate(pattern, body);
  let re: RegExp;
  try {
    re = new RegExp(`^${source}$`, 's');
  } catch (err) {
    throw bad(pattern, err instanceof Error ? err.message : String(err));
  }
  // The literal directories before the first special character: matches all lie below them.
  const firstSpecial = body.search(/[\\*?[{(]/);
  const literal = firstSpecial < 0 ? body : body.slice(0, firstSpecial);
  const cut = literal.lastIndexOf('/');
  const base = cut <= 0 ? '/' : `/${literal.slice(0, cut)}`;
  return {
    pattern,
    base,
    match(path) {
      if (body === '') return path === '/' ? [] : undefined;
      const m = re.exec(path.slice(1));
      return m ? m.slice(1).map((s) => s ?? '') : undefined;
    },
  };
}

/** Fills `$1`, `$2`, ... of a join_on / group_by template from a match's captures. */
export function expandKey(template: string, captures: readonly string[]): string {
  return template.replace(/\$(\d+)/g, (_, n: string) => captures[Number(n) - 1] ?? '');
}
