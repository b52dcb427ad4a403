#!/usr/bin/env node
// Builds what users run: the CLI and the server, bundled by esbuild into
// dist/ (ES modules, split into chunks loaded on use; the server's npm
// packages left external, the CLI's bundled in). One file per entry loads
// far faster than a tree of TypeScript compiled on the fly, which is what
// keeps `strata --version` and every CLI call cheap. Type checking stays with `tsc` in `npm run lint`.
// Runs on `npm ci` (prepare), before the tests (vitest global setup) and by hand:
//   node scripts/build.mjs
import { rename, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generateCodecs } from './gen-proto-codecs.mjs';
import { loadEsbuild } from './load-esbuild.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

const inPackage = (name, importer) => new RegExp(`[\\\\/]node_modules[\\\\/]${name.replace('/', '[\\\\/]')}[\\\\/]`).test(importer);

/**
 * Two of Node's modules as two bundled packages see them, in the CLI bundle
 * only: grpc-js's `require("net")` is client/sdk/grpc-net.cjs (a cheaper
 * isIPv6, same answers), and commander's `require("node:child_process")` is
 * client/cli/lazy-child-process.cjs (loaded on first use, which Strata's
 * commands never make).
 */
const cliShims = {
  name: 'cli-shims',
  setup(b) {
    b.onResolve({ filter: /^net$/ }, (args) => (inPackage('@grpc/grpc-js', args.importer) ? { path: `${root}client/sdk/grpc-net.cjs` } : undefined));
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (inPackage('commander', args.importer) ? { path: `${root}client/cli/lazy-child-process.cjs` } : undefined));
  },
};

export async function build({ quiet = false } = {}) {
  // Built beside dist/ and swapped in by rename, so a server or CLI started
  // while a build runs (tests, a bench, a second build) never finds dist/
  // half-written or gone.
  const finalDir = `${root}dist`;
  const outdir = `${root}dist.building-${process.pid}`;
  await rm(outdir, { recursive: true, force: true });
  // The SDK's message codecs, generated from proto/ (the bundle and the sources import them).
  await generateCodecs();
  const esbuild = await loadEsbuild();
  const common = {
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir,
    sourcemap: 'linked',
    metafile: true,
    logLevel: quiet ? 'error' : 'warning',
  };
  // The server loads its npm packages from node_modules, as any program does.
  const server = await esbuild.build({ ...common, entryPoints: { server: 'server/main.ts' }, packages: 'external' });
  // The CLI carries its packages (grpc-js, protobufjs, commander...) in its
  // own file: resolving and reading ~150 small module files cost each
  // command more CPU than running their code (docs/benchmarks.md, startup).
  // fuse-native stays outside: a native addon, and optional. So does
  // @grpc/proto-loader, which grpc-js requires only for server-side channelz
  // (the SDK builds its clients without it, client/sdk/services.ts).
  // One CommonJS file, not ES modules: bin/strata.js compiles it with
  // vm.Script and keeps V8's code cache beside it (Node 20 has no compile
  // cache for ES modules), so a command does not parse and compile the same
  // ~1.4 MB of JavaScript every time. import.meta.url, which CommonJS lacks,
  // becomes the file's own URL.
  const cli = await esbuild.build({
    ...common,
    splitting: false,
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    entryPoints: { cli: 'client/cli/main.ts' },
    external: ['fuse-native', '@grpc/proto-loader'],
    plugins: [cliShims],
    define: { 'import.meta.url': '__strataImportMetaUrl' },
    banner: { js: "const __strataImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  const outputs = { ...server.metafile.outputs, ...cli.metafile.outputs };
  const oldDir = `${root}dist.old-${process.pid}`;
  await rename(finalDir, oldDir).catch((err) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await rename(outdir, finalDir);
  await rm(oldDir, { recursive: true, force: true });
  if (!quiet) {
    const bytes = Object.values(outputs).reduce((n, o) => n + o.bytes, 0);
    console.error(`strata: built dist/ (${Object.keys(outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB)`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await build({ quiet: process.argv.includes('--quiet') });
}
