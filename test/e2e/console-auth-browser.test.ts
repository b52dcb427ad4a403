// The console under auth and against other sites, in Debian's Chromium
// (playwright-core) on the real server process with auth activated over
// gRPC: login with a token by the form; a read-only user sees no write
// button on a repo's pages (and is refused the delete page); a writer sees
// them; a logged-in writer's browser sent to another origin's page (a page
// on another port of the same host, so SameSite=Strict still sends the
// cookie; another site; a no-cors fetch) that posts the console's forms
// changes nothing; a page reached by another host name that resolves to the
// console (DNS rebinding) is refused; every page type carries the security
// headers, and the CSP blocks an inline script or handler even if one got
// into a page.
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClient, createClient, type StrataClient } from '../../client/sdk/index.ts';
import { haveChromium, launchChromium, watch } from '../helpers/chromium.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const SHOTS = process.env.STRATA_CONSOLE_SCREENSHOTS;
let server: TestServer;
let root: StrataClient;
let browser: Browser;
let evil: Server;
let evilPort: number;
let evilPage = '';
const tokens: Record<string, string> = {};

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await mkdir(SHOTS, { recursive: true }).then(() => page.screenshot({ path: join(SHOTS, `console-${name}.png`) }));
}

/** A browser session logged in by the form; the login page itself had no console errors. */
async function loggedIn(token: string, shoot = false): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 760 } });
  const page = await ctx.newPage();
  const w = watch(page);
  await page.goto(`${server.httpUrl}/repos/a`);
  expect(new URL(page.url()).pathname).toBe('/login');
  if (shoot) await shot(page, 'login');
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  expect(new URL(page.url()).pathname).toBe('/repos/a');
  // The unauthenticated /repos/a answered 303 to /login; nothing else may have gone wrong.
  expect(w.problems).toEqual([]);
  return { ctx, page };
}

/** Visible controls that change something, outside the header's Log out. */
const writeControls = (page: Page) => page.locator('main form[method="post"], main a.danger, main button.danger, main button.primary');

describe.skipIf(!haveChromium)('console under auth and against other sites, in Chromium', () => {
  beforeAll(async () => {
    server = await startServer();
    const anon = createAuthClient({ address: server.grpcAddress });
    const { rootToken } = await anon.activate();
    anon.close();
    root = createClient({ address: server.grpcAddress, token: rootToken });
    const admin = createAuthClient({ address: server.grpcAddress, token: rootToken });
    await root.createRepo('a');
    await root.put('a@main:/f.txt', Buffer.from('hello\n'));
    await root.createBranch('a@dev', { from: 'a@main' });
    for (const role of ['reader', 'writer'] as const) {
      tokens[role] = (await admin.createToken(`robot:${role}`)).token;
      await admin.setRole('a', role, `robot:${role}`);
    }
    admin.close();
    // Another origin: the same host on another port (same site, so the SameSite=Strict cookie goes along).
    evil = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(evilPage));
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    evilPort = (evil.address() as AddressInfo).port;
    // rebind.test resolves to the console's address, as a DNS-rebinding attacker's name does.
    browser = await launchChromium(['--host-resolver-rules=MAP rebind.test 127.0.0.1']);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    evil?.close();
    root?.close();
    await server?.cleanup();
  });

  it('logs in with a token; a read-only user sees no write buttons and is refused the delete pages', async () => {
    const { ctx, page } = await loggedIn(tokens.reader!, true);
    const w = watch(page);
    try {
      expect(await page.locator('header').innerText()).toContain('robot:reader (read-only)');
      await shot(page, 'read-only');
      for (const path of ['/repos/a', '/repos/a/files/main/', '/repos/a/files/main/f.txt', '/repos/a/log/main', `/repos/a/commits/${(await root.inspectCommit('a@main')).id}`]) {
        await page.goto(`${server.httpUrl}${path}`);
        expect(await writeControls(page).count(), path).toBe(0);
        expect(await page.locator('main').getByText('Delete').count(), path).toBe(0);
      }
      expect(w.problems).toEqual([]);
      const res = await page.goto(`${server.httpUrl}/repos/a/delete`);
      expect(res?.status()).toBe(403);
      expect((await page.goto(`${server.httpUrl}/repos/a/branches/dev/delete`))?.status()).toBe(403);
      await page.getByRole('button', { name: 'Log out' }).click();
      expect(new URL(page.url()).pathname).toBe('/login');
      expect((await page.goto(`${server.httpUrl}/repos/a`))?.url()).toContain('/login?next=%2Frepos%2Fa');
    } finally {
      await ctx.close();
    }
  });

  it('shows a writer the write buttons, and they work', async () => {
    const { ctx, page } = await loggedIn(tokens.writer!);
    const w = watch(page);
    try {
      expect(await page.locator('header').innerText()).toContain('robot:writer');
      expect(await page.locator('header').innerText()).not.toContain('read-only');
      expect(await page.getByRole('button', { name: 'Create branch' }).count()).toBe(1);
      expect(await page.locator('main a.danger', { hasText: 'Delete' }).count()).toBe(2); // each branch's
      await page.getByLabel('New branch').fill('by-writer');
      await page.getByLabel('From').fill('main');
      await page.getByRole('button', { name: 'Create branch' }).click();
      expect((await root.inspectBranch('a@by-writer')).head).toBe((await root.inspectCommit('a@main')).id);
      expect(w.problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it("refuses a logged-in writer's forms posted by another origin's page, changing nothing", async () => {
    const { ctx, page } = await loggedIn(tokens.writer!);
    const consoleUrl = server.httpUrl;
    const form = (branch: string) => `<form method="post" action="${consoleUrl}/repos/a/branches"><input name="name" value="${branch}"><input name="from" value="main"></form>`;
    const tries: { name: string; page: string; from: string }[] = [
      { name: 'evil1', page: `${form('evil1')}<script>document.forms[0].submit()</script>`, from: `http://127.0.0.1:${evilPort}/1` },
      { name: 'evil2', page: `${form('evil2')}<script>document.forms[0].submit()</script>`, from: `http://localhost:${evilPort}/2` },
    ];
    try {
      // Each forged post is sent (counted as a request) and refused. (Origin "null", as a sandboxed frame
      // sends it, is in the fuzzing of test/integration/console-csrf.test.ts: Playwright does not always
      // report a sandboxed frame's requests.)
      const sent: string[] = [];
      const answers: number[] = [];
      const isPost = (r: { url(): string; method(): string }) => r.url() === `${consoleUrl}/repos/a/branches` && r.method() === 'POST';
      page.on('request', (r) => isPost(r) && sent.push(r.frame().url()));
      page.on('response', (r) => isPost(r.request()) && answers.push(r.status()));
      for (const [i, t] of tries.entries()) {
        evilPage = t.page;
        await page.goto(t.from);
        await expect.poll(() => sent.length, { timeout: 20_000, message: `${t.name}: ${JSON.stringify(sent)}` }).toBe(i + 1);
      }
      await expect.poll(() => answers.length).toBe(tries.length);
      expect(answers).toEqual([403, 403]);
      // A script on the other origin posting with the cookie (no-cors: it could not read the answer, which
      // Cross-Origin-Resource-Policy even withholds, but the request is sent and could change things).
      evilPage = '<p>hi</p>';
      await page.goto(`http://127.0.0.1:${evilPort}/`);
      const statuses = await page.evaluate(async (url) => {
        const out: string[] = [];
        for (const body of ['name=evil4&from=main', 'name=evil5']) {
          const r = await fetch(`${url}/repos/a/branches`, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }).catch(() => undefined);
          out.push(r ? r.type : 'withheld');
        }
        return out;
      }, consoleUrl);
      expect(statuses).toEqual(['withheld', 'withheld']);
      await expect.poll(() => sent.length).toBe(tries.length + 2);
      const branches = (await root.listBranches('a')).map((b) => b.name).sort();
      expect(branches.filter((b) => b.startsWith('evil'))).toEqual([]);
      // The same form from the console's own page works for this user.
      await page.goto(`${consoleUrl}/repos/a`);
      await page.getByLabel('New branch').fill('own-page');
      await page.getByRole('button', { name: 'Create branch' }).click();
      expect((await root.listBranches('a')).map((b) => b.name)).toContain('own-page');
    } finally {
      await ctx.close();
    }
  });

  it('refuses pages and forms reached by another name that resolves to the console (DNS rebinding)', async () => {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      const port = new URL(server.httpUrl).port;
      const res = await page.goto(`http://rebind.test:${port}/`);
      expect(res?.status()).toBe(403);
      expect(await page.locator('main').innerText()).toContain('listens on loopback only');
      // Its own script posting a form (same origin to the browser: Origin and Host agree) is refused too.
      evilPage = `<form method="post" action="http://rebind.test:${port}/repos"><input name="name" value="rebound"></form><script>document.forms[0].submit()</script>`;
      const answer = page.waitForResponse((r) => r.url() === `http://rebind.test:${port}/repos`);
      await page.goto(`http://127.0.0.1:${evilPort}/`);
      expect((await answer).status()).toBe(403);
      expect((await root.listRepos()).map((r) => r.name)).not.toContain('rebound');
      expect((await page.goto(`http://localhost:${port}/login`))?.status()).toBe(200);
    } finally {
      await ctx.close();
    }
  });

  it('sends security headers on every page type, and the CSP blocks inline scripts and handlers', async () => {
    const { ctx, page } = await loggedIn(tokens.writer!);
    try {
      const main = await root.inspectCommit('a@main');
      const paths = ['/', '/login', '/repos/a', '/repos/a/log/main', `/repos/a/commits/${main.id}`, `/repos/a/commits/${main.id}/provenance`, '/repos/a/files/main/', '/repos/a/files/main/f.txt',
        '/repos/a/history/main/f.txt', '/repos/a/compare?base=main&head=dev', '/repos/a/compare/file?base=main&head=dev&path=/f.txt', '/repos/a/delete', '/repos/a/branches/dev/delete', '/pipelines', '/no/such/page', '/repos/a/files/main/nope'];
      for (const path of paths) {
        const res = await page.request.get(`${server.httpUrl}${path}`, { maxRedirects: 0 });
        const h = res.headers();
        expect(h['content-type'], path).toMatch(/^text\/html/);
        const csp = h['content-security-policy'] ?? '';
        expect(csp, path).toMatch(/default-src 'none'/);
        expect(csp, path).toMatch(/script-src 'self'(;|$)/);
        expect(csp, path).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
        for (const d of ["frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"]) expect(csp, path).toContain(d);
        expect(h['x-content-type-options'], path).toBe('nosniff');
        expect(h['x-frame-options'], path).toBe('DENY');
        expect(h['referrer-policy'], path).toBe('same-origin');
        expect(h['cross-origin-opener-policy'], path).toBe('same-origin');
        expect(h['cross-origin-resource-policy'], path).toBe('same-origin');
      }
      const raw = (await page.request.get(`${server.httpUrl}/repos/a/raw/main/f.txt`)).headers();
      expect(raw['content-security-policy']).toMatch(/sandbox/);
      expect(raw['content-disposition']).toMatch(/^attachment/);
      // Were escaping ever to fail, the CSP would still stop the markup from running.
      await page.goto(`${server.httpUrl}/repos/a/files/main/f.txt`);
      const blocked: string[] = [];
      page.on('console', (m) => m.type() === 'error' && /Content Security Policy/.test(m.text()) && blocked.push(m.text()));
      await page.evaluate(() => {
        interface El { textContent: string }
        const doc = (globalThis as unknown as { document: { body: { insertAdjacentHTML(where: string, markup: string): void; appendChild(n: El): void }; createElement(t: string): El } }).document;
        doc.body.insertAdjacentHTML('beforeend', '<img src="x" onerror="document.title=\'ran\'">');
        const s = doc.createElement('script');
        s.textContent = "document.title='ran'";
        doc.body.appendChild(s);
      });
      await expect.poll(() => blocked.length).toBeGreaterThanOrEqual(2);
      expect(await page.title()).not.toBe('ran');
    } finally {
      await ctx.close();
    }
  });
});
