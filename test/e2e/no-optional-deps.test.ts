// Strata without its optional dependencies (issue 14): fuse-native cannot
// build everywhere and `npm ci --omit=optional` leaves it out. Then the
// server and every CLI command but `strata mount` must work, and `strata
// mount` must say in one line what to install. Also the install of a
// platform fuse-native has no native build for (linux-arm64, macOS arm64).
//
// The install under test is STRATA_TEST_INSTALL_DIR when set (.ci/run makes
// one with a real `npm ci --omit=optional`); otherwise a copy of this
// checkout's package.json, bin/, dist/ and proto/ beside a node_modules of
// links to every installed package except fuse-native: the same layout as
// far as module resolution goes, made in a second.
import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bwrapWorks } from '../../client/run/isolation.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// In a container strata run's default isolation holds the real /pfs, one run at a time on the machine
// (run-command.test.ts may be running now): a bwrap sandbox of its own, where bwrap works.
const ISOLATION = bwrapWorks() ? ['--isolation', 'bwrap'] : [];
let tmp: TempDir;
let install: string;
let server: TestServer;

async function linkedInstall(dir: string, root = ROOT): Promise<void> {
  for (const part of ['package.json', 'bin', 'dist', 'proto']) await cp(join(root, part), join(dir, part), { recursive: true });
  await mkdir(join(dir, 'node_modules'));
  for (const name of await readdir(join(root, 'node_modules'))) {
    if (name === 'fuse-native' || name === '.bin' || name.startsWith('.')) continue;
    await symlink(join(root, 'node_modules', name), join(dir, 'node_modules', name));
  }
}

function run(args: string[], opts: { cwd?: string; install?: string } = {}): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [join(opts.install ?? install, 'bin', 'strata.js'), ...args], {
    cwd: opts.cwd ?? opts.install ?? install,
    env: { ...process.env, STRATA_ADDRESS: server?.grpcAddress ?? '127.0.0.1:1', STRATA_CONFIG: join(tmp.path, 'config.json'), STRATA_CACHE_DIR: join(tmp.path, 'cache'), XDG_STATE_HOME: join(tmp.path, 'state') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8') }));
  });
}

beforeAll(async () => {
  tmp = await createTempDir('strata-no-optional');
  install = process.env.STRATA_TEST_INSTALL_DIR ?? join(tmp.path, 'install');
  if (!process.env.STRATA_TEST_INSTALL_DIR) await linkedInstall(install);
  server = await startServer({ root: install });
});

afterAll(async () => {
  await server?.cleanup();
  await tmp?.remove();
});

describe('an install without optional dependencies', () => {
  it('really lacks fuse-native', async () => {
    const probe = spawn(process.execPath, ['--input-type=module', '-e', "await import('fuse-native')"], { cwd: install, stdio: 'ignore' });
    expect(await new Promise((r) => probe.once('close', r))).not.toBe(0);
  });

  it('serves, and the CLI works: repo, put, get, ls, log, tag', async () => {
    expect((await run(['repo', 'create', 'plain'])).code).toBe(0);
    const local = join(tmp.path, 'a.txt');
    await writeFile(local, 'hello\n');
    expect(await run(['put', '-q', 'plain@main:/a.txt', local])).toMatchObject({ code: 0, err: '' });
    expect(await run(['get', 'plain@main:/a.txt'])).toEqual({ code: 0, out: 'hello\n', err: '' });
    expect((await run(['ls', 'plain@main:/', '--json'])).out).toContain('"/a.txt"');
    expect((await run(['tag', 'create', 'plain@v1'])).code).toBe(0);
    expect((await run(['log', 'plain@v1', '--json'])).code).toBe(0);
    expect((await run(['version', '--json'])).code).toBe(0);
  });

  it('strata mount says in one line what to install (exit 6); unmount and --help still work', async () => {
    const dir = join(tmp.path, 'mnt');
    const r = await run(['mount', 'plain@main', dir]);
    expect(r.code).toBe(6);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^strata: strata mount needs FUSE, but the optional package fuse-native is not installed .*sudo apt-get install libfuse2 fuse3.*npm install fuse-native.* in \//);
    expect(r.err.split('\n')).toHaveLength(2); // one line, then the final newline
    const u = await run(['unmount', dir]);
    expect(u).toMatchObject({ code: 4, err: `strata: ${dir} is not mounted\n` });
    expect((await run(['mount', '--help'])).code).toBe(0);
  });

  it('strata run still works: it fetches a whole-commit input eagerly and says why', async () => {
    const r = await run(['run', ...ISOLATION, '--input', 'in=plain@main:/', '--output', 'plain@out', '--', '/bin/sh', '-c', 'cp /pfs/in/a.txt /pfs/out/b.txt']);
    expect(r.code, r.err).toBe(0);
    // Without /dev/fuse the line is "no /dev/fuse: every input is fetched eagerly", with no word of the binding.
    expect(r.err).toMatch(/^strata run: (cannot mount with FUSE \([^\n]*fuse-native is not installed[^\n]*\)|no \/dev\/fuse): every input is fetched eagerly$/m);
    expect(await run(['get', 'plain@out:/b.txt'])).toEqual({ code: 0, out: 'hello\n', err: '' });
  });
});

// On linux-arm64 or macOS arm64, npm installs fuse-native (its build script
// is not run) but it has no native build there: its prebuilds are for
// linux-x64 and darwin-x64 only. The same install is made here by leaving
// out its prebuilt binaries.
const FUSE_PACKAGE = join(ROOT, 'node_modules', 'fuse-native');
describe.skipIf(!existsSync(FUSE_PACKAGE))('an install where fuse-native has no native build for the platform', () => {
  let noBuild: string;
  beforeAll(async () => {
    noBuild = join(tmp.path, 'no-build');
    await linkedInstall(noBuild);
    await cp(FUSE_PACKAGE, join(noBuild, 'node_modules', 'fuse-native'), { recursive: true, filter: (src) => !/[/\\](prebuilds|build)$/.test(src) });
    expect((await run(['repo', 'create', 'arm'], { install: noBuild })).code).toBe(0);
  });

  it('strata mount says in one line that mounts are not available on this platform (exit 6), naming it', async () => {
    const r = await run(['mount', 'arm@main', join(tmp.path, 'mnt2')], { install: noBuild });
    expect(r.code).toBe(6);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      `strata: strata mount needs FUSE, but the optional package fuse-native has no native build for ${process.platform}-${process.arch} (it ships builds for linux-x64 and darwin-x64 only), so mounts are not available on this platform. Every other command works without it; \`strata get\`, \`put -r\` and \`strata run\` need no mount.\n`,
    );
  });

  it('the rest works: put, get, and strata run (inputs fetched eagerly)', async () => {
    const local = join(tmp.path, 'c.txt');
    await writeFile(local, 'arm\n');
    expect(await run(['put', '-q', 'arm@main:/c.txt', local], { install: noBuild })).toMatchObject({ code: 0, err: '' });
    expect(await run(['get', 'arm@main:/c.txt'], { install: noBuild })).toEqual({ code: 0, out: 'arm\n', err: '' });
    const r = await run(['run', ...ISOLATION, '--input', 'in=arm@main:/', '--output', 'arm@out', '--', '/bin/sh', '-c', 'cp /pfs/in/c.txt /pfs/out/d.txt'], { install: noBuild });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^strata run: (cannot mount with FUSE \([^\n]*has no native build for [^\n]*\)|no \/dev\/fuse): every input is fetched eagerly$/m);
    expect(await run(['get', 'arm@out:/d.txt'], { install: noBuild })).toEqual({ code: 0, out: 'arm\n', err: '' });
  });
});
