// The auth core (src/auth/auth.ts) on every MetaStore it runs on: memory,
// LevelDB on disk, and real etcd when installed. Tokens, expiry, revocation,
// roles and the audit log, through the API the transports call.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuth, parseSubject, type Auth, type Identity } from '../../src/auth/index.ts';
import type { RepoName } from '../../src/ids.ts';
import { createEtcdMetaStore } from '../../src/meta/etcd-meta-store.ts';
import { createLevelMetaStore } from '../../src/meta/level-meta-store.ts';
import { createMemoryMetaStore } from '../../src/meta/memory-meta-store.ts';
import type { MetaStore } from '../../src/meta/meta-store.ts';
import { etcdMissing, startEtcd, type TestEtcd } from '../helpers/etcd.ts';

const A = 'a' as RepoName;
const B = 'b' as RepoName;

type Opener = () => Promise<{ meta: MetaStore; cleanup: () => Promise<void> }>;

let etcd: Promise<TestEtcd> | undefined;
afterAll(async () => {
  if (etcd) await (await etcd).stop();
});

const adapters: [string, Opener | string][] = [
  ['memory', async () => ({ meta: createMemoryMetaStore(), cleanup: async () => undefined })],
  [
    'leveldb',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'strata-auth-'));
      const meta = await createLevelMetaStore({ path: join(dir, 'meta') });
      return { meta, cleanup: async () => (await meta.close(), await rm(dir, { recursive: true, force: true })) };
    },
  ],
  [
    'etcd',
    etcdMissing() ??
      (async () => {
        const { endpoints } = await (etcd ??= startEtcd());
        const meta = await createEtcdMetaStore({ endpoints, prefix: `auth-${randomUUID()}/` });
        return { meta, cleanup: () => meta.close() };
      }),
  ],
];

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toMatchObject({ code });
}

for (const [name, open] of adapters) {
  if (typeof open === 'string') {
    describe.skip(`auth store: ${name} (${open})`, () => it('needs etcd', () => undefined));
    continue;
  }
  const openStore: Opener = open;
  describe(`auth store: ${name}`, () => {
    async function withAuth(fn: (auth: Auth, clock: { t: number }, meta: MetaStore) => Promise<void>, opts: { auditRetentionMs?: number } = {}): Promise<void> {
      const { meta, cleanup } = await openStore();
      const clock = { t: 1_000_000 };
      try {
        await fn(createAuth({ meta, clock: { now: () => clock.t }, ...opts }), clock, meta);
      } finally {
        await cleanup();
      }
    }

    it('is off by default: everyone is anonymous; activate returns a root token once', () =>
      withAuth(async (auth) => {
        expect(await auth.isActive()).toBe(false);
        expect((await auth.authenticate(undefined)).subject).toBe('user:anonymous');
        const { token } = await auth.activate();
        expect(token).toMatch(/^strata_[A-Za-z0-9_-]{43}$/);
        await rejectsWith(auth.activate(), 'AUTH_ALREADY_ACTIVE');
        const root = await auth.authenticate(token);
        expect(root).toMatchObject({ subject: 'user:root', admin: true, expiresAt: null });
        await rejectsWith(auth.authenticate(undefined), 'UNAUTHENTICATED');
        await rejectsWith(auth.authenticate('strata_nope'), 'UNAUTHENTICATED');
      }));

    it('tokens expire and are revoked, effective at the next authenticate', () =>
      withAuth(async (auth, clock) => {
        const root = await auth.authenticate((await auth.activate()).token);
        const robot = await auth.createToken(root, { subject: parseSubject('robot:ci'), ttlMs: 60_000 });
        expect((await auth.authenticate(robot.token)).subject).toBe('robot:ci');
        clock.t += 60_000;
        await rejectsWith(auth.authenticate(robot.token), 'TOKEN_EXPIRED');
        const alice = await auth.createToken(root, { subject: parseSubject('alice'), ttlMs: null });
        expect((await auth.listTokens(root)).map((t) => t.subject).sort()).toEqual(['robot:ci', 'user:alice', 'user:root']);
        await auth.revokeToken(root, alice.info.id.slice(0, 10));
        await rejectsWith(auth.authenticate(alice.token), 'UNAUTHENTICATED');
        await rejectsWith(auth.revokeToken(root, alice.info.id), 'TOKEN_NOT_FOUND');
        // The stored record never holds the token itself.
        expect(JSON.stringify(await auth.listTokens(root))).not.toContain(robot.token);
      }));

    it('roles: owner grants, reader reads A but not B, creator owns, deleted repos forget', () =>
      withAuth(async (auth) => {
        const root = await auth.authenticate((await auth.activate()).token);
        const as = async (s: string): Promise<Identity> => auth.authenticate((await auth.createToken(root, { subject: parseSubject(s), ttlMs: null })).token);
        let alice = await as('alice');
        await auth.repoCreated(alice, A);
        alice = await as('alice');
        expect(alice.roles.get(A)).toBe('owner');
        await auth.setRole(alice, A, parseSubject('bob'), 'reader');
        const bob = await as('bob');
        expect(bob.roles.get(A)).toBe('reader');
        expect(bob.roles.get(B)).toBeUndefined();
        await rejectsWith(auth.setRole(bob, A, parseSubject('bob'), 'owner'), 'NOT_AUTHORIZED');
        await rejectsWith(auth.getRoles(bob, B), 'NOT_AUTHORIZED');
        expect(await auth.getRoles(bob, A)).toEqual([{ subject: 'user:alice', role: 'owner' }, { subject: 'user:bob', role: 'reader' }]);
        await auth.repoDeleted(A);
        expect((await as('bob')).roles.size).toBe(0);
        await rejectsWith(auth.setAdmin(bob, parseSubject('bob'), true), 'NOT_AUTHORIZED');
        await auth.setAdmin(root, parseSubject('bob'), true);
        expect((await as('bob')).admin).toBe(true);
      }));

    it('audit: records come back filtered by subject, repo and time, oldest first', () =>
      withAuth(async (auth) => {
        const base = { method: 'ModifyFile', outcome: 'ok' as const, code: null, detail: {}, requestId: 'r' };
        await auth.audit.record({ ...base, time: 10, subject: 'user:alice', repo: A });
        await auth.audit.record({ ...base, time: 20, subject: 'user:bob', repo: B });
        await auth.audit.record({ ...base, time: 30, subject: 'user:alice', repo: B });
        expect((await auth.audit.query({})).map((r) => r.time)).toEqual([10, 20, 30]);
        expect((await auth.audit.query({ subject: 'user:alice' })).map((r) => r.time)).toEqual([10, 30]);
        expect((await auth.audit.query({ repo: 'b' })).map((r) => r.time)).toEqual([20, 30]);
        expect((await auth.audit.query({ since: 20, until: 30 })).map((r) => r.time)).toEqual([20]);
        expect((await auth.audit.query({ limit: 2 })).map((r) => r.time)).toEqual([20, 30]);
      }));

    it('audit retention: a write prunes the records older than the retention (from the store, not only the answers); 0 keeps them', async () => {
      const base = { subject: 'user:alice', repo: A, method: 'ModifyFile', outcome: 'ok' as const, code: null, detail: {}, requestId: 'r' };
      const stored = async (meta: MetaStore): Promise<number> => {
        let n = 0;
        for await (const _ of meta.scan({ prefix: 'audit/' })) n++;
        return n;
      };
      await withAuth(
        async (auth, clock, meta) => {
          await auth.audit.record(base); // t0: prunes (nothing yet), then stores
          clock.t += 500;
          await auth.audit.record(base); // t0 + 500: a prune is due (one every tenth of the retention), nothing is old enough
          clock.t += 700;
          await auth.audit.record(base); // t0 + 1200: the first is 1200 ms old, past the 1000 ms retention
          expect((await auth.audit.query({})).map((r) => r.time - 1_000_000)).toEqual([500, 1200]);
          expect(await stored(meta)).toBe(2);
          // Many old records (more than one delete batch), then an explicit prune.
          for (let i = 0; i < 1100; i++) await auth.audit.record({ ...base, time: 5 + i });
          clock.t += 1000; // t0 + 2200: the one at 500 is 1700 ms old, the one at 1200 is 1000 (kept: older than, not as old as)
          expect(await auth.audit.prune()).toBe(1101);
          expect((await auth.audit.query({})).map((r) => r.time - 1_000_000)).toEqual([1200]);
          expect(await stored(meta)).toBe(1);
        },
        { auditRetentionMs: 1000 },
      );
      await withAuth(async (auth, clock, meta) => {
        await auth.audit.record({ ...base, time: 1 });
        clock.t += 10 * 365 * 86_400_000;
        await auth.audit.record(base);
        expect(await auth.audit.prune()).toBe(0);
        expect(await stored(meta)).toBe(2);
      });
      expect(() => createAuth({ meta: createMemoryMetaStore(), auditRetentionMs: -1 })).toThrow(/invalid audit retention/);
    }, 60_000);

    it('cache: after the first call a token costs no store read here (one small read on a shared store); revocation, roles, admin and deactivation still take effect at the next call, also on another server', () =>
      withAuth(async (_auth, clock, meta) => {
        // Two servers on one store, each with its own cache; reads counted.
        let reads = 0;
        const counted = new Proxy(meta, {
          get(target, prop, receiver) {
            const v = Reflect.get(target, prop, receiver) as unknown;
            if ((prop === 'get' || prop === 'scan') && typeof v === 'function') return (...args: unknown[]) => (reads++, (v as (...a: unknown[]) => unknown).apply(target, args));
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        });
        const one = createAuth({ meta: counted, clock: { now: () => clock.t } });
        const two = createAuth({ meta, clock: { now: () => clock.t } });
        const { token: rootToken } = await one.activate();
        const root = await one.authenticate(rootToken);
        const alice = await one.createToken(root, { subject: parseSubject('alice'), ttlMs: 60_000 });
        await two.setRole(root, A, parseSubject('alice'), 'reader');
        expect((await one.authenticate(alice.token)).roles.get(A)).toBe('reader');
        reads = 0;
        for (let i = 0; i < 10; i++) expect((await one.authenticate(alice.token)).roles.get(A)).toBe('reader');
        expect(reads).toBe(meta.shared ? 10 : 0);
        // A role change on the other server: seen by the next call here.
        await two.setRole(root, A, parseSubject('alice'), 'writer');
        expect((await one.authenticate(alice.token)).roles.get(A)).toBe('writer');
        await two.setRole(root, A, parseSubject('alice'), null);
        expect((await one.authenticate(alice.token)).roles.has(A)).toBe(false);
        await two.setAdmin(root, parseSubject('alice'), true);
        expect((await one.authenticate(alice.token)).admin).toBe(true);
        await two.setAdmin(root, parseSubject('alice'), false);
        expect((await one.authenticate(alice.token)).admin).toBe(false);
        // Expiry: by the clock, cached or not.
        clock.t += 60_000;
        await rejectsWith(one.authenticate(alice.token), 'TOKEN_EXPIRED');
        clock.t -= 60_000;
        // Revocation on the other server: refused by the next call here.
        expect((await one.authenticate(alice.token)).subject).toBe('user:alice');
        await two.revokeToken(root, alice.token);
        await rejectsWith(one.authenticate(alice.token), 'UNAUTHENTICATED');
        // Deactivation on the other server: the next call here is anonymous, the old root token forgotten.
        expect((await one.authenticate(rootToken)).subject).toBe('user:root');
        await two.deactivate(await two.authenticate(rootToken));
        expect((await one.authenticate(rootToken)).subject).toBe('user:anonymous');
        const again = await two.activate();
        await rejectsWith(one.authenticate(rootToken), 'UNAUTHENTICATED');
        expect((await one.authenticate(again.token)).admin).toBe(true);
      }));

    it('deactivate forgets tokens and roles; calls are anonymous again', () =>
      withAuth(async (auth) => {
        const { token } = await auth.activate();
        const root = await auth.authenticate(token);
        await auth.deactivate(root);
        expect(await auth.isActive()).toBe(false);
        expect((await auth.authenticate(token)).subject).toBe('user:anonymous');
        const again = await auth.activate();
        await rejectsWith(auth.authenticate(token), 'UNAUTHENTICATED');
        expect((await auth.authenticate(again.token)).admin).toBe(true);
      }));
  });
}
