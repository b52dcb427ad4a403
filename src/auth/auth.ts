// The auth service of the core: activation, authentication of bearer
// tokens, tokens, role bindings and admins, all kept in the MetaStore (so it
// works the same on LevelDB and etcd, and across servers sharing a store).
// Transports call authenticate() once per request and then the pure
// authorize() of check.ts; nothing is cached, so a revoked or expired token
// is refused by the very next request.
import { StrataError } from '../errors/index.ts';
import type { RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import type { MetaStore } from '../meta/meta-store.ts';
import { createAuditLog, type AuditLog } from './audit.ts';
import { authorize, authorizeTokenOf, tokenExpiry } from './check.ts';
import { decodeAuthConfig, decodeRole, decodeToken, encodeAuthConfig, encodeRole, encodeToken, type TokenRecord } from './records.ts';
import { hashToken, isTokenIdPrefix, newToken } from './tokens.ts';
import { ANONYMOUS, ROOT_SUBJECT, type Identity, type Role, type Subject } from './types.ts';

export interface Clock {
  now(): number;
}

/** A token as listed: its id (the hash) and record, never the token itself. */
export interface TokenInfo extends TokenRecord {
  id: string;
}

export interface RoleBinding {
  subject: Subject;
  role: Role;
}

export interface Auth {
  readonly audit: AuditLog;
  isActive(): Promise<boolean>;
  /** Turns auth on and returns the root token (shown once). AUTH_ALREADY_ACTIVE if on. */
  activate(): Promise<{ token: string }>;
  /** Turns auth off and forgets every token and role (the audit log stays). Admins only. */
  deactivate(caller: Identity): Promise<void>;
  /**
   * Who holds `token`. With auth off: ANONYMOUS, whatever the token. With
   * auth on: UNAUTHENTICATED (none, unknown, revoked) or TOKEN_EXPIRED.
   */
  authenticate(token: string | undefined): Promise<Identity>;
  /** A new token for `subject`; ttlMs null = no expiry (capped by the caller's own expiry). */
  createToken(caller: Identity, req: { subject: Subject; ttlMs: number | null; description?: string }): Promise<{ token: string; info: TokenInfo }>;
  /** Admins see every token (or `subject`'s); others their own. */
  listTokens(caller: Identity, subject?: Subject): Promise<TokenInfo[]>;
  /** By the token itself or its id (or a unique id prefix of 8+ hex digits). */
  revokeToken(caller: Identity, tokenOrId: string): Promise<TokenInfo>;
  /** Sets (role null: removes) `subject`'s role on `repo`. Owners of the repo and admins. */
  setRole(caller: Identity, repo: RepoName, subject: Subject, role: Role | null): Promise<void>;
  /** The role bindings of a repo. Readers of the repo and admins. */
  getRoles(caller: Identity, repo: RepoName): Promise<RoleBinding[]>;
  /** Makes (or, with false, unmakes) `subject` a cluster admin. Admins only; root stays admin. */
  setAdmin(caller: Identity, subject: Subject, admin: boolean): Promise<void>;
  listAdmins(caller: Identity): Promise<Subject[]>;
  /**
   * After a repo is created: drops any bindings left from an earlier repo of
   * that name and makes the creator its owner (nothing when auth is off).
   */
  repoCreated(caller: Identity, repo: RepoName): Promise<void>;
  /** After a repo is deleted: drops its bindings, so a new repo of that name starts clean. */
  repoDeleted(repo: RepoName): Promise<void>;
}

export function createAuth(deps: { meta: MetaStore; clock?: Clock; /** Audit records older than this are deleted; 0 or absent: kept forever. */ auditRetentionMs?: number }): Auth {
  const { meta } = deps;
  const clock = deps.clock ?? { now: () => Date.now() };
  const audit = createAuditLog({ meta, clock, retentionMs: deps.auditRetentionMs });

  const isActive = async (): Promise<boolean> => {
    const raw = await meta.get(keys.AUTH_CONFIG_KEY);
    if (raw !== undefined) decodeAuthConfig(raw, keys.AUTH_CONFIG_KEY);
    return raw !== undefined;
  };

  const requireActive = async (): Promise<void> => {
    if (!(await isActive())) throw new StrataError('AUTH_NOT_ACTIVE', 'auth is not active on this server; turn it on with "strata auth activate"');
  };

  const rolesOf = async (subject: Subject): Promise<Map<RepoName, Role>> => {
    const roles = new Map<RepoName, Role>();
    const prefix = keys.authGrantPrefix(subject);
    for await (const [key, value] of meta.scan({ prefix })) roles.set(key.slice(prefix.length) as RepoName, decodeRole(value, key).role);
    return roles;
  };

  const bindingsOf = async (repo: RepoName): Promise<RoleBinding[]> => {
    const out: RoleBinding[] = [];
    const prefix = keys.authRolePrefix(repo);
    for await (const [key, value] of meta.scan({ prefix })) out.push({ subject: key.slice(prefix.length) as Subject, role: decodeRole(value, key).role });
    return out;
  };

  const putRole = async (repo: RepoName, subject: Subject, role: Role | null): Promise<void> => {
    const ops = role === null
      ? [{ type: 'del' as const, key: keys.authRoleKey(repo, subject) }, { type: 'del' as const, key: keys.authGrantKey(subject, repo) }]
      : [{ type: 'put' as const, key: keys.authRoleKey(repo, subject), value: encodeRole({ role }) }, { type: 'put' as const, key: keys.authGrantKey(subject, repo), value: encodeRole({ role }) }];
    await meta.batch(ops);
  };

  const allTokens = async (): Promise<TokenInfo[]> => {
    const out: TokenInfo[] = [];
    for await (const [key, value] of meta.scan({ prefix: keys.AUTH_TOKEN_PREFIX })) out.push({ id: key.slice(keys.AUTH_TOKEN_PREFIX.length), ...decodeToken(value, key) });
    return out;
  };

  const findToken = async (tokenOrId: string): Promise<TokenInfo> => {
    const id = isTokenIdPrefix(tokenOrId) ? tokenOrId : hashToken(tokenOrId);
    const matches = (await allTokens()).filter((t) => t.id.startsWith(id));
    if (matches.length === 1) return matches[0]!;
    const shown = isTokenIdPrefix(tokenOrId) ? tokenOrId : '(a token)';
    if (matches.length === 0) throw new StrataError('TOKEN_NOT_FOUND', `no token with id ${shown}`, { id: shown });
    throw new StrataError('INVALID_ARGUMENT', `token id prefix ${shown} matches ${matches.length} tokens; give more digits`, { id: shown });
  };

  return {
    audit,
    isActive,

    async activate() {
      const token = newToken();
      const now = clock.now();
      const record = encodeToken({ subject: ROOT_SUBJECT, createdAt: now, createdBy: ROOT_SUBJECT, expiresAt: null, description: 'root token (strata auth activate)' });
      const done = await meta.batch(
        [
          { type: 'put', key: keys.AUTH_CONFIG_KEY, value: encodeAuthConfig({ activatedAt: now }) },
          { type: 'put', key: keys.authTokenKey(hashToken(token)), value: record },
          { type: 'put', key: keys.authAdminKey(ROOT_SUBJECT), value: encodeRole({ role: 'owner' }) },
        ],
        [{ key: keys.AUTH_CONFIG_KEY, expected: undefined }],
      );
      if (!done) throw new StrataError('AUTH_ALREADY_ACTIVE', 'auth is already active; log in with a token an admin gives you (strata auth login)');
      return { token };
    },

    async deactivate(caller) {
      await requireActive();
      authorize(caller, 'admin');
      // The config goes first: from then on every call is anonymous again.
      await meta.del(keys.AUTH_CONFIG_KEY);
      for await (const [key] of meta.scan({ prefix: keys.AUTH_PREFIX })) await meta.del(key);
    },

    async authenticate(token) {
      if (!(await isActive())) return ANONYMOUS;
      if (!token) throw new StrataError('UNAUTHENTICATED', 'no token: auth is on; log in with "strata auth login" or set STRATA_TOKEN');
      const id = hashToken(token);
      const raw = await meta.get(keys.authTokenKey(id));
      if (raw === undefined) throw new StrataError('UNAUTHENTICATED', 'the token is not valid (unknown or revoked); log in again with a current token');
      const record = decodeToken(raw, keys.authTokenKey(id));
      if (record.expiresAt !== null && record.expiresAt <= clock.now()) {
        throw new StrataError('TOKEN_EXPIRED', `the token of ${record.subject} expired at ${new Date(record.expiresAt).toISOString()}; get a new one`, {
          subject: record.subject,
          expiredAt: new Date(record.expiresAt).toISOString(),
        });
      }
      const [admin, roles] = await Promise.all([meta.get(keys.authAdminKey(record.subject)).then((v) => v !== undefined), rolesOf(record.subject)]);
      return { subject: record.subject, admin, roles, expiresAt: record.expiresAt, tokenId: id };
    },

    async createToken(caller, req) {
      await requireActive();
      authorizeTokenOf(caller, req.subject);
      if (req.ttlMs !== null && (!Number.isSafeInteger(req.ttlMs) || req.ttlMs <= 0)) {
        throw new StrataError('INVALID_ARGUMENT', `invalid token TTL ${req.ttlMs} ms: must be a positive whole number of milliseconds`, { field: 'ttl' });
      }
      const token = newToken();
      const now = clock.now();
      const record: TokenRecord = { subject: req.subject, createdAt: now, createdBy: caller.subject, expiresAt: tokenExpiry(now, req.ttlMs, caller), description: req.description ?? '' };
      const id = hashToken(token);
      await meta.put(keys.authTokenKey(id), encodeToken(record));
      return { token, info: { id, ...record } };
    },

    async listTokens(caller, subject) {
      await requireActive();
      const wanted = subject ?? (caller.admin ? undefined : caller.subject);
      if (wanted !== undefined) authorizeTokenOf(caller, wanted);
      return (await allTokens()).filter((t) => wanted === undefined || t.subject === wanted);
    },

    async revokeToken(caller, tokenOrId) {
      await requireActive();
      const found = await findToken(tokenOrId);
      authorizeTokenOf(caller, found.subject);
      await meta.del(keys.authTokenKey(found.id));
      return found;
    },

    async setRole(caller, repo, subject, role) {
      await requireActive();
      authorize(caller, 'own', repo);
      await putRole(repo, subject, role);
    },

    async getRoles(caller, repo) {
      await requireActive();
      authorize(caller, 'read', repo);
      return bindingsOf(repo);
    },

    async setAdmin(caller, subject, admin) {
      await requireActive();
      authorize(caller, 'admin');
      if (!admin && subject === ROOT_SUBJECT) throw new StrataError('INVALID_ARGUMENT', `${ROOT_SUBJECT} is always a cluster admin`, { field: 'subject' });
      if (admin) await meta.put(keys.authAdminKey(subject), encodeRole({ role: 'owner' }));
      else await meta.del(keys.authAdminKey(subject));
    },

    async listAdmins(caller) {
      await requireActive();
      authorize(caller, 'authenticated');
      const out: Subject[] = [];
      for await (const [key] of meta.scan({ prefix: keys.AUTH_ADMIN_PREFIX })) out.push(key.slice(keys.AUTH_ADMIN_PREFIX.length) as Subject);
      return out;
    },

    async repoCreated(caller, repo) {
      if (!(await isActive())) return;
      for (const b of await bindingsOf(repo)) await putRole(repo, b.subject, null);
      if (caller !== ANONYMOUS) await putRole(repo, caller.subject, 'owner');
    },

    async repoDeleted(repo) {
      for (const b of await bindingsOf(repo)) await putRole(repo, b.subject, null);
    },
  };
}
