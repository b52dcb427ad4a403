// Cross-site request forgery against the console's forms, fuzzed with
// fast-check through fastify inject() over a real pfs and auth (LevelDB on
// disk): every form (create repo and branch, delete branch and repo, log in,
// log out) posted with a valid owner's session cookie and a body that would
// succeed, from an origin that is not the console's (other hosts, ports,
// schemes, userinfo and fragment tricks, "null", garbage) or with a
// Sec-Fetch-Site a browser sends for another origin's page, is refused
// with 403 and changes nothing; the same post from the console's own origin
// (or from a client that is no browser and sends neither header) is not.
// On a console listening on loopback only, a request naming another host
// (DNS rebinding) is refused whatever it asks. The browser side is
// test/e2e/console-auth-browser.test.ts.
// Cases: STRATA_CSRF_FUZZ_RUNS (default 200).
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth } from '../../src/auth/index.ts';
import { isLoopbackHostHeader } from '../../server/console/guards.ts';
import { createHttpApp } from '../../server/http.ts';
import { branch, createTestPfs, put, repo, type TestPfs } from '../helpers/pfs.ts';

const RUNS = Number(process.env.STRATA_CSRF_FUZZ_RUNS ?? 200);
const HOST = 'console.test:7731';

let t: TestPfs & { remove(): Promise<void> };
let app: FastifyInstance;
let cookie: string;
let rootToken: string;

/** Repos and their branches: what a refused post must leave as it was. */
async function state(): Promise<string> {
  const repos = await t.pfs.listRepos();
  return JSON.stringify(repos.map((r) => [r.name, [...r.branches].sort()]).sort());
}

beforeAll(async () => {
  t = await createTestPfs();
  const auth = createAuth({ meta: t.pfs.context.meta });
  app = createHttpApp({ registry: new Registry(), isReady: () => true, console: { pfs: t.pfs, auth } });
  rootToken = (await auth.activate()).token;
  await t.pfs.createRepo(repo('keep'));
  await put(t.pfs, 'keep@main:/a.txt', 'a');
  await t.pfs.createBranch(repo('keep'), branch('dev'), {});
  const login = await app.inject({ method: 'POST', url: '/login', headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ token: rootToken, next: '/' }).toString() });
  expect(login.statusCode).toBe(303);
  cookie = String(login.headers['set-cookie']).split(';')[0]!;
});

afterAll(async () => {
  await app?.close();
  await t?.remove();
});

// Posts that would change something were they let through.
const forms: [string, Record<string, string>][] = [
  ['/repos', { name: 'forged', description: 'x' }],
  ['/repos/keep/branches', { name: 'forged', from: 'main' }],
  ['/repos/keep/branches/dev/delete', { confirm: 'dev' }],
  ['/repos/keep/delete', { confirm: 'keep', force: '1' }],
  ['/login', { token: 'strata_attackers-own-token', next: '/' }],
  ['/logout', {}],
];

const otherHost = fc.oneof(
  fc.constantFrom('evil.example', 'console.test.evil.example', 'console.test:7732', 'console.test', 'console.test:80', '127.0.0.1:7731', 'localhost:7731', '[::1]:7731', 'xn--console-test.example', 'console.test%3A7731.evil', 'evil.example:7731'),
  fc.domain(),
  fc.tuple(fc.domain(), fc.integer({ min: 1, max: 65535 })).map(([d, p]) => `${d}:${p}`),
);
/** Origins that are not http://console.test:7731 (nor https, which the same port does not serve but the check lets by). */
const crossOrigin = fc.oneof(
  fc.tuple(fc.constantFrom('http', 'https', 'ftp', 'chrome-extension', 'file'), otherHost).filter(([, h]) => h !== HOST).map(([s, h]) => `${s}://${h}`),
  fc.constantFrom(`http://${HOST}@evil.example`, `http://evil.example#@${HOST}`, `http://evil.example?${HOST}`, `http://evil.example/${HOST}`, `http://${HOST}.evil.example`, 'null', '', ' ', 'http://', `${HOST}`, `//${HOST}`, 'garbage', `http://${HOST} http://evil.example`, `http://${HOST}, http://evil.example`),
  // Anything but exactly our origin (in any letter case), including near misses: a path, a slash, spaces.
  fc.oneof(fc.string({ maxLength: 40 }), fc.string({ maxLength: 6 }).map((x) => `http://${HOST}${x}`), fc.string({ maxLength: 6 }).map((x) => `${x}http://${HOST}`))
    .filter((s) => !/^https?:\/\/console\.test:7731$/i.test(s) && !/[\r\n\0]/.test(s) && s.trim() === s),
);
const crossFetchSite = fc.constantFrom('cross-site', 'same-site', 'CROSS-SITE', 'garbage');

interface Case {
  form: number;
  origin?: string;
  fetchSite?: string;
  referer?: string;
}

function inject(c: Case) {
  const [url, body] = forms[c.form]!;
  const headers: Record<string, string> = { host: HOST, cookie, 'content-type': 'application/x-www-form-urlencoded' };
  if (c.origin !== undefined) headers.origin = c.origin;
  if (c.fetchSite !== undefined) headers['sec-fetch-site'] = c.fetchSite;
  if (c.referer !== undefined) headers.referer = c.referer;
  return app.inject({ method: 'POST', url, headers, payload: new URLSearchParams(body).toString() });
}

describe('console forms against cross-site request forgery', () => {
  it('refuses every form posted with the session cookie from another origin, changing nothing', async () => {
    const forged = fc.oneof(
      // ("null" with same-origin is a same-origin redirect of a POST, and allowed.)
      fc.record({ form: fc.nat(forms.length - 1), origin: crossOrigin, fetchSite: fc.option(fc.constantFrom('cross-site', 'same-site', 'same-origin', 'none'), { nil: undefined }) }).filter((c) => !(c.origin === 'null' && c.fetchSite === 'same-origin')),
      // A browser that names no Origin (or "null" from a sandboxed frame) still says where the request comes from.
      fc.record({ form: fc.nat(forms.length - 1), origin: fc.constantFrom(undefined, 'null', `http://${HOST}`), fetchSite: crossFetchSite }),
    );
    const before = await state();
    await fc.assert(
      fc.asyncProperty(forged, async (c) => {
        const res = await inject(c);
        expect(res.statusCode, JSON.stringify(c)).toBe(403);
        expect(res.body).toContain('posted from another site');
        expect(res.headers['set-cookie']).toBeUndefined();
        expect(await state()).toBe(before);
      }),
      { numRuns: RUNS, endOnFailure: true, seed: process.env.STRATA_FUZZ_SEED ? Number(process.env.STRATA_FUZZ_SEED) : undefined },
    );
  });

  it("lets the console's own pages, and clients that are no browser, post", async () => {
    for (const c of [
      { origin: `http://${HOST}`, fetchSite: 'same-origin' },
      { origin: `http://${HOST}` },
      { origin: 'null', fetchSite: 'same-origin' }, // a same-origin redirect after a POST
      {}, // curl: neither header
      { fetchSite: 'none' }, // typed or bookmarked
    ]) {
      const res = await inject({ form: 1, ...c, origin: c.origin });
      expect(res.statusCode, JSON.stringify(c)).toBe(303);
      expect(await state()).toContain('forged');
      await t.pfs.deleteBranch(repo('keep'), branch('forged'));
    }
  });
});

describe('console on loopback against DNS rebinding', () => {
  it('answers only requests naming a loopback host', async () => {
    const local = createHttpApp({ registry: new Registry(), isReady: () => true, console: { pfs: t.pfs, loopbackOnly: true } });
    try {
      for (const host of ['127.0.0.1:7731', 'localhost:7731', 'LOCALHOST', '[::1]:7731', '127.0.0.2', 'console.localhost:80']) {
        expect(isLoopbackHostHeader(host), host).toBe(true);
        expect((await local.inject({ method: 'GET', url: '/', headers: { host } })).statusCode, host).toBe(200);
      }
      const other = fc.oneof(
        fc.domain().filter((d) => d !== 'localhost' && !d.endsWith('.localhost')),
        fc.constantFrom('evil.example:7731', '127.0.0.1.evil.example', 'localhost.evil.example:7731', 'evil@127.0.0.1:7731', '127.0.0.1:7731@evil', '127.0.0.1/x', '[::2]:7731', '0.0.0.0:7731', '10.0.0.1', '127.0.0.1 evil', '::1', '[::ffff:127.0.0.1]'),
      );
      expect(isLoopbackHostHeader(undefined)).toBe(false);
      expect(isLoopbackHostHeader('')).toBe(false); // (inject fills an empty Host in, so this one is checked here only)
      const before = await state();
      await fc.assert(
        fc.asyncProperty(other, fc.constantFrom('GET', 'POST'), async (host, method) => {
          expect(isLoopbackHostHeader(host), host).toBe(false);
          const res = await local.inject({ method, url: method === 'GET' ? '/repos/keep' : '/repos', headers: { host, origin: `http://${host}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: method === 'POST' ? 'name=rebound' : undefined });
          expect(res.statusCode, host).toBe(403);
          expect(res.body).toContain('listens on loopback only');
          expect(res.body).not.toContain('a.txt');
        }),
        { numRuns: RUNS },
      );
      expect(await state()).toBe(before);
    } finally {
      await local.close();
    }
  });
});
