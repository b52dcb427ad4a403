// The pure checks of src/auth/check.ts, as a table: which identity may do what.
import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../../src/errors/index.ts';
import type { RepoName } from '../../../src/ids.ts';
import { bearerToken } from '../../../src/auth/bearer.ts';
import { allows, authorize, authorizeTokenOf, tokenExpiry } from '../../../src/auth/check.ts';
import { ANONYMOUS, parseRole, parseSubject, type Action, type Identity, type Role } from '../../../src/auth/types.ts';

const A = 'a' as RepoName;
const B = 'b' as RepoName;

function who(subject: string, roles: [RepoName, Role][] = [], admin = false, expiresAt: number | null = null): Identity {
  return { subject: parseSubject(subject), admin, roles: new Map(roles), expiresAt, tokenId: 'x' };
}

describe('allows', () => {
  const cases: [string, Identity, Action, RepoName | undefined, boolean][] = [
    ['reader reads', who('alice', [[A, 'reader']]), 'read', A, true],
    ['reader cannot write', who('alice', [[A, 'reader']]), 'write', A, false],
    ['writer writes', who('alice', [[A, 'writer']]), 'write', A, true],
    ['writer cannot own', who('alice', [[A, 'writer']]), 'own', A, false],
    ['owner reads', who('alice', [[A, 'owner']]), 'read', A, true],
    ['a role on A gives nothing on B', who('alice', [[A, 'owner']]), 'read', B, false],
    ['no repo, no repo action', who('alice', [[A, 'owner']]), 'read', undefined, false],
    ['anyone signed in creates repos', who('robot:ci'), 'create', undefined, true],
    ['non-admin is not admin', who('alice', [[A, 'owner']]), 'admin', undefined, false],
    ['admin is admin', who('bob', [], true), 'admin', undefined, true],
    ['admin reads any repo', who('bob', [], true), 'read', B, true],
    ['anonymous (auth off) does all', ANONYMOUS, 'admin', undefined, true],
  ];
  for (const [name, id, action, repo, want] of cases) it(name, () => expect(allows(id, action, repo)).toBe(want));
});

describe('authorize', () => {
  it('throws NOT_AUTHORIZED naming subject, action, repo and the role needed', () => {
    let err: unknown;
    try {
      authorize(who('alice', [[A, 'reader']]), 'write', A);
    } catch (e) {
      err = e;
    }
    expect(isStrataError(err, 'NOT_AUTHORIZED')).toBe(true);
    expect((err as Error).message).toBe('user:alice may not write on repo "a": needs writer (has reader)');
    expect((err as { data: object }).data).toEqual({ subject: 'user:alice', action: 'write', repo: 'a', needs: 'writer' });
  });
});

describe('tokens of others', () => {
  it('a user manages its own, not others; a robot none; an admin all', () => {
    expect(() => authorizeTokenOf(who('alice'), parseSubject('alice'))).not.toThrow();
    expect(() => authorizeTokenOf(who('alice'), parseSubject('bob'))).toThrow(/may not manage the tokens of user:bob/);
    expect(() => authorizeTokenOf(who('robot:ci'), parseSubject('robot:ci'))).toThrow(/needs cluster admin/);
    expect(() => authorizeTokenOf(who('root', [], true), parseSubject('robot:ci'))).not.toThrow();
  });

  it('a new token never outlives the non-admin token that made it', () => {
    expect(tokenExpiry(1000, 500, who('alice', [], false, 1200))).toBe(1200);
    expect(tokenExpiry(1000, 100, who('alice', [], false, 1200))).toBe(1100);
    expect(tokenExpiry(1000, null, who('alice', [], false, 1200))).toBe(1200);
    expect(tokenExpiry(1000, null, who('root', [], true, 1200))).toBeNull();
  });
});

describe('parsing', () => {
  it('subjects: a bare name is a user; other shapes are INVALID_SUBJECT', () => {
    expect(parseSubject('alice')).toBe('user:alice');
    expect(parseSubject('robot:etl-1')).toBe('robot:etl-1');
    for (const bad of ['', 'group:x', 'user:', 'user:a/b', 'user:a b', `user:${'x'.repeat(129)}`]) {
      expect(() => parseSubject(bad), bad).toThrow(expect.objectContaining({ code: 'INVALID_SUBJECT' }));
    }
  });

  it('roles: reader, writer, owner, none', () => {
    expect(parseRole('writer')).toBe('writer');
    expect(parseRole('none')).toBeNull();
    expect(() => parseRole('admin')).toThrow(expect.objectContaining({ code: 'INVALID_ROLE' }));
  });
});

describe('bearerToken', () => {
  it('reads "Bearer <token>"; no header is undefined; anything else UNAUTHENTICATED', () => {
    expect(bearerToken('Bearer strata_abc')).toBe('strata_abc');
    expect(bearerToken('bearer  strata_abc ')).toBe('strata_abc');
    expect(bearerToken(undefined)).toBeUndefined();
    for (const bad of ['strata_abc', 'Basic eDp5', 'Bearer', 'Bearer a b']) expect(() => bearerToken(bad), bad).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });
});
