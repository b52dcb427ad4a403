// The `strata` file commands as a user runs them: put (file, stdin,
// --append, -r), get (stdout, -o FILE, -o DIR, ranges, --tar), ls, glob,
// diff, rm, cp, fsck, gc; and a put cut by killing the CLI commits nothing.
// The main flows run bin/strata.js in a child process, as a user does
// (`cli.run`); the long tail runs the same main() in-process (`cli.main`).
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND_TABLE } from '../../src/errors/index.ts';
import { sha256 } from '../helpers/bytes.ts';
import { createCli, jsonLines, type Cli, type CliResult } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let server: TestServer;
let tmp: TempDir;
let cli: Cli;

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-cli-files')]);
  cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
  await cli.main(['repo', 'create', 'files']);
});

afterAll(async () => {
  await server?.cleanup();
  await tmp?.remove();
});

const spawned = (...args: string[]) => cli.run(args);
const inProcess = (...args: string[]) => cli.main(args);
const digest = (b: Uint8Array) => `${b.length}:${sha256(b).toString('hex')}`;

function ok(r: CliResult): CliResult {
  expect(r.stderr, 'stderr of a command that should succeed').toBe('');
  expect(r.code).toBe(0);
  return r;
}

function failed(r: CliResult, kind: keyof typeof KIND_TABLE, pattern: RegExp): void {
  expect(r.stderr).toMatch(/^strata: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.code).toBe(KIND_TABLE[kind].exit);
}

async function headId(ref = 'files@main'): Promise<string | undefined> {
  const r = await inProcess('commit', 'inspect', ref, '--json');
  return r.code === 0 ? (JSON.parse(r.out) as { id: string }).id : undefined;
}

/** Every file under `dir`, relative path -> digest. */
async function treeDigests(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    out.set(relative(dir, full), digest(await readFile(full)));
  }
  return out;
}

describe('put and get', () => {
  const photo = randomBytes(3 << 20);

  it('puts a file (to a path, or under a directory path) and gets it to stdout and to a file', async () => {
    const local = join(tmp.path, '1.png');
    await writeFile(local, photo);
    const put = ok(await spawned('put', 'files@main:/cats/1.png', local));
    expect(put.out).toMatch(/^put files@main:\/cats\/1\.png \(3\.0 MiB; sent 3\.0 MiB, 0 chunks of \d+ already stored\) -> files@[0-9a-f]{32}\n$/);
    const again = ok(await inProcess('put', 'files@main:/cats/', local));
    expect(again.out).toMatch(/^put files@main:\/cats\/1\.png \(3\.0 MiB; sent 0 B, (\d+) chunks of \1 already stored\)/);
    expect(digest(ok(await spawned('get', 'files@main:/cats/1.png')).stdout)).toBe(digest(photo));
    const out = join(tmp.path, 'got.png');
    expect(ok(await inProcess('get', 'files@main:/cats/1.png', '-o', out)).out).toBe(`wrote 3.0 MiB to ${out}\n`);
    expect(digest(await readFile(out))).toBe(digest(photo));
    ok(await inProcess('get', 'files@main:/cats/1.png', '-o', tmp.path)); // into a directory: its name
    expect(digest(await readFile(join(tmp.path, '1.png')))).toBe(digest(photo));
  });

  it('puts from stdin, appends, and reads ranges', async () => {
    ok(await cli.run(['put', 'files@main:/log.txt', '-'], { input: 'hello\n' }));
    ok(await cli.run(['put', '--append', 'files@main:/log.txt', '-'], { input: 'world\n' }));
    ok(await cli.main(['put', '--append', '--no-dedup', 'files@main:/log.txt', '-'], { input: 'again\n' }));
    expect(ok(await inProcess('get', 'files@main:/log.txt')).out).toBe('hello\nworld\nagain\n');
    expect(ok(await spawned('get', 'files@main:/log.txt', '--offset', '6', '--length', '5')).out).toBe('world');
    expect(ok(await inProcess('get', 'files@main:/log.txt', '--offset', '12')).out).toBe('again\n');
    expect(ok(await inProcess('get', 'files@main:/log.txt', '--offset', '100')).out).toBe('');
    expect(ok(await inProcess('get', 'files@main^^:/log.txt')).out).toBe('hello\n');
    const json = JSON.parse(ok(await cli.main(['put', 'files@main:/j.txt', '-', '--json'], { input: 'j' })).out);
    expect(json).toMatchObject({ commit: { repo: 'files', state: 'finished' }, stats: { files: 1, bytes: 1 } });
  });

  it('put -r of a tree, then get -o DIR, round trips identical bytes', async () => {
    const src = join(tmp.path, 'tree');
    for (let i = 0; i < 12; i++) {
      const rel = join(`d${i % 3}`, i % 2 ? 'deep/er' : '', `f${i}.bin`);
      await mkdir(join(src, rel, '..'), { recursive: true });
      await writeFile(join(src, rel), randomBytes(i * 20_000));
    }
    await writeFile(join(src, 'top.txt'), 'top\n');
    const put = ok(await spawned('put', '-r', 'files@main:/tree', src));
    expect(put.out).toMatch(/^put 13 files to files@main:\/tree \(/);
    const dest = join(tmp.path, 'tree-back');
    expect(ok(await spawned('get', 'files@main:/tree', '-o', dest)).out).toBe(`wrote 13 files to ${dest}\n`);
    expect(await treeDigests(dest)).toEqual(await treeDigests(src));
    // Without the files cache (which may skip these files, depending on how old they are by now), dedup sends nothing.
    const reput = ok(await inProcess('put', '-r', '--no-cache', 'files@main:/tree', src, '--json'));
    expect(JSON.parse(reput.out).stats).toMatchObject({ files: 13, sentBytes: 0 });
    const archive = ok(await inProcess('get', 'files@main:/tree/d0', '--tar')).stdout.toString('latin1');
    expect(archive).toContain('tree/d0/f0.bin');
  });

  it('refuses what it cannot do, with one line and the right exit code', async () => {
    failed(await spawned('put', 'files@main:/x', join(tmp.path, 'missing')), 'NotFound', /cannot read .*missing: no such file or directory/);
    failed(await inProcess('put', 'files@main:/x', tmp.path), 'InvalidArgument', /is a directory: use put -r/);
    failed(await inProcess('put', 'files@main', '-'), 'InvalidArgument', /put from stdin \(-\) needs the file path/);
    failed(await inProcess('put', 'files@main:/a/../b', '-'), 'InvalidArgument', /".." components are not allowed/);
    failed(await inProcess('put', '-r', '--append', 'files@main:/t', tmp.path), 'InvalidArgument', /--append works with one file/);
    failed(await inProcess('get', 'files@main:/tree'), 'InvalidArgument', /is a directory: use -o DIR/);
    failed(await inProcess('get', 'files@main:/nope.txt'), 'NotFound', /no such file or directory/);
    failed(await inProcess('get', 'files@main:/log.txt', '--offset', '-1'), 'InvalidArgument', /--offset must be a whole number/);
  });
});

describe('listing and changes', () => {
  it('ls, ls -r and glob, in aligned columns and as JSON lines', async () => {
    const ls = ok(await spawned('ls', 'files@main')).out.trim().split('\n');
    expect(ls).toEqual(['TYPE       SIZE  PATH', 'dir           -  /cats/', 'file        1 B  /j.txt', 'file       18 B  /log.txt', 'dir           -  /tree/']);
    expect(ok(await inProcess('ls', '-r', 'files@main:/cats')).out).toBe('TYPE       SIZE  PATH\nfile    3.0 MiB  /cats/1.png\n');
    const json = jsonLines<{ path: string; type: string; sizeBytes?: number }>(ok(await inProcess('ls', '-r', 'files@main:/tree', '--json')).out);
    expect(json).toHaveLength(13);
    expect(json.every((f) => f.type === 'file' && typeof f.sizeBytes === 'number')).toBe(true);
    const glob = ok(await spawned('glob', 'files@main:/**/*.txt')).out;
    expect(glob).toBe('TYPE       SIZE  PATH\nfile        1 B  /j.txt\nfile       18 B  /log.txt\nfile        4 B  /tree/top.txt\n');
    expect(jsonLines(ok(await inProcess('glob', 'files@main:/cats/*', '--json')).out)).toMatchObject([{ path: '/cats/1.png' }]);
    failed(await inProcess('glob', 'files@main'), 'InvalidArgument', /expected 'repo@ref:\/pattern'/);
  });

  it('diff shows added, modified and deleted files', async () => {
    const before = await headId();
    ok(await cli.main(['put', 'files@main:/log.txt', '-'], { input: 'changed\n' }));
    ok(await spawned('rm', 'files@main:/j.txt'));
    ok(await cli.main(['put', 'files@main:/new.txt', '-'], { input: 'new' }));
    expect(ok(await spawned('diff', 'files@main', `files@${before}`)).out).toBe('- /j.txt  (1 B)\n~ /log.txt  (18 B -> 8 B)\n+ /new.txt  (3 B)\n');
    const json = jsonLines<{ type: string; path: string }>(ok(await inProcess('diff', 'files@main', `files@${before}`, '--json')).out);
    expect(json.map((d) => `${d.type} ${d.path}`)).toEqual(['deleted /j.txt', 'modified /log.txt', 'added /new.txt']);
    expect(ok(await inProcess('diff', 'files@main')).out).toBe('+ /new.txt  (3 B)\n');
    expect(ok(await inProcess('diff', 'files@main', 'files@main')).out).toBe('no changes\n');
  });

  it('rm a directory, cp by reference', async () => {
    expect(ok(await inProcess('rm', '-r', 'files@main:/tree/')).out).toMatch(/^deleted files@main:\/tree\/ -> files@[0-9a-f]{32}\n$/);
    failed(await inProcess('ls', 'files@main:/tree'), 'NotFound', /no such file or directory/);
    ok(await spawned('cp', 'files@main^:/tree', 'files@main:/restored'));
    expect(jsonLines(ok(await inProcess('ls', '-r', 'files@main:/restored', '--json')).out)).toHaveLength(13);
    failed(await inProcess('rm', 'files@main:/nope'), 'NotFound', /no such file or directory/);
  });

  it('fsck and gc', async () => {
    expect(ok(await spawned('fsck')).out).toMatch(/^checked \d+ commits, \d+ files: ok\n$/);
    expect(JSON.parse(ok(await inProcess('fsck', '--verify-data', '--json')).out)).toMatchObject({ problems: [], data: { problems: [] } });
    expect(ok(await inProcess('gc')).out).toMatch(/^freed /);
  });
});

describe('a cut stream', () => {
  it('killing the CLI mid-put of a large file commits nothing (raw and dedup)', async () => {
    ok(await cli.main(['put', 'files@main:/before.txt', '-'], { input: 'before' }));
    for (const flags of [['--no-dedup'], []]) {
      const before = await headId();
      // Raw bytes and the chunks the server lacks both travel on the ModifyFile stream.
      const method = 'ModifyFile';
      const baseline = await receivedBytes(method);
      const child = cli.spawn(['put', ...flags, 'files@main:/cut.bin', '-']);
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin!.on('error', () => undefined); // EPIPE once it is killed
      // 24 MiB goes in; stdin stays open, so the CLI is mid-file when killed.
      for (let i = 0; i < 24; i++) if (!child.stdin!.write(randomBytes(1 << 20))) await new Promise((r) => child.stdin!.once('drain', r));
      for (let t = 0; t < 200 && (await receivedBytes(method)) === baseline; t++) await new Promise((r) => setTimeout(r, 50));
      expect(await receivedBytes(method)).toBeGreaterThan(baseline);
      child.kill('SIGKILL');
      await exited;
      child.stdin!.destroy();
      await new Promise((r) => setTimeout(r, 300)); // the server notices the cut connection
      expect(await headId()).toBe(before);
      failed(await inProcess('get', 'files@main:/cut.bin'), 'NotFound', /no such file or directory/);
    }
    // And the server is fine afterwards.
    ok(await cli.main(['put', 'files@main:/after.txt', '-'], { input: 'fine' }));
  });
});

async function receivedBytes(method: string): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const m = new RegExp(`^strata_grpc_received_bytes_total\\{grpc_method="${method}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}
