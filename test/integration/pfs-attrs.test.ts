// File attributes through the core, on LevelDB and local chunks: set by a
// one-off write and by a write staged into an open commit that survives a
// restart, kept by copy and append unless replaced, versioned with the
// commit, and a change of attributes alone is a change in the diff.
import { afterEach, describe, expect, it } from 'vitest';
import { streamOf } from '../helpers/bytes.ts';
import { all, branch, createTestPfs, path, ref, repo, type TestPfs } from '../helpers/pfs.ts';

describe('file attributes in the core', () => {
  let t: (TestPfs & { remove(): Promise<void> }) | undefined;
  afterEach(async () => t?.remove());

  it('are stored, versioned, copied, kept on append and diffed', async () => {
    t = await createTestPfs();
    const { pfs } = t;
    await pfs.createRepo(repo('m'));
    const main = { branch: branch('main') };
    let w = await pfs.openWriter(repo('m'), main);
    await w.put(path('/a.csv'), streamOf(Buffer.from('a,b\n')), { attrs: { 'content-type': 'text/csv', 'x-amz-meta-owner': 'ana' } });
    await w.put(path('/plain.bin'), streamOf(Buffer.from('x')));
    const first = await w.close();
    expect((await pfs.inspectFile(ref('m@main'), path('/a.csv'))).attrs).toEqual({ 'content-type': 'text/csv', 'x-amz-meta-owner': 'ana' });
    expect((await pfs.inspectFile(ref('m@main'), path('/plain.bin'))).attrs).toBeUndefined();

    // Same bytes, other attributes: a modification; the old commit keeps the old ones.
    w = await pfs.openWriter(repo('m'), main);
    await w.put(path('/a.csv'), streamOf(Buffer.from('a,b\n')), { attrs: { 'content-type': 'text/plain' } });
    await w.close();
    expect((await all(pfs.diff(ref('m@main')))).map((d) => [d.type, d.path])).toEqual([['modified', '/a.csv']]);
    expect((await pfs.inspectFile(ref(`m@${first.id}`), path('/a.csv'))).attrs).toEqual({ 'content-type': 'text/csv', 'x-amz-meta-owner': 'ana' });

    // Staged into an open commit, across a restart; copy keeps or replaces; append keeps.
    await pfs.startCommit(repo('m'), branch('main'));
    w = await pfs.openWriter(repo('m'), main);
    await w.copy(ref('m@main'), path('/a.csv'), path('/kept.csv'));
    await w.copy(ref('m@main'), path('/a.csv'), path('/replaced.csv'), { attrs: { 'content-type': 'application/json' } });
    await w.put(path('/a.csv'), streamOf(Buffer.from('c,d\n')), { append: true });
    await w.close();
    const again = await t.reopen();
    const removeDir = t.remove;
    t = { ...again, remove: async () => (await again.close(), await removeDir()) };
    await again.pfs.finishCommit(ref('m@main'));
    const attrsOf = async (p: string) => (await again.pfs.inspectFile(ref('m@main'), path(p))).attrs;
    expect(await attrsOf('/kept.csv')).toEqual({ 'content-type': 'text/plain' });
    expect(await attrsOf('/replaced.csv')).toEqual({ 'content-type': 'application/json' });
    expect(await attrsOf('/a.csv')).toEqual({ 'content-type': 'text/plain' });
    expect((await all(again.pfs.listFiles(ref('m@main'), path('/')))).find((f) => f.path === '/kept.csv')?.attrs).toEqual({ 'content-type': 'text/plain' });
  });
});
