// The console's pipeline pages in Debian's Chromium (playwright-core)
// against the real server process, with a pipeline made over gRPC as a
// user would: list -> pipeline -> job -> datum and its log by clicking,
// provenance links to the input and output commits, a failed datum's log,
// a file named like an HTML tag shown as text, and no console errors.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createPpsClient, type JobInfo, type PpsClient, type StrataClient } from '../../client/sdk/index.ts';
import { jobFor, spec } from '../helpers/pps.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing in CI: scripts/install-system-deps.sh installs the chromium package`);
const XSS = '<img src=x onerror=alert(1)>.txt';
const SHOTS = process.env.STRATA_CONSOLE_SCREENSHOTS;

let server: TestServer;
let client: StrataClient;
let pps: PpsClient;
let profile: TempDir;
let browser: BrowserContext;
let page: Page;
const problems: string[] = [];
const dialogs: string[] = [];
let good: JobInfo;
let bad: JobInfo;

const path = (): string => decodeURIComponent(new URL(page.url()).pathname);

describe.skipIf(!haveChromium)('console pipeline pages in Chromium', () => {
  beforeAll(async () => {
    server = await startServer();
    client = createClient({ address: server.grpcAddress });
    pps = createPpsClient({ address: server.grpcAddress });
    await client.createRepo('words');
    await client.put('words@main:/a.txt', Buffer.from('alpha\n'));
    const head = (await client.put(`words@main:/${XSS}`, Buffer.from('<script>alert(2)</script>\n'))).commit.id;
    await pps.createPipeline(spec('upper', { pfs: { repo: 'words', glob: '/*' } }, 'for f in /pfs/words/*; do tr a-z A-Z < "$f" > "/pfs/out/$(basename "$f")"; done; echo "did $(ls /pfs/words)"'));
    // Fails on the odd file, once per try, saying so on stderr.
    await pps.createPipeline(spec('picky', { pfs: { repo: 'words', glob: '/*' } }, 'for f in /pfs/words/*; do case "$f" in *img*) echo "refusing $f" >&2; exit 4;; esac; cp "$f" /pfs/out/; done', { datum_tries: 2 }));
    good = await jobFor(pps, 'upper', head);
    bad = await jobFor(pps, 'picky', head);
    profile = await createTempDir('strata-chromium-pps');
    browser = await chromium.launchPersistentContext(profile.path, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
      viewport: { width: 1200, height: 760 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()} (${page.url()})`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message} (${page.url()})`));
    page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    client?.close();
    pps?.close();
    await server?.cleanup();
    await profile?.remove();
  });

  it('walks pipelines -> pipeline -> job -> datum -> log, and to the commits by provenance links', async () => {
    expect(good.state).toBe('success');
    await page.goto(`${server.httpUrl}/`);
    await page.locator('header').getByRole('link', { name: 'Pipelines' }).click();
    expect(path()).toBe('/pipelines');
    expect(await page.locator('tbody tr').count()).toBe(2);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'console-pipelines.png') });
    await page.getByRole('link', { name: 'upper', exact: true }).first().click();
    expect(path()).toBe('/pipelines/upper');
    await expect.poll(() => page.locator('main').innerText()).toContain('sh -c for f in /pfs/words/*');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'console-pipeline.png') });
    await page.getByRole('link', { name: good.id.slice(0, 10) }).first().click();
    expect(path()).toBe(`/pipelines/upper/jobs/${good.id}`);
    expect(await page.locator('main').innerText()).toContain('2 processed, 0 skipped, 0 failed, 0 recovered of 2');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'console-job.png') });
    // The datum whose input is the file named like a tag: its name is text, and its log says what ran.
    const row = page.locator('tbody tr', { hasText: XSS });
    expect(await row.count()).toBe(1);
    await row.locator('a').first().click();
    expect(path()).toMatch(/^\/pipelines\/upper\/jobs\/[0-9a-f]+\/datums\/[0-9a-f]+$/);
    expect(await page.locator('#datum-log').innerText()).toContain(`did ${XSS}`);
    expect(await page.locator('main').innerText()).toContain(`/${XSS}`);
    // Output file link -> the file in the output commit.
    await page.getByRole('link', { name: `/${XSS}` }).last().click();
    expect(path()).toBe(`/repos/upper/files/${good.outputCommit}/${XSS}`);
    // Back on the job: input commit -> its commit page; output commit -> its provenance names the input.
    await page.goto(`${server.httpUrl}/pipelines/upper/jobs/${good.id}`);
    await page.getByRole('link', { name: `words@${good.inputs[0]!.commit.slice(0, 10)}` }).first().click();
    expect(path()).toBe(`/repos/words/commits/${good.inputs[0]!.commit}`);
    await page.goBack();
    await page.getByRole('link', { name: 'provenance graph' }).click();
    expect(path()).toBe(`/repos/upper/commits/${good.outputCommit}/provenance`);
    expect(await page.locator('main svg').innerHTML()).toContain('words');
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows a failed job with its failed datum, tries and stderr log', async () => {
    expect(bad.state).toBe('failure');
    await page.goto(`${server.httpUrl}/pipelines/picky`);
    expect(await page.locator('main').innerText()).toContain('failure');
    await page.getByRole('link', { name: bad.id.slice(0, 10) }).first().click();
    const failed = page.locator('tbody tr', { hasText: 'failed' });
    expect(await failed.count()).toBe(1);
    expect(await failed.innerText()).toContain('exit code 4');
    await failed.locator('a').first().click();
    const log = await page.locator('#datum-log').innerText();
    expect(log.match(/refusing \/pfs\/words\/<img src=x onerror=alert\(1\)>\.txt/g)).toHaveLength(2);
    expect(log).toContain('try 2 of 2');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'console-datum.png') });
    // Bad names are clear errors, not crashes.
    const res = await page.goto(`${server.httpUrl}/pipelines/no-such`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('main').innerText()).toMatch(/pipeline "no-such" not found/);
    const res2 = await page.goto(`${server.httpUrl}/pipelines/picky/jobs/ffff0000`);
    expect(res2?.status()).toBe(404);
    expect(dialogs).toEqual([]);
    expect(problems.filter((p) => !p.includes('404'))).toEqual([]);
  });
});
