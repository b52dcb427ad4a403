// The web console in a real browser: Debian's Chromium driven by
// playwright-core (no browser download) against the real server process,
// with data written over gRPC by the SDK as a user would. Checks that pages
// load without console errors, that a user can walk repo -> branch ->
// commit -> file -> diff, that a file named like an HTML tag stays text,
// and that a 100,000-entry directory pages. STRATA_CONSOLE_SCREENSHOTS=DIR
// also saves screenshots of the main pages there (docs/img is made so).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type StrataClient } from '../../client/sdk/index.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing in CI: scripts/install-system-deps.sh installs the chromium package`);
if (!haveChromium) console.warn(`skipping console browser tests: ${CHROMIUM} not found (apt-get install chromium, or run scripts/install-system-deps.sh)`);

const XSS = '<img src=x onerror=alert(1)>.txt';
const BIG_DIR = 100_000;
// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const SHOTS = process.env.STRATA_CONSOLE_SCREENSHOTS;

let server: TestServer;
let client: StrataClient;
let profile: TempDir;
let browser: BrowserContext;
let page: Page;
let base: string;
const problems: string[] = [];
const dialogs: string[] = [];
const ids: Record<string, string> = {};
const text = (s: string): Buffer => Buffer.from(s);

async function seed(c: StrataClient): Promise<void> {
  await c.createRepo('images', { description: 'training images & labels' });
  await c.put('images@main:/README.md', text('# Images\n\nCat pictures with **labels**; see [labels](labels.csv).\n\n![a cat](cats/cat-1.png)\n'));
  await c.put('images@main:/labels.csv', text('file,label,score\ncats/cat-1.png,cat,0.98\ncats/cat-2.png,cat,0.91\n'));
  await c.put('images@main:/cats/cat-1.png', PNG);
  ids.first = (await c.put(`images@main:/notes/${XSS}`, text('first line\n<script>alert(2)</script>\n'))).commit.id;
  await c.put('images@main:/meta.json', text('{"source":"camera","count":2,"tags":["cat","pet"]}'));
  ids.head = (await c.put(`images@main:/notes/${XSS}`, text('first line\n<script>alert(2)</script>\nsecond line\n'))).commit.id;
  await c.createBranch('images@dev', { from: 'images@main^' });
  await c.createRepo('models');
  const open = await c.startCommit('models@main', { description: 'trained on images', provenance: [`images@${ids.head}`] });
  await c.modify(`models@${open.id}`, async (m) => void (await m.put('/model.txt', text('weights v1\n'))));
  ids.model = (await c.finishCommit(`models@${open.id}`)).id;
  await c.createRepo('big', { description: `one directory of ${BIG_DIR.toLocaleString('en-US')} files` });
  // One commit: concurrent puts in one modify session (the server stages them in batches).
  await c.modify('big@main', async (m) => {
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < BIG_DIR; i++) {
      pending.push(m.put(`/dir/file-${String(i).padStart(6, '0')}.txt`, Buffer.from(String(i % 7))));
      if (pending.length === 512) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
  });
}

async function open(path: string, expectStatus = 200): Promise<void> {
  const res = await page.goto(`${base}${path}`);
  expect(res?.status(), path).toBe(expectStatus);
}

async function shot(name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `console-${name}.png`) });
}

describe.skipIf(!haveChromium)('web console in Chromium', () => {
  beforeAll(async () => {
    server = await startServer();
    base = server.httpUrl;
    client = createClient({ address: server.grpcAddress });
    await seed(client);
    profile = await createTempDir('strata-chromium');
    browser = await chromium.launchPersistentContext(profile.path, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
      viewport: { width: 1200, height: 760 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()} (${page.url()})`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message} (${page.url()})`));
    // A request the browser itself aborts when the next navigation starts (the
    // favicon, fetched after load) is not the server failing; a server error
    // shows as its status, which the response listener reports.
    page.on('requestfailed', (r) => r.failure()?.errorText !== 'net::ERR_ABORTED' && problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`response with status of ${r.status()}: ${r.url()}`));
    page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
    if (SHOTS) await mkdir(SHOTS, { recursive: true });
  }, 300_000);

  beforeEach(() => {
    problems.length = 0;
  });

  afterAll(async () => {
    await browser?.close();
    client?.close();
    await server?.cleanup();
    await profile?.remove();
  });

  it('loads every page without console errors', async () => {
    const pages: [string, string?][] = [
      ['/', 'repos'],
      ['/repos/images', 'repo'],
      ['/repos/images/log/main', 'log'],
      [`/repos/images/commits/${ids.head}`, 'commit'],
      ['/repos/images/files/main/', 'files'],
      ['/repos/images/files/main/README.md', 'markdown'],
      ['/repos/images/files/main/labels.csv', 'csv'],
      ['/repos/images/files/main/meta.json', 'json'],
      ['/repos/images/files/main/cats/cat-1.png', 'image'],
      [`/repos/images/history/main/notes/${encodeURIComponent(XSS)}`, 'history'],
      [`/repos/images/compare?base=${ids.first}&head=main`, 'compare'],
      [`/repos/images/compare/file?base=main%5E&head=main&path=${encodeURIComponent(`/notes/${XSS}`)}`, 'diff'],
      [`/repos/models/commits/${ids.model}/provenance`, 'provenance'],
      ['/repos/images/delete', 'delete-repo'],
      ['/repos/images/files/dev/'],
    ];
    for (const [path, name] of pages) {
      await open(path);
      expect(await page.locator('main > h1').count(), path).toBe(1);
      if (name) await shot(name);
    }
    expect(await page.locator('img').count()).toBe(0);
    await open('/repos/images/files/main/cats/cat-1.png');
    expect(await page.locator('.preview img').evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth)).toBe(1);
    expect(problems).toEqual([]);
  });

  it('walks repo -> branch -> commit -> file -> diff by clicking', async () => {
    await open('/');
    await page.getByRole('link', { name: 'images', exact: true }).click();
    expect(new URL(page.url()).pathname).toBe('/repos/images');
    await page.locator('tr', { hasText: 'default' }).getByRole('link', { name: 'Log' }).click();
    expect(new URL(page.url()).pathname).toBe('/repos/images/log/main');
    await page.getByRole('link', { name: ids.head!.slice(0, 10) }).first().click();
    expect(new URL(page.url()).pathname).toBe(`/repos/images/commits/${ids.head}`);
    expect(await page.locator('main > h1').textContent()).toContain(ids.head);
    await page.getByRole('link', { name: `/notes/${XSS}` }).click();
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/repos/images/files/${ids.head}/notes/${XSS}`);
    expect(await page.locator('pre.text').textContent()).toBe('first line\n<script>alert(2)</script>\nsecond line\n');
    await page.getByRole('link', { name: 'Diff with parent commit' }).click();
    expect(await page.locator('table.diff tr.add').allTextContents()).toEqual(['3+second line']);
    expect(problems).toEqual([]);
  });

  it('shows a file named like an HTML tag as text, and no script runs', async () => {
    await open('/repos/images/files/main/notes');
    expect(await page.locator('#entries a').allTextContents()).toEqual([XSS]);
    await open(`/repos/images/files/main/notes/${encodeURIComponent(XSS)}`);
    expect(await page.locator('main > h1').textContent()).toBe(XSS);
    await shot('text');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });

  it(`pages through a directory of ${BIG_DIR.toLocaleString('en-US')} files`, async () => {
    const names = () => page.locator('#entries a').allTextContents();
    await open('/repos/big/files/main/dir');
    await shot('big-dir');
    let seen = await names();
    expect(seen).toHaveLength(100);
    expect(seen[0]).toBe('file-000000.txt');
    for (let p = 1; p <= 3; p++) {
      await page.getByRole('link', { name: 'Next page' }).click();
      seen = await names();
      expect(seen[0]).toBe(`file-${String(p * 100).padStart(6, '0')}.txt`);
      expect(seen).toHaveLength(100);
    }
    expect(await page.locator('#pager').textContent()).toContain('Entries 301–400');
    // htmx (served by the server itself) appends the next page in place.
    await page.getByRole('link', { name: 'Load more here' }).click();
    // (a locator wait: a string predicate would be eval'd in the page, which its CSP rightly forbids)
    await page.locator('#entries a').nth(199).waitFor();
    expect((await names())[199]).toBe('file-000499.txt');
    // Jump near the end, and the last page has no next link.
    await page.getByLabel('Start listing after the name').fill('file-099949.txt');
    await page.getByRole('button', { name: 'Go' }).click();
    seen = await names();
    expect(seen).toHaveLength(50);
    expect(seen[49]).toBe(`file-0${BIG_DIR - 1}.txt`);
    expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('reads with JavaScript off', async () => {
    const noJs = await browser.browser()?.newContext({ javaScriptEnabled: false });
    const p = noJs ? await noJs.newPage() : await browser.newPage();
    try {
      await p.goto(`${base}/repos/big/files/main/dir`);
      await p.getByRole('link', { name: 'Next page' }).click();
      expect((await p.locator('#entries a').allTextContents())[0]).toBe('file-000100.txt');
    } finally {
      await (noJs ?? p).close();
    }
  });

  it('creates and deletes a repo through its forms', async () => {
    await open('/');
    await page.getByLabel('Name').fill('scratch');
    await page.getByRole('button', { name: 'Create repo' }).click();
    expect(new URL(page.url()).pathname).toBe('/repos/scratch');
    await page.getByRole('link', { name: 'Delete repo' }).click();
    await page.getByLabel('to confirm').fill('wrong');
    const refused = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Delete repo' }).click();
    expect((await refused).status()).toBe(400);
    expect(await page.locator('.error').textContent()).toContain('type its name exactly');
    await open('/repos/scratch/delete');
    await page.getByLabel('to confirm').fill('scratch');
    await page.getByRole('button', { name: 'Delete repo' }).click();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByRole('link', { name: 'scratch' }).count()).toBe(0);
    // The refused post shows a 400 page; nothing else may have failed.
    expect(problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
  });
});
