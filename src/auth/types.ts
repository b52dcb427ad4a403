// The vocabulary of auth: who calls (a subject, with its identity), what a
// call does (an action), and the roles that allow actions. Parse functions
// make subjects and roles from user input; everything inward is typed.
import { StrataError } from '../errors/index.ts';
import { quoteInput, type RepoName } from '../ids.ts';

declare const brand: unique symbol;
/** `user:NAME` or `robot:NAME`. */
export type Subject = string & { readonly [brand]: 'Subject' };

/** Per-repo roles, each including the ones before it. */
export type Role = 'reader' | 'writer' | 'owner';
export const ROLES: readonly Role[] = ['reader', 'writer', 'owner'];

/**
 * What a call does. read/write/own are on one repo; `create` makes a new
 * repo (any signed-in subject may); `authenticated` needs only a valid
 * token; `admin` is cluster-wide (GC, fsck, tokens of others, admins).
 */
export type Action = 'read' | 'write' | 'own' | 'create' | 'authenticated' | 'admin';
export const REPO_ACTIONS: readonly Action[] = ['read', 'write', 'own'];

/** The role a repo action needs. */
export const ROLE_FOR: Readonly<Record<'read' | 'write' | 'own', Role>> = Object.freeze({ read: 'reader', write: 'writer', own: 'owner' });

/**
 * Who is calling, as established by authenticate(): the subject, whether it
 * is a cluster admin, and its role on every repo (so checks are pure).
 * With auth off every caller is ANONYMOUS, which may do everything.
 */
export interface Identity {
  readonly subject: Subject;
  readonly admin: boolean;
  readonly roles: ReadonlyMap<RepoName, Role>;
  /** Epoch ms when the token used stops working; null = never. */
  readonly expiresAt: number | null;
  /** Id of the token used (its hash); '' when auth is off. */
  readonly tokenId: string;
}

export const ROOT_SUBJECT = 'user:root' as Subject;
export const ANONYMOUS_SUBJECT = 'user:anonymous' as Subject;

/** Every caller while auth is off: may do everything, as before auth existed. */
export const ANONYMOUS: Identity = Object.freeze({ subject: ANONYMOUS_SUBJECT, admin: true, roles: new Map(), expiresAt: null, tokenId: '' });

/**
 * The server acting on its own behalf (e.g. making a pipeline's robot
 * token): an admin. Never the result of authenticate(); transports must not
 * hand it to a caller.
 */
export const SYSTEM: Identity = Object.freeze({ subject: 'robot:strata-system' as Subject, admin: true, roles: new Map(), expiresAt: null, tokenId: '' });

const SUBJECT_PATTERN = /^(user|robot):[A-Za-z0-9._@+-]{1,128}$/;

/** `alice` means `user:alice`; `robot:ci` stays; anything else is INVALID_SUBJECT. */
export function parseSubject(s: string): Subject {
  const full = typeof s === 'string' && !s.includes(':') ? `user:${s}` : s;
  if (typeof full !== 'string' || !SUBJECT_PATTERN.test(full)) {
    throw new StrataError(
      'INVALID_SUBJECT',
      `invalid subject ${quoteInput(s)}: must be user:NAME or robot:NAME (NAME: 1-128 of A-Z a-z 0-9 . _ @ + -)`,
      { input: typeof s === 'string' ? s : String(s) },
    );
  }
  return full as Subject;
}

export function isRobot(subject: Subject): boolean {
  return subject.startsWith('robot:');
}

/** A role name; `none` (remove the binding) gives null. */
export function parseRole(s: string): Role | null {
  if (s === 'none') return null;
  if (!(ROLES as readonly string[]).includes(s)) {
    throw new StrataError('INVALID_ROLE', `invalid role ${quoteInput(s)}: must be one of ${ROLES.join(', ')} or none`, { input: String(s) });
  }
  return s as Role;
}

/** True when `have` includes `need` (owner includes writer includes reader). */
export function roleIncludes(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}
