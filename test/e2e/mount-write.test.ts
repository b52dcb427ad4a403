// `strata mount --write` end to end: changes made with ordinary tools
// (writes, appends, positioned writes, truncates, creates, renames of files
// and directories, deletes, mkdir, rm -r) are staged locally and become ONE
// commit at `strata mount --flush`, with exactly the expected diff; at
// SIGTERM the mount flushes and then unmounts; --flush-interval commits on
// its own; a kill -9 commits nothing half-made, loses only unflushed
// changes, and the next mount of the same directory recovers the stale one.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type StrataClient } from '../../client/sdk/index.ts';
import { createCli, type Cli } from '../helpers/cli.ts';
import { forceUnmount, fuseSupport, isMounted, sh, startMount, type MountProcess } from '../helpers/mount.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const fuse = await fuseSupport();

describe.skipIf(!fuse.ok)('strata mount --write', () => {
  let server: TestServer;
  let client: StrataClient;
  let tmp: TempDir;
  let cli: Cli;
  let env: NodeJS.ProcessEnv;
  const mounts: [MountProcess | undefined, string][] = [];
  const base: Record<string, string> = {
    '/keep.txt': 'keep\n',
    '/edit.txt': 'edit\n',
    '/gone.txt': 'gone\n',
    '/old-name.txt': 'renamed\n',
    '/poke.bin': 'abcdefghij',
    '/trunc.txt': 'truncate me please\n',
    '/dir/a.txt': 'a\n',
    '/dir/b.txt': 'b\n',
    '/dir/sub/c.txt': 'c\n',
    '/rmdir/x.txt': 'x\n',
  };

  beforeAll(async () => {
    [server, tmp] = await Promise.all([startServer(), createTempDir('strata-mount-write')]);
    client = createClient({ address: server.grpcAddress });
    cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
    env = { STRATA_RUNTIME_DIR: join(tmp.path, 'run') };
    await client.createRepo('data');
    await client.modify('data@main', async (m) => {
      for (const [path, text] of Object.entries(base)) await m.put(path, Buffer.from(text));
    });
  });

  afterAll(async () => {
    for (const [m, dir] of mounts) await forceUnmount(m, dir);
    client?.close();
    await server?.cleanup();
    await tmp?.remove();
  });

  async function mountRw(name: string, ...extra: string[]): Promise<MountProcess> {
    const dir = join(tmp.path, name);
    const m = await startMount(cli, ['--write', 'data@main', dir, '--cache-dir', join(tmp.path, 'cache'), ...extra], { env });
    mounts.push([m, dir]);
    return m;
  }

  async function commits(): Promise<string[]> {
    const ids: string[] = [];
    for await (const c of client.log('data@main')) ids.push(c.id);
    return ids;
  }

  async function text(file: string): Promise<string> {
    const parts: Buffer[] = [];
    for await (const p of client.get(file)) parts.push(p as Buffer);
    return Buffer.concat(parts).toString('utf8');
  }

  async function flush(dir: string): Promise<{ repo: string; commit: string | null }[]> {
    const r = await cli.run(['--json', 'mount', '--flush', dir], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.out).flushed;
  }

  it('stages creates, writes, renames and deletes, and flushes them as exactly one commit', async () => {
    const m = await mountRw('rw');
    const d = m.dir;
    expect(m.mounted.repos[0]!.writable).toBe(true);
    const before = await commits();

    await writeFile(join(d, 'new.txt'), 'brand new\n');
    await appendFile(join(d, 'edit.txt'), 'more\n');
    await rm(join(d, 'gone.txt'));
    await rename(join(d, 'old-name.txt'), join(d, 'new-name.txt'));
    await sh(`mv "${d}/dir" "${d}/moved" && echo B2 > "${d}/moved/b.txt" && rm "${d}/moved/sub/c.txt"`);
    await mkdir(join(d, 'made'));
    await sh(`cp "${d}/keep.txt" "${d}/made/copy.txt"`);
    await sh(`rm -r "${d}/rmdir"`);
    await sh(`truncate -s 8 "${d}/trunc.txt"`);
    await sh(`python3 -c "f = open('${d}/poke.bin', 'r+b'); f.seek(3); f.write(b'XYZ'); f.close()"`);

    // The mount shows the changes at once; the branch does not move until the flush.
    expect((await readdir(d)).sort()).toEqual(['edit.txt', 'keep.txt', 'made', 'moved', 'new-name.txt', 'new.txt', 'poke.bin', 'trunc.txt']);
    expect((await readdir(join(d, 'moved'))).sort()).toEqual(['a.txt', 'b.txt', 'sub']);
    expect(await readFile(join(d, 'moved', 'a.txt'), 'utf8')).toBe('a\n');
    expect(await readFile(join(d, 'poke.bin'), 'utf8')).toBe('abcXYZghij');
    expect((await stat(join(d, 'new.txt'))).mode & 0o777).toBe(0o644);
    expect(await commits()).toEqual(before);

    const flushed = await flush(d);
    expect(flushed).toHaveLength(1);
    const after = await commits();
    expect(after).toHaveLength(before.length + 1);
    expect(flushed[0]!.commit).toBe(after[0]);

    const diff: string[] = [];
    for await (const e of client.diff('data@main', `data@${before[0]}`)) diff.push(`${e.type} ${e.path}`);
    expect(diff.sort()).toEqual(
      [
        'added /made/copy.txt',
        'added /moved/a.txt',
        'added /moved/b.txt',
        'added /new-name.txt',
        'added /new.txt',
        'deleted /dir/a.txt',
        'deleted /dir/b.txt',
        'deleted /dir/sub/c.txt',
        'deleted /gone.txt',
        'deleted /old-name.txt',
        'deleted /rmdir/x.txt',
        'modified /edit.txt',
        'modified /poke.bin',
        'modified /trunc.txt',
      ].sort(),
    );
    expect(await text('data@main:/edit.txt')).toBe('edit\nmore\n');
    expect(await text('data@main:/moved/b.txt')).toBe('B2\n');
    expect(await text('data@main:/new-name.txt')).toBe('renamed\n');
    expect(await text('data@main:/trunc.txt')).toBe('truncate');
    expect(await text('data@main:/poke.bin')).toBe('abcXYZghij');

    // Nothing staged: no commit. The mount now stands on the new commit.
    expect(await flush(d)).toEqual([{ repo: 'data', commit: null }]);
    expect(await commits()).toHaveLength(after.length);
    expect(await readFile(join(d, 'made', 'copy.txt'), 'utf8')).toBe('keep\n');

    const r = await cli.run(['unmount', d], { env });
    expect(r.code).toBe(0);
    expect(await m.exited).toEqual({ code: 0, signal: null });
    expect(await commits()).toHaveLength(after.length);
  });

  it('mounts a branch that has no commits yet, and its first flush makes it', async () => {
    await client.createRepo('fresh');
    const dir = join(tmp.path, 'fresh');
    const m = await startMount(cli, ['--write', 'fresh@main', dir, '--cache-dir', join(tmp.path, 'cache')], { env });
    mounts.push([m, dir]);
    expect(m.mounted.repos[0]!.commit).toBeNull();
    expect(await readdir(dir)).toEqual([]);
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'first.txt'), 'first\n');
    const [flushed] = await flush(dir);
    expect(flushed!.commit).toMatch(/^[0-9a-f]{32}$/);
    expect(await text('fresh@main:/sub/first.txt')).toBe('first\n');
    m.child.kill('SIGTERM');
    expect(await m.exited).toEqual({ code: 0, signal: null });
  });

  it('ends as a local directory does after the same renames, deletes and re-creations', async () => {
    const setup = 'mkdir -p a/b/c d/e && echo 1 > a/b/c/f1 && echo 2 > a/b/f2 && echo 3 > a/f3 && echo top > top.txt && echo de > d/e/de.txt && for i in 1 2 3 4 5; do echo $i > d/n$i; done';
    const ops = [
      'mv a a2',
      'mv a2/b a2/bb',
      'echo new > a2/bb/c/new.txt',
      'mv a2/bb/c x',
      'rm -r a2/bb',
      'mkdir a2/bb',
      'echo again > a2/bb/again.txt',
      'mv top.txt a2/top-moved.txt',
      'echo over > over.txt && mv over.txt a2/f3',
      'mkdir -p deep/er/est && cp -a a2 deep/er/est/copy',
      'mv deep/er deep/er2',
      'rm deep/er2/est/copy/f3',
      'truncate -s 2 x/f1',
      "printf 'abc' >> x/new.txt",
      'mkdir e && rmdir e',
      'rm -r d/e && mkdir d/e && echo fresh > d/e/fresh.txt',
      'mv d d-renamed && rm d-renamed/n3 && echo changed > d-renamed/n4 && mv d-renamed/n5 n5-out',
    ].join(' && ');
    const local = join(tmp.path, 'local');
    const seed = join(tmp.path, 'seed');
    await mkdir(local);
    await mkdir(seed);
    await sh(`${setup} && ${ops}`, { cwd: local });
    await sh(setup, { cwd: seed });
    await client.createRepo('seq');
    await client.putDirectory('seq@main:/', seed);
    const dir = join(tmp.path, 'seq');
    const m = await startMount(cli, ['--write', 'seq@main', dir, '--cache-dir', join(tmp.path, 'cache')], { env });
    mounts.push([m, dir]);
    await sh(ops, { cwd: dir });
    await sh(`diff -r "${local}" "${dir}"`);
    expect(await flush(dir)).toEqual([{ repo: 'seq', commit: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
    await sh(`diff -r "${local}" "${dir}"`);
    await client.getTo('seq@main:/x/new.txt', join(tmp.path, 'new.txt'));
    expect(await readFile(join(tmp.path, 'new.txt'), 'utf8')).toBe('new\nabc');
    const committed: string[] = [];
    for await (const f of client.walk('seq@main:/')) committed.push(f.path);
    expect(committed.sort()).toEqual((await sh('find . -type f | cut -c2- | sort', { cwd: local })).trim().split('\n').sort());
    m.child.kill('SIGTERM');
    expect(await m.exited).toEqual({ code: 0, signal: null });
  });

  it('flushes on top of commits others made to the branch meanwhile', async () => {
    await client.createRepo('shared');
    await client.modify('shared@main', async (w) => {
      await w.put('/both-delete.txt', Buffer.from('x\n'));
      await w.put('/mine.txt', Buffer.from('old\n'));
    });
    const dir = join(tmp.path, 'shared');
    const m = await startMount(cli, ['--write', 'shared@main', dir, '--cache-dir', join(tmp.path, 'cache')], { env });
    mounts.push([m, dir]);
    await rm(join(dir, 'both-delete.txt'));
    await writeFile(join(dir, 'mine.txt'), 'new\n');
    await client.modify('shared@main', async (w) => {
      await w.delete('/both-delete.txt');
      await w.put('/theirs.txt', Buffer.from('theirs\n'));
    });
    const [flushed] = await flush(dir);
    expect(flushed!.commit).toMatch(/^[0-9a-f]{32}$/);
    const files: string[] = [];
    for await (const f of client.walk('shared@main:/')) files.push(f.path);
    expect(files.sort()).toEqual(['/mine.txt', '/theirs.txt']);
    expect(await text('shared@main:/mine.txt')).toBe('new\n');
    expect((await readdir(dir)).sort()).toEqual(['mine.txt', 'theirs.txt']);
    m.child.kill('SIGTERM');
    expect(await m.exited).toEqual({ code: 0, signal: null });
  });

  it('flushes, then unmounts, on SIGTERM', async () => {
    const m = await mountRw('term');
    const before = await commits();
    await writeFile(join(m.dir, 'at-term.txt'), 'written before SIGTERM\n');
    m.child.kill('SIGTERM');
    expect(await m.exited).toEqual({ code: 0, signal: null });
    expect(await isMounted(m.dir)).toBe(false);
    expect(await commits()).toHaveLength(before.length + 1);
    expect(await text('data@main:/at-term.txt')).toBe('written before SIGTERM\n');
  });

  it('commits on its own every --flush-interval seconds', async () => {
    const m = await mountRw('interval', '--flush-interval', '1');
    const before = await commits();
    await writeFile(join(m.dir, 'ticked.txt'), 'tick\n');
    const deadline = Date.now() + 15_000;
    while ((await commits()).length === before.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await commits()).toHaveLength(before.length + 1);
    expect(await text('data@main:/ticked.txt')).toBe('tick\n');
    m.child.kill('SIGTERM');
    expect(await m.exited).toEqual({ code: 0, signal: null });
  });

  it('after kill -9: nothing half-committed, and the same directory mounts again', async () => {
    const m = await mountRw('killed');
    const before = await commits();
    await writeFile(join(m.dir, 'never-flushed.txt'), 'lost\n');
    m.child.kill('SIGKILL');
    await m.exited;
    expect(await commits()).toEqual(before);

    // Killed in the middle of a flush: the commit is whole or absent.
    const m2 = await mountRw('killed');
    expect(m2.stderr.join('\n')).toMatch(/recovered a stale mount/);
    expect(await readdir(m2.dir)).not.toContain('never-flushed.txt');
    const payload = randomBytes(24 << 20);
    await writeFile(join(m2.dir, 'large.bin'), payload);
    await writeFile(join(m2.dir, 'small.txt'), 'small\n');
    m2.child.kill('SIGUSR1'); // flush now
    while (!m2.stderr.some((l) => l.includes('SIGUSR1: flushing'))) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    m2.child.kill('SIGKILL');
    await m2.exited;
    const after = await commits();
    if (after.length > before.length) {
      expect(after).toHaveLength(before.length + 1);
      expect(await text('data@main:/small.txt')).toBe('small\n');
      const info = await client.inspectFile('data@main:/large.bin');
      expect(info.sizeBytes).toBe(payload.length);
    } else {
      expect(after).toEqual(before);
    }
    expect((await client.fsck()).problems).toEqual([]);

    // strata unmount also clears a mount whose process is gone.
    const cleared = await cli.run(['unmount', m2.dir], { env });
    expect(cleared.code).toBe(0);
    expect(cleared.out).toMatch(/no process was serving it/);
    expect(await isMounted(m2.dir)).toBe(false);

    const m3 = await mountRw('killed');
    expect((await readdir(m3.dir)).sort()).toEqual(after.length > before.length ? expect.arrayContaining(['large.bin', 'small.txt']) : expect.not.arrayContaining(['small.txt']));
    m3.child.kill('SIGTERM');
    expect(await m3.exited).toEqual({ code: 0, signal: null });
  });
});
