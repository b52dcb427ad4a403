// The auth service of the core: activation, authentication of bearer
// tokens, tokens, role bindings and admins, all kept in the MetaStore (so it
// works the same on LevelDB and etcd, and across servers sharing a store).
// Transports call authenticate() once per request and then the pure
// authorize() of check.ts.
//
// Cache: what authenticate() reads (whether auth is on, a token's record, its
// subject's admin flag and roles) is kept in memory, labelled with the auth
// version: random bytes at AUTH_VERSION_KEY that every auth change rewrites
// after it is made. A call first learns the current version, then uses the
// cache only if it was filled under that same version; otherwise it reads
// the store. On a store of this process only (LevelDB, memory) the version
// is a counter a watch on auth/ bumps as each change is applied, so a call
// costs no store read at all; on a shared store (etcd) it is one small read
// per call (instead of four), so a revocation or role change made on any
// server is seen by the very next call on every server. Expiry is checked
// against the clock on every call.
import { StrataError } from '../errors/index.ts';
import type { RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import type { MetaStore } from '../meta/meta-store.ts';
import { createAuditLog, type AuditLog } from './audit.ts';
import { authorize, authorizeTokenOf, tokenExpiry } from './check.ts';
import { decodeAuthConfig, decodeRole, decodeToken, encodeAuthConfig, encodeRole, encodeToken, type TokenRecord } from './records.ts';
import { randomBytes } from 'node:crypto';
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

/** Tokens whose identity the cache keeps at most (the oldest is dropped first). */
export const AUTH_CACHE_TOKENS = 10_000;

interface CachedToken {
  record: TokenRecord;
  admin: boolean;
  roles: ReadonlyMap<RepoName, Role>;
}

export function createAuth(deps: {
  meta: MetaStore;
  clock?: Clock;
  /** Audit records older than this are deleted; 0 or absent: kept forever. */
  auditRetentionMs?: number;
  /** false: read the store on every call (for measuring; the default is true). */
  cache?: boolean;
}): Auth {
  const { meta } = deps;
  const clock = deps.clock ?? { now: () => Date.now() };
  const audit = createAuditLog({ meta, clock, retentionMs: deps.auditRetentionMs });
  const caching = deps.cache ?? true;

  // ---- the cache (see the top of this file) ----
  /** Bumped by the watch on a store of this process only; undefined until the watch is in place. */
  let localVersion: number | undefined;
  let watching: Promise<void> | undefined;
  let label: string | undefined;
  let activeCached: boolean | undefined;
  const tokens = new Map<string, CachedToken>();

  const startWatch = (): Promise<void> =>
    (watching ??= meta.shared
      ? Promise.resolve()
      : meta.watch(keys.AUTH_PREFIX, () => void (localVersion = (localVersion ?? 0) + 1)).then(
          () => void (localVersion ??= 0),
          () => undefined, // no watch: the version key is read instead
        ));

  /** The current auth version; the cache is emptied when it differs from the one it was filled under. */
  const version = async (): Promise<string | undefined> => {
    if (!caching) return undefined;
    await startWatch();
    let v: string;
    if (localVersion !== undefined) v = `local:${localVersion}`;
    else v = `store:${Buffer.from((await meta.get(keys.AUTH_VERSION_KEY)) ?? []).toString('hex')}`;
    if (v !== label) {
      tokens.clear();
      activeCached = undefined;
      label = v;
    }
    return v;
  };

  /** After an auth change is made: other servers' caches see a new version at their next call. */
  const bump = (): Promise<void> => meta.put(keys.AUTH_VERSION_KEY, randomBytes(16));
  const bumpOp = (): { type: 'put'; key: string; value: Uint8Array } => ({ type: 'put', key: keys.AUTH_VERSION_KEY, value: randomBytes(16) });

  const isActive = async (): Promise<boolean> => activeAt(await version());

  /** Whether auth is on, under version `v` (as version() gave it). */
  const activeAt = async (v: string | undefined): Promise<boolean> => {
    if (v !== undefined && v === label && activeCached !== undefined) return activeCached;
    const raw = await meta.get(keys.AUTH_CONFIG_KEY);
    if (raw !== undefined) decodeAuthConfig(raw, keys.AUTH_CONFIG_KEY);
    if (v !== undefined && v === label) activeCached = raw !== undefined;
    return raw !== undefined;
  };

  /** A token's record, admin flag and roles: from the cache when current, else from the store (undefined: unknown or revoked). */
  const loadToken = async (id: string, v: string | undefined): Promise<CachedToken | undefined> => {
    const hit = v !== undefined && v === label ? tokens.get(id) : undefined;
    if (hit) return hit;
    const raw = await meta.get(keys.authTokenKey(id));
    if (raw === undefined) return undefined;
    const record = decodeToken(raw, keys.authTokenKey(id));
    const [admin, roles] = await Promise.all([meta.get(keys.authAdminKey(record.subject)).then((x) => x !== undefined), rolesOf(record.subject)]);
    const loaded = { record, admin, roles };
    // Only under the version read before the reads above: what they saw is at least that new.
    if (v !== undefined && v === label) {
      if (tokens.size >= AUTH_CACHE_TOKENS) tokens.delete(tokens.keys().next().value!);
      tokens.set(id, loaded);
    }
    return loaded;
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
    await meta.batch([...ops, bumpOp()]);
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
          bumpOp(),
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
      await bump();
      for await (const [key] of meta.scan({ prefix: keys.AUTH_PREFIX })) if (key !== keys.AUTH_VERSION_KEY) await meta.del(key);
      await bump();
    },

    async authenticate(token) {
      const v = await version();
      if (!(await activeAt(v))) return ANONYMOUS;
      if (!token) throw new StrataError('UNAUTHENTICATED', 'no token: auth is on; log in with "strata auth login" or set STRATA_TOKEN');
      const id = hashToken(token);
      const found = await loadToken(id, v);
      if (found === undefined) throw new StrataError('UNAUTHENTICATED', 'the token is not valid (unknown or revoked); log in again with a current token');
      const { record, admin, roles } = found;
      if (record.expiresAt !== null && record.expiresAt <= clock.now()) {
        throw new StrataError('TOKEN_EXPIRED', `the token of ${record.subject} expired at ${new Date(record.expiresAt).toISOString()}; get a new one`, {
          subject: record.subject,
          expiredAt: new Date(record.expiresAt).toISOString(),
        });
      }
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
      await meta.batch([{ type: 'del', key: keys.authTokenKey(found.id) }, bumpOp()]);
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
      const op = admin ? { type: 'put' as const, key: keys.authAdminKey(subject), value: encodeRole({ role: 'owner' }) } : { type: 'del' as const, key: keys.authAdminKey(subject) };
      await meta.batch([op, bumpOp()]);
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
