// Before any test: build dist/ from the current sources, so the server and
// CLI processes the end-to-end tests start (bin/strata.js) run this code,
// not a stale build.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url)), '--quiet'], { stdio: 'inherit' });
}
