#!/usr/bin/env node
// The wire contract for TypeScript, generated from proto/: its types, by the
// generator that ships with @grpc/proto-loader (proto-loader-gen-types), with
// the same mapping the server and the SDK load the .proto files with
// (LOADER_OPTIONS: camelCase fields, int64 as number, enums as names,
// defaults filled, oneof names set). Server handlers and the SDK both use
// these types, so there is one model of every message and no hand-kept copy.
// And each file parsed, as protobufjs JSON, from which the build generates
// the SDK's message codecs (scripts/gen-proto-codecs.mjs).
//
// The output, proto/generated/, is committed: type checks, editors and
// reviewers see it without a build step, and a change to a .proto file shows
// up as a diff of the types it changes. `npm run lint` runs this with
// --check, which fails when proto/generated/ is not what proto/ gives.
//
//   node scripts/gen-proto-types.mjs           regenerate proto/generated/
//   node scripts/gen-proto-types.mjs --check   fail (exit 1) if it is stale
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(root, 'proto/generated');
/** One entry per .proto file; each becomes <name>.ts (its services and package) plus a file per message. */
export const PROTO_FILES = ['strata/pfs/v1/pfs.proto', 'strata/pps/v1/pps.proto', 'strata/auth/v1/auth.proto'];

/** The generator's flags for LOADER_OPTIONS (server/grpc/proto.ts, client/sdk/transport.ts). */
const FLAGS = ['--longs=Number', '--enums=String', '--defaults', '--oneofs', '--includeComments', '--grpcLib=@grpc/grpc-js', '--importFileExtension=.ts'];

const require = createRequire(import.meta.url);

/**
 * Each .proto file parsed as proto-loader parses it (its own loader, the
 * same include path and keepCase: false, so fields are camelCase), saved as
 * protobufjs JSON: <name>.json. The build generates the SDK's codecs from
 * these (scripts/gen-proto-codecs.mjs, client/sdk/services.ts), so no CLI
 * command parses .proto text or loads the parser, a large part of what a
 * command cost before its first call.
 */
async function writeDescriptors(outDir) {
  const { loadProtosWithOptionsSync } = require('@grpc/proto-loader/build/src/util.js');
  for (const file of PROTO_FILES) {
    const parsed = loadProtosWithOptionsSync(file, { keepCase: false, includeDirs: [join(root, 'proto')] });
    const name = file.split('/').pop().replace(/\.proto$/, '.json');
    await writeFile(join(outDir, name), `${JSON.stringify(parsed.toJSON(), null, 1)}\n`);
  }
}

async function generate(outDir) {
  const bin = require.resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js');
  // Relative include dir (with cwd = the package): the files name their source as proto/..., the same in every checkout.
  const run = spawnSync(process.execPath, [bin, ...FLAGS, '-I', 'proto', '-O', outDir, ...PROTO_FILES], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`proto-loader-gen-types failed (exit ${run.status}):\n${run.stderr || run.stdout}`);
  await writeDescriptors(outDir);
}

async function filesUnder(dir) {
  const out = new Map();
  const walk = async (d) => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (err) {
      if (err.code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(relative(dir, p), await readFile(p, 'utf8'));
    }
  };
  await walk(dir);
  return out;
}

/** Differences between the committed output and a fresh one, one line each. */
function differences(committed, fresh) {
  const lines = [];
  for (const [name, text] of fresh) {
    if (!committed.has(name)) lines.push(`missing: proto/generated/${name}`);
    else if (committed.get(name) !== text) lines.push(`stale:   proto/generated/${name}`);
  }
  for (const name of committed.keys()) if (!fresh.has(name)) lines.push(`extra:   proto/generated/${name}`);
  return lines.sort();
}

async function main(argv) {
  const tmp = await mkdtemp(join(tmpdir(), 'strata-proto-types-'));
  try {
    const fresh = join(tmp, 'generated');
    await generate(fresh);
    if (argv.includes('--check')) {
      const diff = differences(await filesUnder(OUT), await filesUnder(fresh));
      if (diff.length === 0) {
        console.log('proto: proto/generated/ is up to date');
        return 0;
      }
      for (const line of diff) console.error(`proto: ${line}`);
      console.error('proto: proto/generated/ does not match proto/; run: node scripts/gen-proto-types.mjs');
      return 1;
    }
    await rm(OUT, { recursive: true, force: true });
    await cp(fresh, OUT, { recursive: true }); // not rename: the temp dir may be on another file system
    console.log(`proto: wrote proto/generated/ (${(await filesUnder(OUT)).size} files)`);
    return 0;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2));
