// Repos, branches, commits and files through the public functions of
// src/pfs, on LevelDB and a local chunk store on disk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamOf } from '../helpers/bytes.ts';
import { all, branch, createTestPfs, get, path, put, ref, repo, type TestPfs } from '../helpers/pfs.ts';

let t: TestPfs & { remove(): Promise<void> };
beforeAll(async () => {
  t = await createTestPfs();
});
afterAll(async () => t.remove());

describe('repos', () => {
  it('creates, inspects, lists and deletes', async () => {
    await t.pfs.createRepo(repo('images'), { description: 'cat pictures' });
    await expect(t.pfs.createRepo(repo('images'))).rejects.toMatchObject({ code: 'REPO_EXISTS', message: expect.stringContaining('images') });
    await put(t.pfs, 'images@main:/cats/1.png', 'meow');
    const info = await t.pfs.inspectRepo(repo('images'));
    expect(info).toMatchObject({ name: 'images', description: 'cat pictures', branches: ['main'], size: 4 });
    expect((await t.pfs.listRepos()).map((r) => r.name)).toContain('images');
    await t.pfs.createRepo(repo('scratch'));
    await t.pfs.deleteRepo(repo('scratch'));
    await expect(t.pfs.inspectRepo(repo('scratch'))).rejects.toMatchObject({ code: 'REPO_NOT_FOUND', kind: 'NotFound' });
  });

  it('refuses to delete a repo others depend on, unless forced', async () => {
    await t.pfs.createRepo(repo('upstream'));
    await t.pfs.createRepo(repo('downstream'));
    await t.pfs.createBranch(repo('downstream'), branch('main'), { provenance: [{ repo: repo('upstream'), branch: branch('main') }] }).catch(async () => {
      await put(t.pfs, 'upstream@main:/x', 'x');
      await t.pfs.createBranch(repo('downstream'), branch('main'), { provenance: [{ repo: repo('upstream'), branch: branch('main') }] });
    });
    await expect(t.pfs.deleteRepo(repo('upstream'))).rejects.toMatchObject({ code: 'REPO_HAS_DEPENDENTS', message: expect.stringContaining('downstream@main') });
    await t.pfs.deleteRepo(repo('upstream'), { force: true });
  });
});

describe('commits and files', () => {
  it('a write to a finished head makes a one-off commit; log is newest first; ^ and .N address history', async () => {
    await t.pfs.createRepo(repo('hist'));
    for (const n of [1, 2, 3]) await put(t.pfs, `hist@main:/v.txt`, `version ${n}`);
    const log = await all(t.pfs.log(ref('hist@main')));
    expect(log).toHaveLength(3);
    expect(log[0]!.parent).toBe(log[1]!.id);
    expect(log.every((c) => c.state === 'finished' && /^[0-9a-f]{32}$/.test(c.id))).toBe(true);
    expect(await get(t.pfs, 'hist@main:/v.txt')).toBe('version 3');
    expect(await get(t.pfs, 'hist@main^:/v.txt')).toBe('version 2');
    expect(await get(t.pfs, 'hist@main^2:/v.txt')).toBe('version 1');
    expect(await get(t.pfs, 'hist@main.1:/v.txt')).toBe('version 1');
    expect(await get(t.pfs, `hist@${log[1]!.id}:/v.txt`)).toBe('version 2');
    await expect(get(t.pfs, 'hist@main^3:/v.txt')).rejects.toMatchObject({ code: 'COMMIT_NOT_FOUND', message: expect.stringContaining('hist@main^3') });
    expect(await all(t.pfs.log(ref('hist@main'), { limit: 2 }))).toHaveLength(2);
  });

  it('stages many writes into one explicit commit, refuses writes once finished', async () => {
    await t.pfs.createRepo(repo('batch'));
    const c = await t.pfs.startCommit(repo('batch'), branch('main'), { description: 'first load' });
    const w = await t.pfs.openWriter(repo('batch'), { commit: c.id });
    await w.put(path('/a.txt'), streamOf(Buffer.from('A')));
    await w.put(path('/dir/b.txt'), streamOf(Buffer.from('B')));
    await w.put(path('/a.txt'), streamOf(Buffer.from('!')), { append: true });
    expect((await w.close()).state).toBe('open'); // closing a writer stages; it does not finish an explicit commit
    expect(await get(t.pfs, 'batch@main:/a.txt')).toBe('A!'); // an open commit shows what was staged
    const second = await t.pfs.openWriter(repo('batch'), { commit: c.id });
    await second.put(path('/a.txt'), streamOf(Buffer.from('?')), { append: true });
    await second.close();
    await expect(t.pfs.startCommit(repo('batch'), branch('main'))).rejects.toMatchObject({ code: 'COMMIT_OPEN' });
    const done = await t.pfs.finishCommit(ref(`batch@${c.id}`));
    expect(done).toMatchObject({ state: 'finished', fileCount: 2, size: 4, description: 'first load' });
    await expect(t.pfs.openWriter(repo('batch'), { commit: c.id })).rejects.toMatchObject({ code: 'COMMIT_FINISHED', message: expect.stringContaining(c.id) });
    await expect(t.pfs.finishCommit(ref(`batch@${c.id}`))).rejects.toMatchObject({ code: 'COMMIT_FINISHED' });
    expect(await get(t.pfs, 'batch@main:/a.txt')).toBe('A!?');
  });

  it('refuses a commit that would make a path both a file and a directory, changing nothing', async () => {
    await t.pfs.createRepo(repo('clash'));
    await put(t.pfs, 'clash@main:/a', 'file');
    const head = (await t.pfs.inspectCommit(ref('clash@main'))).id;
    await expect(put(t.pfs, 'clash@main:/a/b', 'under a file')).rejects.toMatchObject({ code: 'PATH_IS_FILE', message: expect.stringMatching(/"\/a\/b".*"\/a" is a file/) });
    await put(t.pfs, 'clash@main:/d/x', 'x');
    await expect(put(t.pfs, 'clash@main:/d', 'over a directory')).rejects.toMatchObject({ code: 'PATH_IS_FILE' });
    expect((await all(t.pfs.log(ref('clash@main')))).length).toBe(2);
    expect((await t.pfs.inspectCommit(ref('clash@main^'))).id).toBe(head);
  });

  it('reads with offset and length', async () => {
    await t.pfs.createRepo(repo('ranges'));
    await put(t.pfs, 'ranges@main:/f', '0123456789');
    expect(await get(t.pfs, 'ranges@main:/f', { offset: 3, length: 4 })).toBe('3456');
    expect(await get(t.pfs, 'ranges@main:/f', { offset: 8 })).toBe('89');
    expect(await get(t.pfs, 'ranges@main:/f', { offset: 20 })).toBe('');
  });

  it('lists directories (implicit), walks and globs', async () => {
    await t.pfs.createRepo(repo('tree'));
    const w = await t.pfs.openWriter(repo('tree'), { branch: branch('main') });
    for (const p of ['/a/1.csv', '/a/2.csv', '/a/sub/3.csv', '/b/4.txt', '/top.txt']) await w.put(path(p), streamOf(Buffer.from(p)));
    await w.close();
    const root = await all(t.pfs.listFiles(ref('tree@main'), path('/')));
    expect(root.map((f) => [f.path, f.type])).toEqual([['/a', 'dir'], ['/b', 'dir'], ['/top.txt', 'file']]);
    const a = await all(t.pfs.listFiles(ref('tree@main'), path('/a')));
    expect(a.map((f) => f.path)).toEqual(['/a/1.csv', '/a/2.csv', '/a/sub']);
    expect((await all(t.pfs.walkFiles(ref('tree@main'), path('/a')))).map((f) => f.path)).toEqual(['/a/1.csv', '/a/2.csv', '/a/sub/3.csv']);
    expect((await all(t.pfs.globFiles(ref('tree@main'), '/a/*.csv'))).map((f) => f.path)).toEqual(['/a/1.csv', '/a/2.csv']);
    expect((await all(t.pfs.globFiles(ref('tree@main'), '/**/*.{csv,txt}'))).length).toBe(5);
    await expect(all(t.pfs.listFiles(ref('tree@main'), path('/nope')))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringContaining('/nope') });
    await expect(get(t.pfs, 'tree@main:/a')).rejects.toMatchObject({ code: 'PATH_IS_DIRECTORY' });
  });

  it('deletes files and directories; deleting nothing is an error that changes nothing', async () => {
    await t.pfs.createRepo(repo('del'));
    const w = await t.pfs.openWriter(repo('del'), { branch: branch('main') });
    for (const p of ['/keep.txt', '/d/x', '/d/y', '/d2/z']) await w.put(path(p), streamOf(Buffer.from('.')));
    await w.close();
    const before = (await t.pfs.inspectCommit(ref('del@main'))).id;
    const w2 = await t.pfs.openWriter(repo('del'), { branch: branch('main') });
    await w2.delete(path('/d'), { dir: true });
    await w2.delete(path('/d2/z'));
    await w2.close();
    expect((await all(t.pfs.walkFiles(ref('del@main'), path('/')))).map((f) => f.path)).toEqual(['/keep.txt']);
    const w3 = await t.pfs.openWriter(repo('del'), { branch: branch('main') });
    await expect(w3.delete(path('/missing'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringContaining('/missing') });
    await w3.abort();
    expect((await t.pfs.inspectCommit(ref('del@main^'))).id).toBe(before);
  });

  it('copies by reference, across repos, without storing bytes again', async () => {
    await t.pfs.createRepo(repo('src'));
    await t.pfs.createRepo(repo('dst'));
    await put(t.pfs, 'src@main:/data/big.bin', Buffer.alloc(300_000, 7));
    const chunksBefore = t.pfs.context.chunks.stats().chunks;
    const w = await t.pfs.openWriter(repo('dst'), { branch: branch('main') });
    await w.copy(ref('src@main'), path('/data'), path('/copied'));
    await w.close();
    expect(await get(t.pfs, 'dst@main:/copied/big.bin')).toBe(Buffer.alloc(300_000, 7).toString());
    // only the new index objects were stored, no file chunks
    expect(t.pfs.context.chunks.stats().chunks - chunksBefore).toBeLessThanOrEqual(2);
  });

  it('diffs two commits: added, deleted, modified with sizes and hashes', async () => {
    await t.pfs.createRepo(repo('diffy'));
    const w = await t.pfs.openWriter(repo('diffy'), { branch: branch('main') });
    for (const p of ['/same', '/changed', '/gone']) await w.put(path(p), streamOf(Buffer.from(p)));
    await w.close();
    const w2 = await t.pfs.openWriter(repo('diffy'), { branch: branch('main') });
    await w2.put(path('/changed'), streamOf(Buffer.from('different')));
    await w2.delete(path('/gone'));
    await w2.put(path('/new'), streamOf(Buffer.from('n')));
    await w2.close();
    const d = await all(t.pfs.diff(ref('diffy@main'), ref('diffy@main^')));
    expect(d.map((x) => [x.type, x.path])).toEqual([['modified', '/changed'], ['deleted', '/gone'], ['added', '/new']]);
    expect(d[0]).toMatchObject({ newSize: 9, oldSize: 8 });
    expect(d[0]!.newHash).not.toBe(d[0]!.oldHash);
  });

  it('racing one-off writers on one branch never lose an update', async () => {
    await t.pfs.createRepo(repo('race'));
    await Promise.all(Array.from({ length: 12 }, (_, i) => put(t.pfs, `race@main:/f${i}`, `${i}`)));
    const files = await all(t.pfs.walkFiles(ref('race@main'), path('/')));
    expect(files).toHaveLength(12);
    expect(await all(t.pfs.log(ref('race@main')))).toHaveLength(12);
  });

  it('waits for a commit and streams new commits to subscribers', async () => {
    await t.pfs.createRepo(repo('events'));
    const c = await t.pfs.startCommit(repo('events'), branch('main'));
    const ac = new AbortController();
    const seen: string[] = [];
    const sub = (async () => {
      for await (const x of t.pfs.subscribe(repo('events'), branch('main'), ac.signal)) {
        seen.push(x.id);
        if (seen.length === 2) ac.abort();
      }
    })();
    const waited = t.pfs.waitCommit(ref(`events@${c.id}`));
    await t.pfs.finishCommit(ref(`events@${c.id}`));
    expect((await waited).state).toBe('finished');
    await put(t.pfs, 'events@main:/x', 'x');
    await sub;
    expect(seen[0]).toBe(c.id);
  });

  it('squashes a commit into its children and drops a head', async () => {
    await t.pfs.createRepo(repo('hist2'));
    for (const n of [1, 2, 3]) await put(t.pfs, `hist2@main:/f${n}`, `${n}`);
    const [c3, c2, c1] = await all(t.pfs.log(ref('hist2@main')));
    await expect(t.pfs.dropCommit(ref(`hist2@${c2!.id}`))).rejects.toMatchObject({ code: 'COMMIT_HAS_CHILDREN' });
    await t.pfs.squashCommit(ref(`hist2@${c2!.id}`));
    const after = await all(t.pfs.log(ref('hist2@main')));
    expect(after.map((c) => c.id)).toEqual([c3!.id, c1!.id]);
    expect(await get(t.pfs, 'hist2@main:/f2')).toBe('2'); // snapshots keep every file
    await t.pfs.dropCommit(ref('hist2@main'));
    expect((await t.pfs.inspectBranch(repo('hist2'), branch('main'))).head).toBe(c1!.id);
    await expect(t.pfs.inspectCommit(ref(`hist2@${c3!.id}`))).rejects.toMatchObject({ code: 'COMMIT_NOT_FOUND' });
  });

  it('records provenance and walks it both ways', async () => {
    await t.pfs.createRepo(repo('raw'));
    await t.pfs.createRepo(repo('derived'));
    await put(t.pfs, 'raw@main:/in', 'in');
    const input = await t.pfs.inspectCommit(ref('raw@main'));
    const c = await t.pfs.startCommit(repo('derived'), branch('main'), { provenance: [{ repo: repo('raw'), commit: input.id }] });
    await t.pfs.finishCommit(ref(`derived@${c.id}`));
    expect((await t.pfs.inspectCommit(ref('derived@main'))).provenance).toEqual([{ repo: 'raw', commit: input.id }]);
    expect(await t.pfs.subvenance(ref('raw@main'))).toEqual([{ repo: 'derived', commit: c.id }]);
  });

  it('branches: create from a ref, list, delete; errors name the problem', async () => {
    await t.pfs.createRepo(repo('br'));
    await put(t.pfs, 'br@main:/f', '1');
    await t.pfs.createBranch(repo('br'), branch('dev'), { from: ref('br@main') });
    await expect(t.pfs.createBranch(repo('br'), branch('dev'))).rejects.toMatchObject({ code: 'BRANCH_EXISTS' });
    expect((await t.pfs.listBranches(repo('br'))).map((b) => b.name).sort()).toEqual(['dev', 'main']);
    await put(t.pfs, 'br@dev:/g', '2');
    expect(await all(t.pfs.walkFiles(ref('br@main'), path('/')))).toHaveLength(1);
    await t.pfs.deleteBranch(repo('br'), branch('dev'));
    await expect(get(t.pfs, 'br@dev:/f')).rejects.toMatchObject({ code: 'BRANCH_NOT_FOUND', message: expect.stringContaining('dev') });
    await expect(get(t.pfs, 'nope@main:/f')).rejects.toMatchObject({ code: 'REPO_NOT_FOUND' });
  });
});
