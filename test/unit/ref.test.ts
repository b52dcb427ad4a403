import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../src/errors/index.ts';
import { parseBranchName, parseCommitId, parsePath, parseRepoName, quoteInput } from '../../src/ids.ts';
import { formatRef, parseRef, type Ref } from '../../src/ref.ts';

const ID = '0123456789abcdef0123456789abcdef';

function ref(partial: Partial<Ref> & { branch?: string; id?: string }): Ref {
  return {
    repo: partial.repo ?? parseRepoName('images'),
    target: partial.id !== undefined ? { kind: 'commit', id: parseCommitId(partial.id) } : { kind: 'branch', branch: parseBranchName(partial.branch ?? 'main') },
    ancestry: partial.ancestry ?? null,
    path: partial.path ?? null,
    trailingSlash: partial.trailingSlash ?? false,
  };
}

describe('parseRef', () => {
  const good: Array<[string, Ref]> = [
    ['images', ref({})],
    ['images@dev', ref({ branch: 'dev' })],
    [`images@${ID}`, ref({ id: ID })],
    [`images@${ID.toUpperCase()}`, ref({ id: ID })],
    ['images@main^', ref({ ancestry: { kind: 'parent', n: 1 } })],
    ['images@main^^', ref({ ancestry: { kind: 'parent', n: 2 } })],
    ['images@main^3', ref({ ancestry: { kind: 'parent', n: 3 } })],
    ['images@main~2^', ref({ ancestry: { kind: 'parent', n: 3 } })],
    ['images@main.3', ref({ ancestry: { kind: 'fromRoot', n: 3 } })],
    [`images@${ID}^2`, ref({ id: ID, ancestry: { kind: 'parent', n: 2 } })],
    ['images@main:/cats/1.png', ref({ path: parsePath('/cats/1.png') })],
    ['images@main:cats/1.png', ref({ path: parsePath('/cats/1.png') })],
    ['images:/cats/', ref({ path: parsePath('/cats'), trailingSlash: true })],
    ['images@main^:/', ref({ ancestry: { kind: 'parent', n: 1 }, path: parsePath('/'), trailingSlash: true })],
    ['images@main:/a:b@c', ref({ path: parsePath('/a:b@c') })],
  ];
  it.each(good)('parses %j', (input, expected) => {
    expect(parseRef(input)).toEqual(expected);
  });

  const bad: Array<[string, string, string]> = [
    ['', 'INVALID_REF', 'must not be empty'],
    ['@main', 'INVALID_REF', 'repo name before "@" or ":" is missing'],
    [':/a', 'INVALID_REF', 'repo name before "@" or ":" is missing'],
    ['bad repo', 'INVALID_REPO_NAME', 'only letters'],
    ['re/po@main', 'INVALID_REPO_NAME', 'only letters'],
    ['repo@', 'INVALID_REF', 'a branch or commit id must follow "@"'],
    ['repo@:/a', 'INVALID_REF', 'a branch or commit id must follow "@"'],
    ['repo@^', 'INVALID_REF', 'before "^", "~" or "."'],
    ['repo@ma!n', 'INVALID_BRANCH_NAME', 'only letters'],
    ['repo@main@dev', 'INVALID_BRANCH_NAME', 'only letters'],
    ['repo@main^x', 'INVALID_REF', 'unexpected "x" after ancestry'],
    ['repo@main^0', 'INVALID_REF', 'N must be at least 1'],
    ['repo@main.0', 'INVALID_REF', 'N must be at least 1'],
    ['repo@main.', 'INVALID_REF', 'is not ".N"'],
    ['repo@main.x', 'INVALID_REF', 'is not ".N"'],
    ['repo@main.2^', 'INVALID_REF', 'is not ".N"'],
    ['repo@main^.2', 'INVALID_REF', 'unexpected ".2"'],
    ['repo@main^99999999999', 'INVALID_REF', 'at most'],
    ['repo@main:', 'INVALID_REF', 'path after ":" is empty'],
    ['repo@main:/a/../b', 'INVALID_PATH', '".." components are not allowed'],
    ['repo@main:/a\u0000b', 'INVALID_PATH', 'control characters'],
  ];
  it.each(bad)('rejects %j with %s', (input, code, rule) => {
    let thrown: unknown;
    try {
      parseRef(input);
    } catch (err) {
      thrown = err;
    }
    expect(isStrataError(thrown), `expected a StrataError, got ${String(thrown)}`).toBe(true);
    const err = thrown as { code: string; kind: string; message: string };
    expect(err.code).toBe(code);
    expect(err.kind).toBe('InvalidArgument');
    expect(err.message).toContain(`invalid ref ${quoteInput(input)}`);
    expect(err.message).toContain(rule);
  });

  it('never throws anything but an InvalidArgument StrataError', () => {
    const alphabet = fc.constantFrom('a', 'B', '1', '_', '-', '@', ':', '/', '^', '~', '.', '0', '9', 'f', ' ', '\u0000', 'é');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 24 }).map((cs) => cs.join('')), (s) => {
        try {
          const r = parseRef(s);
          expect(parseRef(formatRef(r))).toEqual(r);
        } catch (err) {
          expect(isStrataError(err) && err.kind === 'InvalidArgument', String(err)).toBe(true);
        }
      }),
    );
  });
});

const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,63}$/);
const arbRef: fc.Arbitrary<Ref> = fc
  .record({
    repo: name.map(parseRepoName),
    target: fc.oneof(
      name.filter((s) => !/^[0-9a-f]{32}$/i.test(s)).map((b) => ({ kind: 'branch' as const, branch: parseBranchName(b) })),
      fc.stringMatching(/^[0-9a-f]{32}$/).map((id) => ({ kind: 'commit' as const, id: parseCommitId(id) })),
    ),
    ancestry: fc.option(
      fc.record({ kind: fc.constantFrom('parent' as const, 'fromRoot' as const), n: fc.integer({ min: 1, max: 1_000_000_000 }) }),
      { nil: null },
    ),
    path: fc.option(
      fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), { maxLength: 4 }).map((cs) => `/${cs.join('/')}`),
      { nil: null },
    ),
    trailingSlash: fc.boolean(),
  })
  .filter((r) => {
    try {
      if (r.path !== null) parsePath(r.path);
      return true;
    } catch {
      return false;
    }
  })
  .map((r) => {
    const path = r.path === null ? null : parsePath(r.path);
    // The root is always written ":/", so it always has its trailing slash.
    return { ...r, path, trailingSlash: path === null ? false : path === '/' ? true : r.trailingSlash };
  });

describe('formatRef', () => {
  it('prints canonical refs', () => {
    expect(formatRef(parseRef('images'))).toBe('images@main');
    expect(formatRef(parseRef('images@main^^'))).toBe('images@main^2');
    expect(formatRef(parseRef('images@main~1'))).toBe('images@main^');
    expect(formatRef(parseRef(`images@${ID.toUpperCase()}.4:a//b/`))).toBe(`images@${ID}.4:/a/b/`);
    expect(formatRef(parseRef('images:/'))).toBe('images@main:/');
  });

  it('round-trips: parseRef(formatRef(r)) equals r', () => {
    fc.assert(
      fc.property(arbRef, (r) => {
        expect(parseRef(formatRef(r))).toEqual(r);
      }),
      { numRuns: 500 },
    );
  });

  it('is a fixed point after one parse: formatRef(parseRef(formatRef(r))) equals formatRef(r)', () => {
    fc.assert(
      fc.property(arbRef, (r) => {
        const s = formatRef(r);
        expect(formatRef(parseRef(s))).toBe(s);
      }),
    );
  });
});
