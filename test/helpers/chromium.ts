// Debian's Chromium driven by playwright-core for the console's browser
// tests: never a downloaded browser (executablePath /usr/bin/chromium,
// --no-sandbox), and a collector of everything that went wrong on a page
// (console errors, script errors, failed requests, HTTP errors, dialogs).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing in CI: scripts/install-system-deps.sh installs the chromium package`);

/** `args`: more switches, e.g. --host-resolver-rules to give a host name another address. */
export async function launchChromium(args: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', ...args],
  });
}

/** What a page did wrong, collected as it happens; `dialogs` are alert()s and the like (a script ran). */
export interface Watch {
  problems: string[];
  dialogs: string[];
}

export function watch(page: Page, w: Watch = { problems: [], dialogs: [] }): Watch {
  page.on('console', (m) => m.type() === 'error' && w.problems.push(`console: ${m.text()} (${page.url()})`));
  page.on('pageerror', (e) => w.problems.push(`page error: ${e.message} (${page.url()})`));
  // A request the browser aborts itself when the next navigation starts is not a failure of the server.
  page.on('requestfailed', (r) => r.failure()?.errorText !== 'net::ERR_ABORTED' && w.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => r.status() >= 400 && w.problems.push(`response with status of ${r.status()}: ${r.url()}`));
  page.on('dialog', (d) => (w.dialogs.push(d.message()), void d.dismiss()));
  return w;
}
