#!/usr/bin/env node
// Builds what users run: the CLI and the server, bundled by esbuild into
// dist/ (ES modules, code shared between them split into chunks, npm
// packages left external). One file per entry loads far faster than a tree
// of TypeScript compiled on the fly, which is what keeps `strata --version`
// and every CLI call cheap. Type checking stays with `tsc` in `npm run lint`.
// Runs on `npm ci` (prepare), before the tests (vitest global setup) and by hand:
//   node scripts/build.mjs
import { rename, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * esbuild's native binary comes as an optional dependency of esbuild, so
 * `npm ci --omit=optional` leaves it out; the WebAssembly build of the same
 * version (a devDependency, slower, no native parts) then stands in.
 */
async function loadEsbuild() {
  const native = await import('esbuild');
  try {
    await native.transform('');
    return native;
  } catch (err) {
    if (!/could not be found|needed by esbuild/.test(String(err?.message))) throw err;
    return import('esbuild-wasm');
  }
}

const root = fileURLToPath(new URL('..', import.meta.url));

export async function build({ quiet = false } = {}) {
  // Built beside dist/ and swapped in by rename, so a server or CLI started
  // while a build runs (tests, a bench, a second build) never finds dist/
  // half-written or gone.
  const finalDir = `${root}dist`;
  const outdir = `${root}dist.building-${process.pid}`;
  await rm(outdir, { recursive: true, force: true });
  const esbuild = await loadEsbuild();
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { cli: 'client/cli/main.ts', server: 'server/main.ts' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir,
    sourcemap: 'linked',
    metafile: !quiet,
    logLevel: quiet ? 'error' : 'warning',
  });
  const oldDir = `${root}dist.old-${process.pid}`;
  await rename(finalDir, oldDir).catch((err) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await rename(outdir, finalDir);
  await rm(oldDir, { recursive: true, force: true });
  if (!quiet) {
    const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
    console.error(`strata: built dist/ (${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB)`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await build({ quiet: process.argv.includes('--quiet') });
}
