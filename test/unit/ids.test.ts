import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../src/errors/index.ts';
import {
  compareCodePoints,
  comparePaths,
  hasTrailingSlash,
  newCommitId,
  parseBranchName,
  parseCommitId,
  parsePath,
  parseRepoName,
  pathComponents,
  quoteInput,
  type FilePath,
} from '../../src/ids.ts';

function expectInvalid(fn: () => unknown, code: string, ...fragments: string[]): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(isStrataError(thrown), `expected a StrataError, got ${String(thrown)}`).toBe(true);
  const err = thrown as { code: string; kind: string; message: string };
  expect(err.code).toBe(code);
  expect(err.kind).toBe('InvalidArgument');
  for (const f of fragments) expect(err.message).toContain(f);
}

describe('parseRepoName and parseBranchName', () => {
  it('accept letters, digits, "_" and "-" up to 63 characters', () => {
    expect(parseRepoName('Images_2024-v1')).toBe('Images_2024-v1');
    expect(parseBranchName('feature-x_1')).toBe('feature-x_1');
    expect(parseRepoName('a'.repeat(63))).toHaveLength(63);
  });

  const bad: Array<[string, string]> = [
    ['', 'must not be empty'],
    ['a'.repeat(64), 'at most 63 characters'],
    ['has space', 'only letters'],
    ['dot.ted', 'only letters'],
    ['slash/ed', 'only letters'],
    ['at@sign', 'only letters'],
    ['ünïcode', 'only letters'],
  ];
  it.each(bad)('reject %j: %s', (input, rule) => {
    expectInvalid(() => parseRepoName(input), 'INVALID_REPO_NAME', `invalid repo name ${quoteInput(input)}`, rule);
    expectInvalid(() => parseBranchName(input), 'INVALID_BRANCH_NAME', `invalid branch name ${quoteInput(input)}`, rule);
  });

  it('refuse a branch name that would read as a commit id', () => {
    expectInvalid(() => parseBranchName('0123456789abcdef0123456789ABCDEF'), 'INVALID_BRANCH_NAME', 'would be read as a commit id');
    expect(parseBranchName('0123456789abcdef0123456789abcde')).toHaveLength(31);
  });

  it('reject non-strings from untyped callers', () => {
    expectInvalid(() => parseRepoName(undefined as unknown as string), 'INVALID_REPO_NAME', 'must be a string');
  });
});

describe('parseCommitId and newCommitId', () => {
  it('accepts 32 hex digits and lowers upper case', () => {
    expect(parseCommitId('0123456789ABCDEF0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef');
  });

  it.each(['', 'xyz', '0123456789abcdef0123456789abcde', '0123456789abcdef0123456789abcdef0', 'g123456789abcdef0123456789abcdef'])('rejects %j', (input) => {
    expectInvalid(() => parseCommitId(input), 'INVALID_COMMIT_ID', `invalid commit id ${quoteInput(input)}`, '32 hexadecimal digits');
  });

  it('makes fresh ids that parse', () => {
    const a = newCommitId();
    expect(parseCommitId(a)).toBe(a);
    expect(newCommitId()).not.toBe(a);
  });
});

describe('parsePath', () => {
  const good: Array<[string, string, boolean]> = [
    ['/', '/', true],
    ['//', '/', true],
    ['a', '/a', false],
    ['/a/b', '/a/b', false],
    ['a/b/', '/a/b', true],
    ['//a///b//', '/a/b', true],
    ['/.hidden/..dots/x..', '/.hidden/..dots/x..', false],
    ['/sp ace/é/😀', '/sp ace/é/😀', false],
  ];
  it.each(good)('normalises %j to %j (trailing slash: %s)', (input, path, trailing) => {
    expect(parsePath(input)).toBe(path);
    expect(hasTrailingSlash(input)).toBe(trailing);
  });

  const bad: Array<[string, string]> = [
    ['', 'must not be empty'],
    ['a/../b', '".." components are not allowed'],
    ['/..', '".." components are not allowed'],
    ['./a', '"." components are not allowed'],
    ['/a/./b', '"." components are not allowed'],
    ['a\u0000b', 'control characters (U+0000)'],
    ['a\nb', 'control characters (U+000A)'],
    ['a\u001fb', 'control characters (U+001F)'],
    ['a\u007fb', 'control characters (U+007F)'],
    ['a\uD800b', 'lone surrogate'],
  ];
  it.each(bad)('rejects %j: %s', (input, rule) => {
    expectInvalid(() => parsePath(input), 'INVALID_PATH', `invalid path ${quoteInput(input)}`, rule);
  });

  it('names the input exactly as the brief shows', () => {
    expectInvalid(() => parsePath('a/../b'), 'INVALID_PATH', 'invalid path "a/../b": ".." components are not allowed');
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        let p: FilePath;
        try {
          p = parsePath(s);
        } catch (err) {
          expect(isStrataError(err, 'INVALID_PATH')).toBe(true);
          return;
        }
        expect(parsePath(p)).toBe(p);
        expect(p.startsWith('/')).toBe(true);
        expect(p === '/' || !p.endsWith('/')).toBe(true);
        expect(p.includes('//')).toBe(false);
      }),
    );
  });
});

describe('quoteInput', () => {
  it('escapes control characters and quotes, and cuts long input', () => {
    expect(quoteInput('a"b\\c\u0001\u007f')).toBe('"a\\"b\\\\c\\u0001\\u007f"');
    expect(quoteInput('x'.repeat(500))).toHaveLength(120 + 3);
  });
});

describe('path order', () => {
  it('is component-wise: a subtree follows its directory directly', () => {
    const paths = ['/b', '/a.txt', '/a/z', '/a', '/', '/a/b/c', '/a-b'].map(parsePath);
    expect([...paths].sort(comparePaths)).toEqual(['/', '/a', '/a/b/c', '/a/z', '/a-b', '/a.txt', '/b']);
    expect(pathComponents(parsePath('/a/b'))).toEqual(['a', 'b']);
    expect(pathComponents(parsePath('/'))).toEqual([]);
  });

  it('compares strings in UTF-8 byte order', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
    );
    expect(compareCodePoints('\uE000', '😀')).toBeLessThan(0);
  });
});
