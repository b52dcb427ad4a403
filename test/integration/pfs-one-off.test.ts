// One-off commits: staged in memory, spilled past a bound (puts to sorted
// scratch runs, deletes to the metadata store), landed atomically and rebased
// when the branch moved meanwhile.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCommitId } from '../../src/ids.ts';
import { OneOffStage } from '../../src/pfs/one-off-stage.ts';
import { streamOf } from '../helpers/bytes.ts';
import { all, branch, createTestPfs, get, path, put, ref, repo, type TestPfs } from '../helpers/pfs.ts';

let t: TestPfs & { remove(): Promise<void> };
beforeAll(async () => {
  t = await createTestPfs();
});
afterAll(async () => t.remove());

const file = (n: number) => ({ size: n, hash: 'ab'.repeat(32), chunks: [] });

describe('one-off staging', () => {
  it('spills past its memory bound and still yields every change once, in path order, latest write winning', async () => {
    const stage = new OneOffStage(t.pfs.context, repo('spill'), newCommitId(), 3);
    for (const p of ['/b/1', '/a/2', '/c', '/a/1', '/b/2']) await stage.put(path(p), file(1)); // spills at 3
    await stage.put(path('/a/1'), file(2)); // overrides a spilled put
    await stage.delete(path('/b'), true); // spills the rest, then deletes the directory
    await stage.put(path('/b/3'), file(3));
    await stage.put(path('/a.txt'), file(4));
    const changes = await all(stage.changes(() => undefined));
    expect(changes.map((c) => (c.op === 'put' ? `put ${c.entry.path} ${c.entry.size}` : `${c.op} ${c.path}`))).toEqual([
      'put /a/1 2',
      'put /a/2 1',
      'put /a.txt 4',
      'deleteDir /b',
      'put /b/3 3',
      'put /c 1',
    ]);
    expect(await stage.lookup(path('/b/1'))).toBeUndefined();
    await stage.discard();
    expect(await all(t.pfs.context.meta.scan({ prefix: `stage/spill/${stage.id}` }))).toEqual([]);
  });
  it('spills puts to sorted scratch runs, not the metadata store, and merges them newest first', async () => {
    const stage = new OneOffStage(t.pfs.context, repo('runs'), newCommitId(), 2);
    for (const [p, n] of [['/d/2', 1], ['/a', 1], ['/d/1', 1], ['/a', 2], ['/b', 1], ['/d/1', 3], ['/c', 1]] as const) await stage.put(path(p), file(n));
    await stage.put(path('/b'), file(4)); // a newer run over an older one
    await stage.put(path('/e'), { ...file(5), attrs: { 'content-type': 'text/plain' } });
    await stage.put(path('/f'), file(6));
    await stage.put(path('/g'), file(7)); // stays in memory
    expect(await all(t.pfs.context.meta.scan({ prefix: 'stage/' }))).toEqual([]);
    expect(await stage.lookup(path('/d/1'))).toMatchObject({ size: 3 });
    expect(await stage.lookup(path('/a'))).toMatchObject({ size: 2 });
    expect(await stage.lookup(path('/zz'))).toBeUndefined();
    const changes = await all(stage.changes(() => undefined));
    expect(changes.map((c) => (c.op === 'put' ? `${c.entry.path} ${c.entry.size}` : c.op))).toEqual(['/a 2', '/b 4', '/c 1', '/d/1 3', '/d/2 1', '/e 5', '/f 6', '/g 7']);
    expect(changes.find((c) => c.op === 'put' && c.entry.path === '/e')).toMatchObject({ entry: { attrs: { 'content-type': 'text/plain' } } });
    const scratch = join(t.dir, 'chunk-index');
    expect((await readdir(scratch)).some((f) => f.startsWith('stage-'))).toBe(true);
    await stage.discard();
    expect((await readdir(scratch)).some((f) => f.startsWith('stage-'))).toBe(false);
  });
});

describe('one-off commits', () => {
  it('are invisible until they land, then appear whole', async () => {
    await t.pfs.createRepo(repo('atomic'));
    await put(t.pfs, 'atomic@main:/base', 'base');
    const w = await t.pfs.openWriter(repo('atomic'), { branch: branch('main') });
    await w.put(path('/one'), streamOf(Buffer.from('1')));
    await w.put(path('/two'), streamOf(Buffer.from('2')));
    expect((await all(t.pfs.walkFiles(ref('atomic@main'), path('/')))).map((f) => f.path)).toEqual(['/base']);
    const c = await w.close();
    expect(c).toMatchObject({ state: 'finished', fileCount: 3, origin: 'auto' });
    expect((await all(t.pfs.walkFiles(ref('atomic@main'), path('/')))).map((f) => f.path)).toEqual(['/base', '/one', '/two']);
  });

  it('rebase over a moved head, but refuse an append whose file another commit changed', async () => {
    await t.pfs.createRepo(repo('appendrace'));
    await put(t.pfs, 'appendrace@main:/log', 'a');
    const slow = await t.pfs.openWriter(repo('appendrace'), { branch: branch('main') });
    await slow.put(path('/log'), streamOf(Buffer.from('b')), { append: true });
    const other = await t.pfs.openWriter(repo('appendrace'), { branch: branch('main') });
    await other.put(path('/other'), streamOf(Buffer.from('x')));
    await other.close(); // moves the head; /log untouched: the slow append still lands
    await slow.close();
    expect(await get(t.pfs, 'appendrace@main:/log')).toBe('ab');
    expect(await get(t.pfs, 'appendrace@main:/other')).toBe('x');

    const late = await t.pfs.openWriter(repo('appendrace'), { branch: branch('main') });
    await late.put(path('/log'), streamOf(Buffer.from('c')), { append: true });
    await put(t.pfs, 'appendrace@main:/log', 'replaced');
    await expect(late.close()).rejects.toMatchObject({ code: 'CONCURRENT_UPDATE', message: expect.stringContaining('/log') });
    expect(await get(t.pfs, 'appendrace@main:/log')).toBe('replaced');
  });

  it('queued on one branch land in one group: each its own commit, chained in arrival order; a guarded writer lands on its own', async () => {
    await t.pfs.createRepo(repo('group'));
    await put(t.pfs, 'group@main:/base', 'base');
    const writers = [];
    for (let i = 0; i < 12; i++) {
      const w = await t.pfs.openWriter(repo('group'), { branch: branch('main') }, i === 6 ? { guard: async () => undefined } : {});
      await w.put(path(`/f${i}`), streamOf(Buffer.from(`file ${i}`)));
      writers.push(w);
    }
    const grouped = t.pfs.context.oneOff.grouped;
    // All close at once: the first lands the others queued behind it (not the guarded one) in its batch.
    const landed = await Promise.all(writers.map((w) => w.close()));
    expect(t.pfs.context.oneOff.grouped - grouped).toBe(10);
    const order = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 6].map((i) => landed[i]!);
    const log = await all(t.pfs.log(ref('group@main')));
    expect(log.map((c) => c.id)).toEqual([...order.map((c) => c.id).reverse(), log.at(-1)!.id]);
    for (const [k, c] of order.entries()) {
      expect(c).toMatchObject({ state: 'finished', origin: 'auto', fileCount: k + 2, parent: k === 0 ? log.at(-1)!.id : order[k - 1]!.id });
      // As it landed: the next commit of its group is its child.
      expect(c.children).toEqual(k < 10 ? [order[k + 1]!.id] : []);
      expect(await t.pfs.inspectCommit(ref(`group@${c.id}`))).toMatchObject({ id: c.id, fileCount: k + 2 });
    }
    for (let i = 0; i < 12; i++) expect(await get(t.pfs, `group@main:/f${i}`)).toBe(`file ${i}`);
  });

  it('in a group, an append whose file a commit ahead of it changed is refused, and the others land', async () => {
    await t.pfs.createRepo(repo('groupappend'));
    await put(t.pfs, 'groupappend@main:/log', 'a');
    const append = await t.pfs.openWriter(repo('groupappend'), { branch: branch('main') });
    await append.put(path('/log'), streamOf(Buffer.from('b')), { append: true });
    const replace = await t.pfs.openWriter(repo('groupappend'), { branch: branch('main') });
    await replace.put(path('/log'), streamOf(Buffer.from('replaced')));
    const other = await t.pfs.openWriter(repo('groupappend'), { branch: branch('main') });
    await other.put(path('/other'), streamOf(Buffer.from('x')));
    const [r, a, o] = await Promise.allSettled([replace.close(), append.close(), other.close()]);
    expect(r.status).toBe('fulfilled');
    expect(o.status).toBe('fulfilled');
    expect(a).toMatchObject({ status: 'rejected', reason: { code: 'CONCURRENT_UPDATE', message: expect.stringContaining('/log') } });
    expect(await get(t.pfs, 'groupappend@main:/log')).toBe('replaced');
    expect(await get(t.pfs, 'groupappend@main:/other')).toBe('x');
  });
});
