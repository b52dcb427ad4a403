// CLI behaviours from issue 14, through the real CLI against the real
// server: -m on put/rm/cp (log shows it), rm of a directory needs -r, and
// put -r --delete / --exclude (a tree can be synced; an unchanged tree makes
// no commit, whatever the files cache knows). Exit codes and the
// one-line messages are part of the contract.
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
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
    // Older than the put: the files cache trusts only stats that cannot be "racily clean".
    const past = new Date(Date.now() - 60_000);
    for (const f of ['a.txt', 'b.tmp', 'sub/c.txt', 'sub/d.tmp', 'build/out.bin']) await utimes(join(tree, f), past, past);
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

  it('re-putting an unchanged tree makes no commit when the files cache cannot vouch for it (fresh cache, touched files, --no-cache); the files are read', async () => {
    ok(await cli.main(['repo', 'create', 'same']));
    const tree = join(tmp.path, 'same-tree');
    await mkdir(join(tree, 'd'), { recursive: true });
    const names = ['a.txt', 'd/b.bin', 'empty', ...Array.from({ length: 40 }, (_, i) => `d/many/${i}.txt`)];
    await writeFile(join(tree, 'a.txt'), 'alpha');
    await writeFile(join(tree, 'd', 'b.bin'), Buffer.alloc(300_000, 7)); // several chunks
    await writeFile(join(tree, 'empty'), '');
    await mkdir(join(tree, 'd', 'many'));
    for (let i = 0; i < 40; i++) await writeFile(join(tree, 'd', 'many', `${i}.txt`), `file ${i}\n`);
    const past = new Date(Date.now() - 60_000);
    for (const f of names) await utimes(join(tree, f), past, past);
    ok(await cli.run(['put', '-r', 'same@main:/t', tree]));
    const [first] = await log('same@main');
    type PutDoc = { committed: boolean; commit: { id: string }; stats: { files: number; sentBytes: number; skippedFiles: number } };
    const put = async (...flags: string[]): Promise<PutDoc> => JSON.parse(ok(await cli.main(['put', '-r', '--json', ...flags, 'same@main:/t', tree])).out) as PutDoc;

    // A fresh files cache (another clone of the CLI cache, say): every file read, nothing sent, no commit.
    cli.env.STRATA_CACHE_DIR = join(tmp.path, 'fresh-cache-1');
    expect(await put()).toMatchObject({ committed: false, commit: { id: first!.id }, stats: { files: names.length, sentBytes: 0, skippedFiles: 0 } });
    // The cache now vouches for them: nothing read.
    expect(await put()).toMatchObject({ committed: false, commit: { id: first!.id }, stats: { files: 0, skippedFiles: names.length } });
    // Touched files (same bytes, new mtime) are read again, and still make no commit; so does --no-cache.
    for (const f of names) await utimes(join(tree, f), new Date(Date.now() - 30_000), new Date(Date.now() - 30_000));
    expect(await put()).toMatchObject({ committed: false, commit: { id: first!.id }, stats: { files: names.length, sentBytes: 0, skippedFiles: 0 } });
    expect(await put('--no-cache')).toMatchObject({ committed: false, commit: { id: first!.id }, stats: { files: names.length, skippedFiles: 0 } });
    const human = ok(await cli.main(['put', '-r', '--no-cache', 'same@main:/t', tree])).out;
    expect(human).toMatch(new RegExp(`^no change to same@main:/t \\(read ${names.length} files, [^;]+, the same as the head's\\): no new commit, the head is same@${first!.id}\n$`));
    const skippedAll = ok(await cli.main(['put', '-r', 'same@main:/t', tree])).out; // the cache vouches for every file now
    expect(skippedAll).toBe(`no change to same@main:/t (${names.length} unchanged files skipped): no new commit, the head is same@${first!.id}\n`);
    expect(await log('same@main')).toHaveLength(1);

    // Same size, other content, in a fresh cache: that file alone changes, in one new commit.
    cli.env.STRATA_CACHE_DIR = join(tmp.path, 'fresh-cache-2');
    await writeFile(join(tree, 'a.txt'), 'ALPHA');
    expect(await put()).toMatchObject({ committed: true, stats: { files: names.length } });
    expect(await log('same@main')).toHaveLength(2);
    expect(ok(await cli.main(['diff', 'same@main'])).out).toBe('~ /t/a.txt  (5 B -> 5 B)\n');
    // A file the head lacks (or a deletion with --delete) is a change too.
    await writeFile(join(tree, 'new.txt'), 'new');
    expect(await put('--no-cache')).toMatchObject({ committed: true });
    await rm(join(tree, 'new.txt'));
    expect(await put('--no-cache', '--delete')).toMatchObject({ committed: true });
    expect(await log('same@main')).toHaveLength(4);
    expect(await put('--no-cache', '--delete')).toMatchObject({ committed: false });
    expect(await log('same@main')).toHaveLength(4);
    cli.env.STRATA_CACHE_DIR = join(tmp.path, 'cache');
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

describe('commit-id prefixes', () => {
  it('7 or more hex digits of an id name that commit wherever a commit is read', async () => {
    ok(await cli.main(['repo', 'create', 'pfx']));
    const local = join(tmp.path, 'p.txt');
    await writeFile(local, 'one\n');
    ok(await cli.main(['put', 'pfx@main:/p.txt', local]));
    await writeFile(local, 'two\n');
    ok(await cli.main(['put', 'pfx@main:/p.txt', local]));
    const [newest, oldest] = await log('pfx@main');
    const short = oldest!.id.slice(0, 7);
    expect(JSON.parse(ok(await cli.run(['commit', 'inspect', `pfx@${short}`, '--json'])).out).id).toBe(oldest!.id);
    expect(ok(await cli.main(['get', `pfx@${short}:/p.txt`])).out).toBe('one\n');
    expect(ok(await cli.main(['get', `pfx@${newest!.id.slice(0, 12).toUpperCase()}^:/p.txt`])).out).toBe('one\n');
    expect((await log(`pfx@${newest!.id.slice(0, 9)}`)).map((c) => c.id)).toEqual([newest!.id, oldest!.id]);
    expect(ok(await cli.main(['diff', `pfx@${newest!.id.slice(0, 7)}`, `pfx@${short}`])).out).toBe('~ /p.txt  (4 B -> 4 B)\n');
    const none = await cli.main(['log', 'pfx@fffffff0']);
    expect(none.code).toBe(4);
    expect(none.stderr).toBe('strata: branch or tag "fffffff0" not found in repo "pfx" and no commit id starts with "fffffff0"\n');
    // A branch of that name wins over the prefix.
    ok(await cli.main(['branch', 'create', `pfx@${short}`, '--from', `pfx@${newest!.id}`]));
    expect(JSON.parse(ok(await cli.main(['commit', 'inspect', `pfx@${short}`, '--json'])).out).id).toBe(newest!.id);
  });
});

describe('inspect and diff -- PATH', () => {
  it('inspect shows size, hash and the commit that last changed the file', async () => {
    ok(await cli.main(['repo', 'create', 'insp']));
    const a = join(tmp.path, 'ia.txt');
    const b = join(tmp.path, 'ib.txt');
    await writeFile(a, 'alpha\n');
    await writeFile(b, 'beta\n');
    ok(await cli.main(['put', '-m', 'add a', 'insp@main:/a.txt', a]));
    ok(await cli.main(['put', '-m', 'add b', 'insp@main:/dir/b.txt', b]));
    ok(await cli.main(['put', '-m', 'touch b', 'insp@main:/dir/b.txt', a]));
    const [touch, addB, addA] = await log('insp@main');
    const doc = JSON.parse(ok(await cli.run(['inspect', 'insp@main:/a.txt', '--json'])).out) as Record<string, any>;
    expect(doc).toMatchObject({ path: '/a.txt', type: 'file', sizeBytes: 6, commit: touch!.id, lastChanged: { id: addA!.id, description: 'add a' } });
    expect(doc.hash).toMatch(/^[0-9a-f]{64}$/);
    const human = ok(await cli.main(['inspect', 'insp@main:/dir/b.txt'])).out;
    expect(human).toMatch(new RegExp(`^last changed: insp@${touch!.id} \\(.*: touch b\\)$`, 'm'));
    expect(human).toMatch(/^size: +6 B \(6 bytes\)$/m);
    const older = JSON.parse(ok(await cli.main(['inspect', 'insp@main^:/dir/b.txt', '--json'])).out) as Record<string, any>;
    expect(older.lastChanged.id).toBe(addB!.id);
    const missing = await cli.main(['inspect', 'insp@main:/nope']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^strata: insp@[0-9a-f]{32}:\/nope: no such file or directory\n$/);
  });

  it('diff NEW OLD -- PATH limits the diff to those paths', async () => {
    const all = ok(await cli.main(['diff', 'insp@main', 'insp@main.1'])).out;
    expect(all).toBe('+ /dir/b.txt  (6 B)\n');
    expect(ok(await cli.run(['diff', 'insp@main', 'insp@main.1', '--', '/dir'])).out).toBe('+ /dir/b.txt  (6 B)\n');
    expect(ok(await cli.main(['diff', 'insp@main', 'insp@main.1', '--', '/a.txt'])).out).toBe('no changes\n');
    expect(ok(await cli.main(['diff', 'insp@main', '--', '/dir/b.txt'])).out).toBe('~ /dir/b.txt  (5 B -> 6 B)\n');
    expect(ok(await cli.main(['diff', 'insp@main', '--', '/di'])).out).toBe('no changes\n');
    const bad = await cli.main(['diff', 'insp@main', 'insp@main^', '/dir']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('strata: unexpected "/dir": put paths after --, as in strata diff NEW OLD -- /path\n');
  });
});
