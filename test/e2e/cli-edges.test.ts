// CLI behaviours from issue 14, through the real CLI against the real
// server: -m on put/rm/cp (log shows it), rm of a directory needs -r, and
// put -r --delete / --exclude (a tree can be synced). Exit codes and the
// one-line messages are part of the contract.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCli, jsonLines, type Cli, type CliResult } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let server: TestServer;
let tmp: TempDir;
let cli: Cli;

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-cli-edges')]);
  cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
  cli.env.STRATA_CACHE_DIR = join(tmp.path, 'cache');
});

afterAll(async () => {
  await server?.cleanup();
  await tmp?.remove();
});

function ok(r: CliResult): CliResult {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r;
}

async function files(ref: string): Promise<string[]> {
  return jsonLines<{ path: string }>(ok(await cli.main(['ls', '-r', ref, '--json'])).out).map((f) => f.path);
}

async function log(ref: string): Promise<{ id: string; description: string }[]> {
  return jsonLines<{ id: string; description: string }>(ok(await cli.main(['log', ref, '--json'])).out);
}

describe('-m/--message', () => {
  it('put, cp, rm and commit finish record the message; log shows it', async () => {
    ok(await cli.main(['repo', 'create', 'msgs']));
    const local = join(tmp.path, 'a.txt');
    await writeFile(local, 'a\n');
    ok(await cli.run(['put', '-m', 'first file', 'msgs@main:/a.txt', local]));
    ok(await cli.main(['cp', '--message', 'a copy', 'msgs@main:/a.txt', 'msgs@main:/b.txt']));
    ok(await cli.main(['rm', '-m', 'drop a', 'msgs@main:/a.txt']));
    const id = ok(await cli.main(['commit', 'start', 'msgs@main', '-q'])).out.trim();
    ok(await cli.main(['put', '-q', `msgs@${id}:/c.txt`, local]));
    ok(await cli.main(['commit', 'finish', '-q', `msgs@${id}`, '-m', 'finished by hand']));
    expect((await log('msgs@main')).map((c) => c.description)).toEqual(['finished by hand', 'drop a', 'a copy', 'first file']);
    const human = ok(await cli.run(['log', 'msgs@main'])).out;
    expect(human).toMatch(/\bfirst file\n$/);
    expect(human).toContain('drop a');
  });
});

describe('rm of a directory', () => {
  it('needs -r: without it, one line and exit 6, and nothing changes', async () => {
    ok(await cli.main(['repo', 'create', 'rmdir']));
    const local = join(tmp.path, 'x.txt');
    await writeFile(local, 'x\n');
    ok(await cli.main(['put', 'rmdir@main:/cats/1.txt', local]));
    ok(await cli.main(['put', 'rmdir@main:/cats/2.txt', local]));
    for (const target of ['rmdir@main:/cats', 'rmdir@main:/cats/']) {
      const r = await cli.run(['rm', target]);
      expect(r.code).toBe(6);
      expect(r.stderr).toBe(`strata: cannot delete ${target}: it is a directory; use strata rm -r to delete everything under it\n`);
      expect(r.out).toBe('');
    }
    expect(await log('rmdir@main')).toHaveLength(2);
    expect(await files('rmdir@main')).toEqual(['/cats/1.txt', '/cats/2.txt']);
    ok(await cli.main(['rm', '-r', 'rmdir@main:/cats']));
    expect(await files('rmdir@main')).toEqual([]);
    const missing = await cli.main(['rm', 'rmdir@main:/nope']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^strata: [^\n]*\/nope[^\n]*\n$/);
  });

  it('rm -r of a single file deletes it', async () => {
    const local = join(tmp.path, 'y.txt');
    await writeFile(local, 'y\n');
    ok(await cli.main(['put', 'rmdir@main:/y.txt', local]));
    ok(await cli.main(['rm', '-r', 'rmdir@main:/y.txt']));
    expect(await files('rmdir@main')).toEqual([]);
  });
});

describe('put -r --exclude and --delete', () => {
  it('leaves out excluded files, and with --delete removes what is gone locally (excluded paths stay)', async () => {
    ok(await cli.main(['repo', 'create', 'sync']));
    const tree = join(tmp.path, 'tree');
    await mkdir(join(tree, 'sub'), { recursive: true });
    await mkdir(join(tree, 'build'), { recursive: true });
    await writeFile(join(tree, 'a.txt'), 'a');
    await writeFile(join(tree, 'b.tmp'), 'b');
    await writeFile(join(tree, 'sub', 'c.txt'), 'c');
    await writeFile(join(tree, 'sub', 'd.tmp'), 'd');
    await writeFile(join(tree, 'build', 'out.bin'), 'o');
    ok(await cli.run(['put', '-r', '--exclude', '*.tmp', '--exclude', 'build', 'sync@main:/data', tree]));
    expect(await files('sync@main')).toEqual(['/data/a.txt', '/data/sub/c.txt']);

    // Someone else's file beside them, one that matches an exclude, and one the local tree lacks.
    ok(await cli.main(['put', 'sync@main:/data/keep.tmp', join(tree, 'b.tmp')]));
    ok(await cli.main(['put', 'sync@main:/data/extra.txt', join(tree, 'a.txt')]));
    await rm(join(tree, 'sub', 'c.txt'));
    const r = ok(await cli.main(['put', '-r', '--delete', '--exclude', '*.tmp', '--exclude', 'build', '-m', 'sync', '--json', 'sync@main:/data', tree]));
    const doc = JSON.parse(r.out) as { deleted: string[]; commit: { description: string } };
    expect(doc.deleted).toEqual(['/data/extra.txt', '/data/sub/c.txt']);
    expect(doc.commit.description).toBe('sync');
    expect(await files('sync@main')).toEqual(['/data/a.txt', '/data/keep.tmp']);

    // Nothing left to do: no new commit.
    const before = (await log('sync@main')).length;
    ok(await cli.main(['put', '-r', '--delete', '--exclude', '*.tmp', '--exclude', 'build', 'sync@main:/data', tree]));
    expect(await log('sync@main')).toHaveLength(before);
  });

  it('--delete and --exclude need put -r of a directory', async () => {
    const file = join(tmp.path, 'one.txt');
    await writeFile(file, '1');
    for (const flags of [['--delete'], ['--exclude', '*.tmp']]) {
      const r = await cli.main(['put', ...flags, 'sync@main:/one.txt', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('strata: --delete and --exclude work with put -r of a directory\n');
    }
  });
});
