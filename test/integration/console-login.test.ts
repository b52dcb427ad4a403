// Console login over the real auth system (tokens and roles in the same
// LevelDB MetaStore as pfs), through fastify inject(): off, everyone is the
// anonymous admin; on, pages need a token given on /login and kept in an
// HttpOnly SameSite=Strict cookie, lists show only readable repos, pages
// of other repos are 403, writes need the role, a revoked token ends the
// session, logout clears the cookie.
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth, parseSubject, type Auth } from '../../src/auth/index.ts';
import { createHttpApp } from '../../server/http.ts';
import { streamOf } from '../helpers/bytes.ts';
import { branch, createTestPfs, path, put, ref, repo, type TestPfs } from '../helpers/pfs.ts';

let t: TestPfs & { remove(): Promise<void> };
let auth: Auth;
let app: FastifyInstance;
let derived: string;
const host = 'console.test';

const get = (url: string, cookie?: string) => app.inject({ method: 'GET', url, headers: { host, ...(cookie ? { cookie } : {}) } });
const post = (url: string, form: Record<string, string>, cookie?: string) =>
  app.inject({
    method: 'POST', url, payload: new URLSearchParams(form).toString(),
    headers: { host, origin: `http://${host}`, 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  });

/** The cookie a login answer sets, as a browser would send it back. */
function sessionCookie(res: { headers: Record<string, unknown> }): string {
  const set = String(res.headers['set-cookie']);
  return set.split(';')[0]!;
}

beforeAll(async () => {
  t = await createTestPfs();
  auth = createAuth({ meta: t.pfs.context.meta });
  app = createHttpApp({ registry: new Registry(), isReady: () => true, console: { pfs: t.pfs, auth } });
  for (const r of ['alpha', 'beta']) await t.pfs.createRepo(repo(r));
  await put(t.pfs, 'alpha@main:/a.txt', 'alpha file\n');
  await put(t.pfs, 'beta@main:/b.txt', 'beta file\n');
  // A commit of alpha made from beta's head: its provenance names a repo alice may not read.
  const beta = await t.pfs.inspectCommit(ref('beta@main'));
  const c = await t.pfs.startCommit(repo('alpha'), branch('main'), { description: 'derived', provenance: [{ repo: repo('beta'), commit: beta.id }] });
  await t.pfs.putFile(repo('alpha'), { commit: c.id }, path('/derived.txt'), streamOf(Buffer.from('derived')));
  derived = (await t.pfs.finishCommit(ref(`alpha@${c.id}`))).id;
});

afterAll(async () => {
  await app?.close();
  await t?.remove();
});

describe('console login', () => {
  it('with auth off, everyone reads and writes without logging in', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('alpha');
    expect((await get('/login')).body).toContain('Auth is off');
  });

  it('with auth on: login cookie, only readable repos, 403 elsewhere, roles for writes, revoke and logout end it', async () => {
    const { token: rootToken } = await auth.activate();
    const root = await auth.authenticate(rootToken);
    const alice = parseSubject('alice');
    const { token } = await auth.createToken(root, { subject: alice, ttlMs: null });
    await auth.setRole(root, repo('alpha'), alice, 'reader');

    const anon = await get('/repos/alpha/files/main/');
    expect(anon.statusCode).toBe(303);
    expect(anon.headers.location).toBe('/login?next=%2Frepos%2Falpha%2Ffiles%2Fmain%2F');
    expect((await get('/login')).statusCode).toBe(200);

    const bad = await post('/login', { token: 'strata_not-a-real-token', next: '/' });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['set-cookie']).toBeUndefined();

    const ok = await post('/login', { token, next: '/repos/alpha' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/repos/alpha');
    expect(String(ok.headers['set-cookie'])).toMatch(/^strata_session=strata_[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    const c = sessionCookie(ok);
    // An open redirect is refused: next must be a path on this site.
    expect((await post('/login', { token, next: '//evil.example/' })).headers.location).toBe('/');

    const home = await get('/', c);
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('user:alice');
    expect(home.body).toContain('action="/logout"');
    expect(home.body).toContain('href="/repos/alpha"');
    expect(home.body).not.toContain('href="/repos/beta"');
    expect((await get('/repos/alpha/files/main/a.txt', c)).body).toContain('alpha file');
    const other = await get('/repos/beta/files/main/b.txt', c);
    expect(other.statusCode).toBe(403);
    expect(other.body).not.toContain('beta file');
    expect((await get('/repos/alpha', c)).body).toContain('(read-only)');
    // Provenance names no repo alice may not read, on the commit page and in the graph.
    const commitPage = await get(`/repos/alpha/commits/${derived}`, c);
    expect(commitPage.statusCode).toBe(200);
    expect(commitPage.body).not.toContain('beta');
    const graph = await get(`/repos/alpha/commits/${derived}/provenance`, c);
    expect(graph.body).not.toContain('beta');
    expect(graph.body).toContain('1 related commit is in repos you may not read');

    // A reader cannot change alpha; any token may create a repo and then owns it.
    expect((await post('/repos/alpha/branches', { name: 'dev', from: 'main' }, c)).statusCode).toBe(403);
    expect((await post('/repos', { name: 'gamma', description: '' }, c)).statusCode).toBe(303);
    expect((await get('/', c)).body).toContain('href="/repos/gamma"');
    expect((await post('/repos/gamma/branches', { name: 'dev', from: '' }, c)).statusCode).toBe(303);
    expect((await post('/repos/gamma/delete', { confirm: 'gamma' }, c)).statusCode).toBe(303);
    await expect(t.pfs.inspectRepo(repo('gamma'))).rejects.toThrow(/not found/);

    const out = await post('/logout', {}, c);
    expect(out.statusCode).toBe(303);
    expect(String(out.headers['set-cookie'])).toMatch(/^strata_session=; Max-Age=0|^strata_session=;.*Expires=Thu, 01 Jan 1970/);

    await auth.revokeToken(root, token);
    expect((await get('/', c)).statusCode).toBe(303);
    await auth.deactivate(root);
  });
});
