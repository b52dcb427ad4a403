#!/usr/bin/env node
// The `strata` command. Runs the build in dist/ (made by `npm ci`, or by
// `node scripts/build.mjs` after editing the sources):
//   strata --version      answered here, loading nothing else (it must be instant);
//   strata server ...     the server, in this very process, so the pid a user
//                         sees is the server and a kill -9 of it leaves nothing;
//   anything else         the CLI (dist/cli.cjs), compiled with V8's code cache.
// CommonJS (bin/package.json says so, the rest of the package being ES
// modules): an ES module entry point starts Node's ES module loader, which
// cost every command ~5 ms of CPU (a `strata diff` 156 -> 151 ms, 50
// interleaved runs, docs/benchmarks.md); the server's ES modules are
// still imported, by the one dynamic import below.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const argv = process.argv.slice(2);

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
  process.stdout.write(`strata ${version}\n`);
  process.exit(0);
}

if (argv.includes('--debug')) process.setSourceMapsEnabled(true);

// grpc-js gives TLS the address's host as the server name even when it is an
// IP address, and Node then warns (DEP0123) on every connection. The
// certificate is still checked against the IP (its subjectAltName); the
// warning is about grpc-js, not the user's setup, so this one code is dropped.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? rest[0].code : rest[1];
  if (code === 'DEP0123') return;
  return emitWarning.call(process, warning, ...rest);
};

async function load(file) {
  const url = pathToFileURL(join(__dirname, '..', 'dist', file));
  const root = join(__dirname, '..');
  try {
    return await import(url.href);
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    // Node says "Cannot find module '<dist file>'" when the build is gone, and
    // "Cannot find package 'x' imported from <dist file>" when a dependency is.
    const buildMissing = String(err.message).includes(`module '${url.pathname}'`);
    process.stderr.write(
      buildMissing
        ? `strata: the build is missing (dist/${file}): run \`npm ci\`, or \`node scripts/build.mjs\` in ${root}\n`
        : `strata: a dependency is missing (${err.message.split('\n')[0]}): run \`npm ci\` in ${root}\n`,
    );
    process.exit(1);
  }
}

/**
 * The CLI bundle (one CommonJS file), compiled with V8's code cache kept
 * beside it in dist/cli.cjs.cache: with it, V8 skips parsing and compiling
 * the functions the cache holds (a one-call command: 290 -> 210 ms of CPU,
 * docs/benchmarks.md, startup). The cache starts with the SHA-256 of the
 * source it was made from (V8 itself checks only the length), then a byte
 * saying whether the command that made it ran the SDK. The first command
 * after a build writes it, with every function that command ran; one V8
 * rejects (another Node) is written anew, and so is one made without the
 * SDK once a command runs it (the new cache holds what the old one did as
 * well: V8 keeps the functions it read from a cache). Where dist/ cannot
 * be written the CLI runs the same, compiling each time.
 */
function loadCli() {
  // Loaded here, not above: `strata --version` loads nothing.
  const { createHash } = require('node:crypto');
  const { renameSync, rmSync, writeFileSync } = require('node:fs');
  const { createRequire } = require('node:module');
  const { dirname } = require('node:path');
  const { Script } = require('node:vm');
  const file = join(__dirname, '..', 'dist', 'cli.cjs');
  const cacheFile = `${file}.cache`;
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    if (err?.code !== 'ENOENT') throw err;
    process.stderr.write(`strata: the build is missing (dist/cli.cjs): run \`npm ci\`, or \`node scripts/build.mjs\` in ${join(__dirname, '..')}\n`);
    process.exit(1);
  }
  // Hashed as the bytes read, not as the decoded string: hashing a string
  // first encodes its ~1.5 MB back to UTF-8 (~5 ms of every command). Same
  // digest either way.
  const digest = createHash('sha256').update(bytes).digest();
  const source = bytes.toString('utf8');
  let cachedData;
  let cachedWithSdk = false;
  try {
    const saved = readFileSync(cacheFile);
    if (saved.length > 33 && saved.subarray(0, 32).equals(digest)) {
      cachedWithSdk = saved[32] === 1;
      cachedData = saved.subarray(33);
    }
  } catch {
    // none yet
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const saveCache = () => {
    const withSdk = module.exports.sdkLoaded?.() === true;
    if (cachedData && !script.cachedDataRejected && (cachedWithSdk || !withSdk)) return;
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, Buffer.concat([digest, Buffer.of(withSdk || (cachedWithSdk && !script.cachedDataRejected) ? 1 : 0), script.createCachedData()]));
      renameSync(tmp, cacheFile);
    } catch {
      rmSync(tmp, { force: true });
    }
  };
  return { exports: module.exports, saveCache };
}

// `strata server --help` too: the server parses its own flags (commander), so
// its help is the one list of them, with the environment variable of each.
async function main() {
  if (argv[0] === 'server') {
    // V8 doubles the young generation (up to 16 MiB a semi-space) whenever much
    // of it survives, as module loading does; idle, that is ~20 MiB of a
    // server's RSS that never comes back. Kept at its first size: an idle
    // server 105 -> 84 MiB, a 100,000-file load the same CPU time (measured,
    // docs/benchmarks.md). The flag is read when the space would grow, so
    // setting it here, before the server's modules load, takes effect; the
    // server sets V8's default back once it is ready (serving wants the young
    // generation to grow: server/main.ts serveWithGrowingYoungGeneration).
    const { setFlagsFromString } = require('node:v8');
    setFlagsFromString('--semi-space-growth-factor=1');
    const { runServer } = await load('server.js');
    runServer(argv.slice(1), process.env);
  } else {
    // A put or get moves MiBs of buffers through a heap of ~11 MB. V8 counts
    // those buffers (external memory) against the old generation's limit, which
    // it keeps close to the small heap, so a 256 MiB put ran a mark-compact
    // every ~10 MiB (20 of them with its buffers reused, 36 before). Growing
    // the limit 4x per collection (V8's own upper bound) leaves 2-5: CLI CPU
    // 3.4-3.7 -> 3.2 s for put (a), 2 interleaved pairs at load ~19
    // (docs/benchmarks.md, api). Not for a mount: it runs for days with caches.
    if (!argv.includes('mount')) require('node:v8').setFlagsFromString('--heap-growing-percent=300');
    // Output cut off by a closed pipe (`strata get ... | head`) ends quietly, as with other Unix tools.
    process.stdout.on('error', (err) => {
      if (err.code === 'EPIPE') process.exit(141);
      throw err;
    });
    const cli = loadCli();
    // stdin is made on first use: opening it (a pipe, file or terminal stream) cost
    // every command 3-4 ms of CPU, and only put -, pipeline -f - and auth read it.
    const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, get stdin() { return process.stdin; } };
    const code = await cli.exports.main(argv, io);
    process.exitCode = code;
    cli.saveCache();
    // Anything left holding the event loop (a stray handle) must not hang the shell.
    setTimeout(() => process.exit(code), 1000).unref();
  }
}

// As an uncaught error at the top level would: its stack on stderr, exit 1.
main().catch((err) => setImmediate(() => {
  throw err;
}));
