// The pure authorization checks: given an identity (with its roles, as
// authenticate() loaded them) and what a call does, allow or throw
// NOT_AUTHORIZED. No I/O here, so every rule is testable as a table.
import { StrataError } from '../errors/index.ts';
import type { RepoName } from '../ids.ts';
import { ROLE_FOR, roleIncludes, type Action, type Identity, type Role, type Subject } from './types.ts';

/** The identity's role on the repo (admins are owners everywhere); undefined = none. */
export function roleOn(identity: Identity, repo: RepoName): Role | undefined {
  return identity.admin ? 'owner' : identity.roles.get(repo);
}

/** Whether the identity may do `action` (on `repo` for read, write and own). */
export function allows(identity: Identity, action: Action, repo?: RepoName): boolean {
  if (identity.admin) return true;
  switch (action) {
    case 'authenticated':
    case 'create':
      return true;
    case 'admin':
      return false;
    default: {
      if (repo === undefined) return false;
      const role = identity.roles.get(repo);
      return role !== undefined && roleIncludes(role, ROLE_FOR[action]);
    }
  }
}

/** Throws NOT_AUTHORIZED naming the subject, the action, the repo and what it needs. */
export function authorize(identity: Identity, action: Action, repo?: RepoName): void {
  if (allows(identity, action, repo)) return;
  const needs = action === 'admin' ? 'cluster admin' : action in ROLE_FOR ? ROLE_FOR[action as keyof typeof ROLE_FOR] : action;
  const on = repo === undefined ? '' : ` on repo "${repo}"`;
  const has = repo === undefined ? '' : ` (has ${identity.roles.get(repo) ?? 'no role'})`;
  throw new StrataError('NOT_AUTHORIZED', `${identity.subject} may not ${action}${on}: needs ${needs}${has}`, {
    subject: identity.subject,
    action,
    repo: repo ?? null,
    needs,
  });
}

/** Admins manage every token; a user manages its own; a robot none (its tokens come from an admin). */
export function authorizeTokenOf(identity: Identity, subject: Subject): void {
  if (identity.admin || (identity.subject === subject && !identity.subject.startsWith('robot:'))) return;
  throw new StrataError('NOT_AUTHORIZED', `${identity.subject} may not manage the tokens of ${subject}: needs cluster admin`, {
    subject: identity.subject,
    action: 'token',
    repo: null,
    needs: 'cluster admin',
  });
}

/**
 * The expiry of a new token: the requested TTL, but never past the expiry
 * of the token that asks for it (a token cannot outlive its maker's).
 */
export function tokenExpiry(now: number, ttlMs: number | null, maker: Identity): number | null {
  const wanted = ttlMs === null ? null : now + ttlMs;
  if (maker.admin || maker.expiresAt === null) return wanted;
  return wanted === null ? maker.expiresAt : Math.min(wanted, maker.expiresAt);
}
