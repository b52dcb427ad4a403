// The reader's operations against plain models, and the ranges each one reads.
import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { buildIndex, createIndexReader, type CutParams, type FileEntry } from '../../src/index/index.ts';
import { comparePaths, type FilePath } from '../../src/ids.ts';
import { collect, createMemoryStore, fileEntry, modelGlob, modelList, sortPaths, treeEntries } from './index-helpers.ts';

const SMALL: Partial<CutParams> = { maskBits: 2, minEntries: 2 };

const PATHS = sortPaths([
  '/top.txt',
  '/a',
  '/a!b',
  '/a.d/x',
  '/b/.hidden',
  '/b/c/d.txt',
  '/b/c/e.txt',
  '/b/c/f/g.txt',
  '/b/c.txt',
  '/b/c!',
  '/b/z',
  '/é/1',
  '/\uE000/x',
  '/\u{1F600}/y.txt',
]);

// PATHS in path order, spelt out: each directory's subtree comes right after
// its name, before siblings with characters below '/' ('!' and '.').
const PATHS_IN_ORDER = [
  '/a',
  '/a!b',
  '/a.d/x',
  '/b/.hidden',
  '/b/c/d.txt',
  '/b/c/e.txt',
  '/b/c/f/g.txt',
  '/b/c!',
  '/b/c.txt',
  '/b/z',
  '/top.txt',
  '/é/1',
  '/\uE000/x',
  '/\u{1F600}/y.txt',
];

async function fixture(paths = PATHS, cut = SMALL) {
  const store = createMemoryStore();
  const entries = paths.map((p) => fileEntry(p));
  const root = await buildIndex(store, entries, { cut });
  return { store, root, entries, reader: createIndexReader(store) };
}

describe('get, isDir, stat', () => {
  it('finds each file and nothing else', async () => {
    const { root, entries, reader } = await fixture();
    for (const e of entries) expect(await reader.get(root, e.path)).toEqual(e);
    for (const p of ['/b', '/b/c', '/a!', '/zzz', '/0', '/b/c/f']) expect(await reader.get(root, p)).toBeUndefined();
    expect(await reader.get(null, '/a')).toBeUndefined();
  });

  it('treats directories as implicit', async () => {
    const { root, reader } = await fixture();
    for (const d of ['/', '/b', '/b/c', '/b/c/f', '/é', '/\u{1F600}']) expect(await reader.isDir(root, d)).toBe(true);
    for (const d of ['/a', '/b/c.txt', '/x', '/b/c/f/g.txt']) expect(await reader.isDir(root, d)).toBe(false);
    expect(await reader.isDir(null, '/')).toBe(true);
    expect(await reader.isDir(null, '/b')).toBe(false);
  });

  it('sums files and bytes from the metarange alone', async () => {
    const { store, root, entries } = await fixture();
    const reader = createIndexReader(store);
    expect(await reader.stat(root)).toEqual({ files: entries.length, bytes: entries.reduce((n, e) => n + e.size, 0) });
    expect(reader.stats.objectsRead).toBe(1);
    expect(await reader.stat(null)).toEqual({ files: 0, bytes: 0 });
  });
});

describe('list', () => {
  it('lists direct children and implicit subdirectories', async () => {
    const { root, reader } = await fixture();
    for (const dir of ['/', '/b', '/b/c', '/b/c/f', '/é', '/nope', '/a']) {
      const got = (await collect(reader.list(root, dir))).map(({ name, type }) => ({ name, type }));
      expect(got, dir).toEqual(modelList(PATHS, dir));
    }
    const b = await collect(reader.list(root, '/b'));
    expect(b.find((i) => i.name === 'c')).toEqual({ name: 'c', path: '/b/c', type: 'dir' });
    expect(b.find((i) => i.name === 'z')?.entry).toEqual(fileEntry('/b/z'));
  });

  it('pages with after and limit, resuming past files and whole directories', async () => {
    const { root, reader } = await fixture();
    for (const dir of ['/', '/b', '/b/c']) {
      const all = await collect(reader.list(root, dir));
      for (let size = 1; size <= 3; size++) {
        const pages = [];
        let after: string | undefined;
        for (;;) {
          const page = await collect(reader.list(root, dir, { limit: size, ...(after === undefined ? {} : { after }) }));
          if (page.length === 0) break;
          pages.push(...page);
          after = page[page.length - 1]!.name;
        }
        expect(pages, `${dir} by ${size}`).toEqual(all);
      }
    }
    expect(await collect(reader.list(root, '/b', { limit: 0 }))).toEqual([]);
  });
});

describe('walk and glob', () => {
  it('walks every file under a directory in order', async () => {
    const { root, reader, entries } = await fixture();
    expect(PATHS).toEqual(PATHS_IN_ORDER);
    expect(await collect(reader.walk(root, '/'))).toEqual(entries);
    expect((await collect(reader.walk(root, '/b/c'))).map((e) => e.path)).toEqual(['/b/c/d.txt', '/b/c/e.txt', '/b/c/f/g.txt']);
    expect(await collect(reader.walk(root, '/a'))).toEqual([]);
    expect(await collect(reader.walk(null, '/'))).toEqual([]);
  });

  const patterns = [
    '/*',
    '/**',
    '/b/*',
    '/b/**',
    '/b/**/*.txt',
    '/**/*.txt',
    '/b/c/?.txt',
    '/b/{c,z}',
    '/b/[cz]*',
    '/b/.*',
    '/a',
    '/a/**',
    '/b/c',
    '/*/y.txt',
    '/b/c/**/g.txt',
    '/b/c!',
  ];
  it.each(patterns)('globs %s like picomatch (relative to the root) over all paths', async (pattern) => {
    const { root, reader } = await fixture();
    const isMatch = modelGlob(pattern);
    expect((await collect(reader.glob(root, pattern))).map((e) => e.path)).toEqual(PATHS.filter((p) => isMatch(p)));
  });

  it('lets a `**/` match zero directories, at the root too', async () => {
    const { root, reader } = await fixture();
    const glob = async (pattern: string) => (await collect(reader.glob(root, pattern))).map((e) => e.path);
    expect(await glob('/**/*.txt')).toEqual(['/b/c/d.txt', '/b/c/e.txt', '/b/c/f/g.txt', '/b/c.txt', '/top.txt', '/\u{1F600}/y.txt']);
    expect(await glob('/b/**/*.txt')).toEqual(['/b/c/d.txt', '/b/c/e.txt', '/b/c/f/g.txt', '/b/c.txt']);
    expect(picomatch('/**/*.txt', { dot: true })('/top.txt')).toBe(false); // the quirk the index avoids
  });

  it('rejects a relative glob with INVALID_GLOB', async () => {
    const { root, reader } = await fixture();
    await expect(collect(reader.glob(root, 'b/*'))).rejects.toMatchObject({ code: 'INVALID_GLOB' });
  });

  it('matches models on random trees', async () => {
    const part = fc.constantFrom('a', 'b', 'a.txt', '.x', 'a!', 'é');
    const paths = fc.uniqueArray(fc.array(part, { minLength: 1, maxLength: 3 }).map((ps) => `/${ps.join('/')}`), { maxLength: 60 });
    const dir = fc.array(part, { maxLength: 2 }).map((ps) => `/${ps.join('/')}`);
    const glob = fc.constantFrom('/*', '/a/*', '/**/*.txt', '/a/**', '/{a,b}/*', '/?', '/a/.*', '/a!/**', '/[ab]/a*');
    await fc.assert(
      fc.asyncProperty(paths, dir, glob, async (ps, d, g) => {
        const sorted = sortPaths(ps);
        const { root, reader } = await fixture(sorted, { maskBits: 1, minEntries: 1 });
        expect((await collect(reader.list(root, d))).map(({ name, type }) => ({ name, type }))).toEqual(modelList(sorted, d));
        const prefix = d === '/' ? '/' : `${d}/`;
        expect((await collect(reader.walk(root, d))).map((e) => e.path)).toEqual(sorted.filter((p) => p.startsWith(prefix)));
        const isMatch = modelGlob(g);
        expect((await collect(reader.glob(root, g))).map((e) => e.path)).toEqual(sorted.filter((p) => isMatch(p)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('diff', () => {
  it('reports added, deleted and modified files in path order', async () => {
    const store = createMemoryStore();
    const reader = createIndexReader(store);
    const old = PATHS.map((p) => fileEntry(p));
    const next: FileEntry[] = [fileEntry('/0new'), ...old.filter((e) => e.path !== '/b/z').map((e) => (e.path === '/b/c!' ? fileEntry(e.path, 1) : e))];
    const oldRoot = await buildIndex(store, old, { cut: SMALL });
    const newRoot = await buildIndex(store, next, { cut: SMALL });
    expect(await collect(reader.diff(newRoot, oldRoot))).toEqual([
      { type: 'added', path: '/0new', new: fileEntry('/0new') },
      { type: 'modified', path: '/b/c!', new: fileEntry('/b/c!', 1), old: fileEntry('/b/c!') },
      { type: 'deleted', path: '/b/z', old: fileEntry('/b/z') },
    ]);
    expect((await collect(reader.diff(oldRoot, null))).length).toBe(old.length);
    expect((await collect(reader.diff(null, oldRoot))).every((d) => d.type === 'deleted')).toBe(true);
    expect(await collect(reader.diff(oldRoot, oldRoot))).toEqual([]);
  });
});

describe('diff after a path (paging)', () => {
  it('gives exactly the changes after the path, and reads about as many ranges deep in as at the start', async () => {
    const store = createMemoryStore();
    const old = [...treeEntries(40, 100)];
    // Every file changed: a change as large as the index, so nothing is skipped by equal ranges.
    const next = old.map((e) => fileEntry(e.path, 1));
    const oldRoot = await buildIndex(store, old, {});
    const newRoot = await buildIndex(store, next, {});
    const all = await collect(createIndexReader(store).diff(newRoot, oldRoot));
    expect(all).toHaveLength(4000);
    for (const after of ['/', '/d0000/f0000', '/d0007/f0050', '/d0007/f0050a', '/d0020', '/d0039/f0099', '/zzz']) {
      expect(await collect(createIndexReader(store).diff(newRoot, oldRoot, after)), after).toEqual(all.filter((d) => comparePaths(d.path as FilePath, after as FilePath) > 0));
    }
    const rangesFor = async (after: string | undefined): Promise<number> => {
      const reader = createIndexReader(store, { cacheBytes: 0 });
      let n = 0;
      for await (const _ of reader.diff(newRoot, oldRoot, after)) if (++n === 100) break;
      return reader.stats.objectsRead;
    };
    const first = await rangesFor(undefined);
    const deep = await rangesFor('/d0035/f0000');
    expect(deep).toBeLessThanOrEqual(first + 2);
  });
});

describe('cache', () => {
  it('keeps decoded objects within its budget and refetches evicted ones', async () => {
    const { store, root } = await fixture();
    const tiny = createIndexReader(store, { cacheBytes: 0 });
    await tiny.get(root, '/a');
    await tiny.get(root, '/a');
    expect(tiny.stats.objectsRead).toBe(4);
    const roomy = createIndexReader(store, { cacheBytes: 1 << 20 });
    await roomy.get(root, '/a');
    await roomy.get(root, '/a');
    expect(roomy.stats.objectsRead).toBe(2);
    await Promise.all([roomy.get(root, '/b/z'), roomy.get(root, '/b/z')]);
    expect(roomy.stats.objectsRead).toBe(3); // one fetch shared by both
  });
});
