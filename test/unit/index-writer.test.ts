// Writer edge cases: empty indexes, no-op changes, bad order, directory deletes.
import { describe, expect, it } from 'vitest';
import { applyChanges, buildIndex, createIndexReader, type IndexChange } from '../../src/index/index.ts';
import { collect, createMemoryStore, fileEntry, puts, sortPaths, treeEntries } from './index-helpers.ts';

describe('buildIndex', () => {
  it('gives a null root for no files', async () => {
    expect(await buildIndex(createMemoryStore(), [])).toBeNull();
  });

  it('rejects unsorted and duplicate paths with INDEX_UNSORTED', async () => {
    // The last two are in byte order, which puts '!' and '.' before '/': not path order.
    for (const paths of [['/b', '/a'], ['/a', '/a'], ['/\u{1F600}', '/\uE000'], ['/a!', '/a/b'], ['/a', '/a.txt', '/a/b']]) {
      await expect(buildIndex(createMemoryStore(), paths.map((p) => fileEntry(p)))).rejects.toMatchObject({ code: 'INDEX_UNSORTED' });
    }
  });

  it('takes an async stream', async () => {
    const store = createMemoryStore();
    const stream = (async function* () {
      yield* treeEntries(2, 3);
    })();
    const root = await buildIndex(store, stream);
    expect((await collect(createIndexReader(store).walk(root, '/'))).length).toBe(6);
  });
});

describe('applyChanges', () => {
  it('builds from a null base and empties to a null root', async () => {
    const store = createMemoryStore();
    const entries = [...treeEntries(3, 3)];
    const { root } = await applyChanges(store, null, puts(entries));
    expect(root).toBe(await buildIndex(store, entries));
    const { root: empty } = await applyChanges(store, root, [{ op: 'deleteDir', path: '/' }]);
    expect(empty).toBeNull();
    expect((await applyChanges(store, null, [])).root).toBeNull();
  });

  it('returns the base unchanged, writing nothing, when nothing changes', async () => {
    const store = createMemoryStore();
    const root = await buildIndex(store, treeEntries(10, 1000));
    store.reset();
    const noop: IndexChange[] = [
      { op: 'delete', path: '/d0003/missing' },
      { op: 'put', entry: fileEntry('/d0005/f0005') },
      { op: 'deleteDir', path: '/nowhere' },
    ];
    const { root: same, stats } = await applyChanges(store, root, noop);
    expect(same).toBe(root);
    expect(store.puts).toBe(0);
    expect(stats.rangesWritten).toBe(0);
  });

  it('applies several changes to one path in order', async () => {
    const store = createMemoryStore();
    const root = await buildIndex(store, [fileEntry('/a'), fileEntry('/b')]);
    const { root: next } = await applyChanges(store, root, [
      { op: 'delete', path: '/a' },
      { op: 'put', entry: fileEntry('/a', 2) },
      { op: 'put', entry: fileEntry('/b', 1) },
      { op: 'delete', path: '/b' },
    ]);
    expect(await collect(createIndexReader(store).walk(next, '/'))).toEqual([fileEntry('/a', 2)]);
  });

  it('deletes only under the directory, not siblings that share its name as a prefix', async () => {
    const store = createMemoryStore();
    const paths = sortPaths(['/a', '/a!x', '/a.txt', '/a/b', '/a/c/d', '/a0', '/ab/c', '/a b']);
    expect(paths).toEqual(['/a', '/a/b', '/a/c/d', '/a b', '/a!x', '/a.txt', '/a0', '/ab/c']);
    const root = await buildIndex(store, paths.map((p) => fileEntry(p)), { cut: { maskBits: 1, minEntries: 1 } });
    const { root: next } = await applyChanges(store, root, [{ op: 'deleteDir', path: '/a' }], { cut: { maskBits: 1, minEntries: 1 } });
    expect((await collect(createIndexReader(store).walk(next, '/'))).map((e) => e.path)).toEqual(['/a', '/a b', '/a!x', '/a.txt', '/a0', '/ab/c']);
  });

  it('rejects changes out of path order with INDEX_UNSORTED, and malformed changes', async () => {
    const store = createMemoryStore();
    const root = await buildIndex(store, [fileEntry('/a')]);
    await expect(applyChanges(store, root, [{ op: 'delete', path: '/b' }, { op: 'delete', path: '/a' }])).rejects.toMatchObject({
      code: 'INDEX_UNSORTED',
    });
    // Byte order is not path order: '/a!' sorts after everything under '/a/'.
    await expect(applyChanges(store, root, [{ op: 'delete', path: '/a!' }, { op: 'deleteDir', path: '/a/b' }])).rejects.toMatchObject({
      code: 'INDEX_UNSORTED',
    });
    const inOrder = await applyChanges(store, root, [{ op: 'put', entry: fileEntry('/a/b') }, { op: 'put', entry: fileEntry('/a!') }]);
    expect((await collect(createIndexReader(store).walk(inOrder.root, '/'))).map((e) => e.path)).toEqual(['/a', '/a/b', '/a!']);
    await expect(applyChanges(store, root, [{ op: 'rename', path: '/a' } as unknown as IndexChange])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(applyChanges(store, root, [{ op: 'put', entry: { ...fileEntry('/a'), hash: 'XYZ' } }])).rejects.toMatchObject({
      code: 'INDEX_INVALID_ENTRY',
    });
  });

  it('surfaces a corrupt base as INDEX_CORRUPT', async () => {
    const store = createMemoryStore();
    const root = (await buildIndex(store, [fileEntry('/a')]))!;
    store.objects.set(root, new Uint8Array([1, 2, 3]));
    await expect(applyChanges(store, root, [{ op: 'delete', path: '/a' }])).rejects.toMatchObject({ code: 'INDEX_CORRUPT' });
  });
});
