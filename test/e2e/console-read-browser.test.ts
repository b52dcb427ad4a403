// Issue 11 sentence by sentence, the reading side, in Debian's Chromium
// (playwright-core) against the real server process, with data written over
// gRPC by the SDK: the repo list's size, branch count and last commit;
// branches made from a ref and deleted after confirmation; the commit log
// paged; a commit's metadata, size, provenance and changes against its
// parent; every preview (text cut at its cap, markdown rendered safely,
// images, CSV/TSV tables, JSON); download; a path's history paged; the SVG
// provenance graph upstream and downstream; a name like an HTML tag in
// every place user text shows (file names, commit messages, metadata, repo
// descriptions, markdown, CSV and JSON); and every reading page with
// JavaScript off. No page may log a console error or run a dialog.
// (console-browser.test.ts has navigation and the 100,000-entry directory.)
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type StrataClient } from '../../client/sdk/index.ts';
import { haveChromium, launchChromium, watch, type Watch } from '../helpers/chromium.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const XSS = '<img src=x onerror=alert(1)>';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const COUNTER_COMMITS = 110; // log pages of 50, history pages of 100 commits looked at
const BIG_TEXT = 300 << 10; // over the 256 KiB text preview cap
const JSON_DOC = { name: XSS, list: [1, 2], nested: { ok: true } };

let server: TestServer;
let client: StrataClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let w: Watch;
const ids: Record<string, string> = {};
const counter: string[] = []; // commit ids of /counter.txt, oldest first

async function seed(c: StrataClient): Promise<void> {
  await c.createRepo('photos', { description: `camera roll ${XSS}` });
  const open1 = await c.startCommit('photos@main', { description: `first ${XSS}`, metadata: { [`by ${XSS}`]: `<script>alert(3)</script>` } });
  await c.modify(`photos@${open1.id}`, async (m) => {
    await m.put('/README.md', Buffer.from(`# Photos\n\n${XSS} <script>alert(4)</script>\n\n[bad](javascript:alert(5)) [table](data.csv)\n\n![cat](cat.png)\n`));
    await m.put('/data.csv', Buffer.from(`name,label\ncat.png,${XSS}\n"a, b",2\n`));
    await m.put('/data.tsv', Buffer.from('a\tb\n1\t2\n'));
    await m.put('/meta.json', Buffer.from(JSON.stringify(JSON_DOC)));
    await m.put('/cat.png', PNG);
    await m.put('/big.txt', Buffer.alloc(BIG_TEXT, 'abcdefghij\n'));
    await m.put(`/${XSS}.txt`, Buffer.from('one\n'));
  });
  ids.first = (await c.finishCommit(`photos@${open1.id}`)).id;
  for (let i = 0; i < COUNTER_COMMITS; i++) counter.push((await c.put('photos@main:/counter.txt', Buffer.from(`count ${i}\n`))).commit.id);
  ids.head = counter.at(-1)!;
  await c.createBranch('photos@dev', { from: 'photos@main^' });
  // raw -> clean -> model: the middle commit has provenance both ways.
  await c.createRepo('raw');
  ids.raw = (await c.put('raw@main:/r.txt', Buffer.from('raw\n'))).commit.id;
  for (const [repo, from, key] of [['clean', 'raw', 'clean'], ['model', 'clean', 'model']] as const) {
    await c.createRepo(repo);
    const open = await c.startCommit(`${repo}@main`, { description: `made from ${from}`, provenance: [`${from}@${ids[from]}`], metadata: { step: repo } });
    await c.modify(`${repo}@${open.id}`, async (m) => void (await m.put(`/${repo}.txt`, Buffer.from(`${repo}\n`))));
    ids[key] = (await c.finishCommit(`${repo}@${open.id}`)).id;
  }
}

async function open(path: string, status = 200): Promise<void> {
  const res = await page.goto(`${server.httpUrl}${path}`);
  expect(res?.status(), path).toBe(status);
}
const main = () => page.locator('main');
const here = () => decodeURIComponent(new URL(page.url()).pathname + new URL(page.url()).search);
const short = (id: string) => id.slice(0, 10);

describe.skipIf(!haveChromium)('console reading pages in Chromium', () => {
  beforeAll(async () => {
    server = await startServer();
    client = createClient({ address: server.grpcAddress });
    await seed(client);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 760 }, acceptDownloads: true });
    page = await context.newPage();
    w = watch(page);
  }, 300_000);

  afterEach(() => {
    // No script ran from user content anywhere, and no page showed an <img src=x>.
    expect(w.dialogs).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    client?.close();
    await server?.cleanup();
  });

  it('lists repos with size, branch count and last commit, the description as text', async () => {
    await open('/');
    const row = page.locator('tbody tr', { hasText: 'photos' });
    const info = await client.inspectRepo('photos');
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toBe(`photos\ncamera roll ${XSS}`);
    expect(info.sizeBytes).toBeGreaterThan(BIG_TEXT);
    expect(cells[1]).toBe(`${Math.round(info.sizeBytes / 1024)} KiB`);
    expect(cells[2]).toBe('2');
    expect(cells[3]).toContain(short(ids.head!));
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(w.problems).toEqual([]);
  });

  it('creates a branch from a ref and deletes it after typing its name', async () => {
    await open('/repos/photos');
    // The From field starts with the default branch and says what an empty one does.
    const from = page.getByLabel('From (branch or commit; empty: no commits yet)');
    expect(await from.inputValue()).toBe('main');
    await page.getByLabel('New branch').fill('from-default');
    await page.getByRole('button', { name: 'Create branch' }).click();
    expect((await client.inspectBranch('photos@from-default')).head).toBe(ids.head);
    await page.getByLabel('New branch').fill('empty');
    await from.fill('');
    await page.getByRole('button', { name: 'Create branch' }).click();
    expect((await client.inspectBranch('photos@empty')).head).toBeUndefined();
    expect(await page.locator('tbody tr', { hasText: 'empty' }).innerText()).toContain('no commits');
    for (const b of ['from-default', 'empty']) await client.deleteBranch(`photos@${b}`);
    await open('/repos/photos');
    await page.getByLabel('New branch').fill('feature');
    await from.fill('main^');
    await page.getByRole('button', { name: 'Create branch' }).click();
    expect(here()).toBe('/repos/photos');
    const row = page.locator('tbody tr', { hasText: 'feature' });
    expect(await row.innerText()).toContain(short(counter.at(-2)!));
    expect((await client.inspectBranch('photos@feature')).head).toBe(counter.at(-2));
    await row.getByRole('link', { name: 'Delete' }).click();
    expect(here()).toBe('/repos/photos/branches/feature/delete');
    await page.getByLabel('to confirm').fill('main');
    await page.getByRole('button', { name: 'Delete branch' }).click();
    expect(await page.locator('.error').innerText()).toContain('type "feature" exactly');
    expect((await client.inspectBranch('photos@feature')).head).toBe(counter.at(-2));
    await page.goBack();
    await page.getByLabel('to confirm').fill('feature');
    await page.getByRole('button', { name: 'Delete branch' }).click();
    expect(here()).toBe('/repos/photos');
    expect(await page.locator('tbody tr', { hasText: 'feature' }).count()).toBe(0);
    expect((await client.listBranches('photos')).map((b) => b.name).sort()).toEqual(['dev', 'main']);
    expect(w.problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
    w.problems.length = 0;
  });

  it('pages the commit log, 50 a page, to the first commit', async () => {
    await open('/repos/photos/log/main');
    const newestFirst = [...counter].reverse().concat(ids.first!);
    const rowIds = () => page.locator('#log-rows tr td:first-child a').allInnerTexts();
    expect(await rowIds()).toEqual(newestFirst.slice(0, 50).map(short));
    await page.getByRole('link', { name: 'Older commits' }).click();
    expect(await rowIds()).toEqual(newestFirst.slice(50, 100).map(short));
    await page.getByRole('link', { name: 'Older commits' }).click();
    expect(await rowIds()).toEqual(newestFirst.slice(100).map(short));
    expect(await page.locator('#log-rows').innerText()).toContain(`first ${XSS}`);
    expect(await main().innerText()).toContain('End of history.');
    expect(w.problems).toEqual([]);
  });

  it("shows a commit's metadata, size, provenance both ways and its changes against its parent", async () => {
    await open(`/repos/clean/commits/${ids.clean}`);
    const meta = await page.locator('dl.meta').innerText();
    expect(meta).toMatch(/Size\s+6 B in 1 file/);
    expect(meta).toMatch(/step\s+clean/);
    expect(meta).toContain(`raw@${short(ids.raw!)}`);
    expect(meta).toMatch(new RegExp(`Used by\\s+model@${short(ids.model!)}`));
    expect(await page.locator('tbody tr').allInnerTexts()).toEqual(['added\t/clean.txt\t\t6 B\t']);
    // User text in the description and metadata is shown as text.
    await open(`/repos/photos/commits/${ids.first}`);
    expect(await main().locator('p').first().innerText()).toBe(`first ${XSS}`);
    expect(await page.locator('dl.meta').innerText()).toContain(`by ${XSS}\n<script>alert(3)</script>`);
    expect(await page.locator('tbody tr').count()).toBe(7);
    // A later commit against its parent, and the line diff from there.
    await open(`/repos/photos/commits/${ids.head}`);
    expect(await page.locator('tbody tr').allInnerTexts()).toEqual(['modified\t/counter.txt\t10 B\t10 B\tline diff']);
    await page.getByRole('link', { name: 'line diff' }).click();
    expect(await page.locator('table.diff tr.del').allInnerTexts()).toEqual([`1\t\t-count ${COUNTER_COMMITS - 2}`]);
    expect(await page.locator('table.diff tr.add').allInnerTexts()).toEqual([`\t1\t+count ${COUNTER_COMMITS - 1}`]);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(w.problems).toEqual([]);
  });

  it('previews text up to its cap, markdown safely, images, CSV and TSV as tables, JSON', async () => {
    await open('/repos/photos/files/main/big.txt');
    expect(await page.locator('.notice').innerText()).toContain('Preview of the first 256 KiB of 300 KiB');
    expect((await page.locator('pre.text').textContent())!.length).toBe(256 << 10);

    await open('/repos/photos/files/main/README.md');
    const md = page.locator('.markdown');
    expect(await md.locator('h1').innerText()).toBe('Photos');
    expect(await md.locator('p').first().innerText()).toBe(`${XSS} <script>alert(4)</script>`);
    expect(await md.locator('script, img[src="x"], [onerror]').count()).toBe(0);
    expect(await md.locator('a[href^="javascript:"]').count()).toBe(0);
    await expect.poll(() => md.locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    await md.getByRole('link', { name: 'table' }).click();
    expect(here()).toBe('/repos/photos/files/main/data.csv');
    expect(await page.locator('table.csv th').allTextContents()).toEqual(['name', 'label']);
    expect(await page.locator('table.csv tbody tr').allInnerTexts()).toEqual([`cat.png\t${XSS}`, 'a, b\t2']);
    await open('/repos/photos/files/main/data.tsv');
    expect(await page.locator('table.csv tbody tr').allInnerTexts()).toEqual(['1\t2']);

    await open('/repos/photos/files/main/meta.json');
    expect(await page.locator('pre.text').textContent()).toBe(JSON.stringify(JSON_DOC, null, 2));
    await open('/repos/photos/files/main/cat.png');
    await expect.poll(() => page.locator('.preview img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    await open(`/repos/photos/files/main/${encodeURIComponent(`${XSS}.txt`)}`);
    expect(await main().locator('h1').innerText()).toBe(`${XSS}.txt`);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(w.problems).toEqual([]);
  });

  it('downloads a file with its name and exact bytes', async () => {
    await open('/repos/photos/files/main/big.txt');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download', exact: true }).click()]);
    expect(download.suggestedFilename()).toBe('big.txt');
    expect((await readFile((await download.path())!)).equals(Buffer.alloc(BIG_TEXT, 'abcdefghij\n'))).toBe(true);
    expect(w.problems).toEqual([]);
  });

  it('pages the history of a path, newest first, to the commit that added it', async () => {
    await open('/repos/photos/files/main/counter.txt');
    await page.getByRole('link', { name: 'History' }).click();
    const rows = () => page.locator('tbody tr td:first-child a').allInnerTexts();
    const newestFirst = [...counter].reverse();
    expect(await rows()).toEqual(newestFirst.slice(0, 100).map(short));
    await page.getByRole('link', { name: 'Older commits' }).click();
    expect(await rows()).toEqual(newestFirst.slice(100).map(short));
    expect(await page.locator('tbody tr').last().innerText()).toContain('added');
    expect(await main().innerText()).toContain('End of history.');
    expect(w.problems).toEqual([]);
  });

  it('draws the provenance graph as SVG with upstream and downstream commits as links', async () => {
    await open(`/repos/clean/commits/${ids.clean}`);
    await page.getByRole('link', { name: 'Provenance graph' }).click();
    expect(here()).toBe(`/repos/clean/commits/${ids.clean}/provenance`);
    expect(await main().innerText()).toContain('1 upstream, 1 downstream');
    const svg = page.locator('main svg');
    const links = await svg.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links.sort()).toEqual([`/repos/clean/commits/${ids.clean}`, `/repos/model/commits/${ids.model}`, `/repos/raw/commits/${ids.raw}`].sort());
    expect(await svg.locator('path.edge').count()).toBe(2);
    // Upstream is drawn left of the commit, downstream right of it.
    const x = async (repo: string) => (await svg.locator('a', { hasText: repo }).boundingBox())!.x;
    expect(await x('raw@')).toBeLessThan(await x('clean@'));
    expect(await x('clean@')).toBeLessThan(await x('model@'));
    await svg.locator('a', { hasText: 'model@' }).click();
    expect(here()).toBe(`/repos/model/commits/${ids.model}`);
    expect(w.problems).toEqual([]);
  });

  it('reads every page with JavaScript off', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const p = await noJs.newPage();
    const nw = watch(p);
    const pages: [string, string][] = [
      ['/', 'camera roll'],
      ['/repos/photos', 'dev'],
      ['/repos/photos/log/main', short(ids.head!)],
      [`/repos/photos/commits/${ids.head}`, '/counter.txt'],
      [`/repos/clean/commits/${ids.clean}/provenance`, 'raw@'],
      ['/repos/photos/files/main/', 'README.md'],
      ['/repos/photos/files/main/README.md', 'Photos'],
      ['/repos/photos/files/main/data.csv', 'cat.png'],
      ['/repos/photos/files/main/meta.json', '"nested"'],
      ['/repos/photos/files/main/big.txt', 'Preview of the first'],
      ['/repos/photos/history/main/counter.txt', 'modified'],
      [`/repos/photos/compare?base=${ids.first}&head=main`, '/counter.txt'],
      ['/repos/photos/compare/file?base=main%5E&head=main&path=%2Fcounter.txt', `+count ${COUNTER_COMMITS - 1}`],
      ['/repos/photos/delete', 'to confirm'],
    ];
    try {
      for (const [path, want] of pages) {
        const res = await p.goto(`${server.httpUrl}${path}`);
        expect(res?.status(), path).toBe(200);
        expect(await p.locator('main').innerText(), path).toContain(want);
      }
      // Paging is plain links and forms.
      await p.goto(`${server.httpUrl}/repos/photos/log/main`);
      await p.getByRole('link', { name: 'Older commits' }).click();
      expect(await p.locator('#log-rows tr').count()).toBe(50);
      // Compare by the form (GET), as a reader would.
      await p.goto(`${server.httpUrl}/repos/photos/compare`);
      await p.getByLabel('Base').fill(ids.first!);
      await p.getByLabel('Head').fill('main');
      await p.getByRole('button', { name: 'Compare' }).click();
      expect(await p.locator('main').innerText()).toContain('/counter.txt');
      expect(nw.problems).toEqual([]);
    } finally {
      await noJs.close();
    }
  });
});
