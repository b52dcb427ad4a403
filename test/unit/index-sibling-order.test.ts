// Where the path order bites: names with characters below '/' (space, '!',
// '-', '.') next to a directory of the same prefix. In path order `/a`'s
// subtree comes right after `/a` and before `/a b`, `/a!`, `/a-b/c`, `/a.txt`;
// in byte order it came after them. Every read and the deleteDir pruning
// position by key, so each is checked here on such names, with one range per
// index and with a range every entry or two.
import { describe, expect, it } from 'vitest';
import {
  applyChanges,
  buildIndex,
  createIndexReader,
  type CutParams,
  type DiffItem,
  type FileEntry,
  type IndexChange,
} from '../../src/index/index.ts';
import { collect, createMemoryStore, fileEntry, modelGlob, modelList, sortChanges, sortPaths } from './index-helpers.ts';

// In path order, spelt out (the first test checks the project's sort agrees).
const PATHS = [
  '/a',
  '/a/x',
  '/a/y/z',
  '/a/y z',
  '/a/y!',
  '/a/y.txt',
  '/a b',
  '/a!',
  '/a-b/c',
  '/a.txt',
  '/a0',
];

const CUTS: [string, Partial<CutParams>][] = [
  ['one range', {}],
  ['tiny ranges', { maskBits: 1, minEntries: 1 }],
];

async function fixture(cut: Partial<CutParams>, paths = PATHS) {
  const store = createMemoryStore();
  const root = await buildIndex(store, paths.map((p) => fileEntry(p)), { cut });
  return { store, root, reader: createIndexReader(store) };
}

const names = (items: { name: string; type: string }[]) => items.map((i) => `${i.name}${i.type === 'dir' ? '/' : ''}`);

describe.each(CUTS)('reads next to same-prefix directories (%s)', (_, cut) => {
  it('sorts and walks a directory subtree before its name-prefixed siblings', async () => {
    expect(sortPaths([...PATHS].reverse())).toEqual(PATHS);
    expect(sortPaths([...PATHS].sort())).toEqual(PATHS);
    const { root, reader } = await fixture(cut);
    expect((await collect(reader.walk(root, '/'))).map((e) => e.path)).toEqual(PATHS);
    expect((await collect(reader.walk(root, '/a'))).map((e) => e.path)).toEqual(['/a/x', '/a/y/z', '/a/y z', '/a/y!', '/a/y.txt']);
    expect((await collect(reader.walk(root, '/a/y'))).map((e) => e.path)).toEqual(['/a/y/z']);
    expect((await collect(reader.walk(root, '/a-b'))).map((e) => e.path)).toEqual(['/a-b/c']);
    expect(await collect(reader.walk(root, '/a!'))).toEqual([]);
  });

  it('lists each directory: a file, then the directory of the same name, then the rest', async () => {
    const { root, reader } = await fixture(cut);
    const list = async (dir: string) => names(await collect(reader.list(root, dir)));
    expect(await list('/')).toEqual(['a', 'a/', 'a b', 'a!', 'a-b/', 'a.txt', 'a0']);
    expect(await list('/a')).toEqual(['x', 'y/', 'y z', 'y!', 'y.txt']);
    expect(await list('/a/y')).toEqual(['z']);
    expect(await list('/a-b')).toEqual(['c']);
    for (const dir of ['/', '/a', '/a/y', '/a-b', '/a!', '/a.txt', '/a b']) {
      expect((await collect(reader.list(root, dir))).map(({ name, type }) => ({ name, type })), dir).toEqual(modelList(PATHS, dir));
    }
  });

  it('resumes after a name past the file and the whole directory of that name', async () => {
    const { root, reader } = await fixture(cut);
    const all = await collect(reader.list(root, '/'));
    for (const item of all) {
      const rest = all.slice(all.findLastIndex((i) => i.name === item.name) + 1);
      expect(await collect(reader.list(root, '/', { after: item.name })), item.name).toEqual(rest);
    }
    // `after` is a name, so a file and a directory of one name are one position: after 'a' comes 'a b'.
    expect(names(await collect(reader.list(root, '/', { after: 'a', limit: 2 })))).toEqual(['a b', 'a!']);
    // Names that are not there resume at the next name in path order.
    expect(names(await collect(reader.list(root, '/', { after: 'a ', limit: 1 })))).toEqual(['a b']);
    expect(names(await collect(reader.list(root, '/', { after: 'a,', limit: 1 })))).toEqual(['a-b/']);
    expect(names(await collect(reader.list(root, '/a', { after: 'y', limit: 1 })))).toEqual(['y z']);
    expect(names(await collect(reader.list(root, '/a', { after: 'y z' })))).toEqual(['y!', 'y.txt']);
  });

  it('pages through a directory whose subdirectory has name-prefixed siblings', async () => {
    const { root, reader } = await fixture(cut);
    const all = await collect(reader.list(root, '/a'));
    for (let size = 1; size <= 3; size++) {
      const pages = [];
      let after: string | undefined;
      for (let page; (page = await collect(reader.list(root, '/a', { limit: size, ...(after === undefined ? {} : { after }) }))).length > 0; ) {
        pages.push(...page);
        after = page[page.length - 1]!.name;
      }
      expect(pages, `by ${size}`).toEqual(all);
    }
  });

  it('tells directories from files that share their prefix', async () => {
    const { root, reader } = await fixture(cut);
    for (const d of ['/', '/a', '/a/y', '/a-b']) expect(await reader.isDir(root, d), d).toBe(true);
    for (const d of ['/a!', '/a b', '/a.txt', '/a0', '/a/y!', '/a/y z', '/a/x', '/a/y/z', '/a-', '/a-b/c']) {
      expect(await reader.isDir(root, d), d).toBe(false);
    }
    for (const p of PATHS) expect(await reader.get(root, p), p).toEqual(fileEntry(p));
    for (const p of ['/a/y', '/a-b', '/a/', '/a ', '/a/y/']) expect(await reader.get(root, p), p).toBeUndefined();
  });

  it.each([
    ['/a/**', ['/a', '/a/x', '/a/y/z', '/a/y z', '/a/y!', '/a/y.txt']],
    ['/a/*', ['/a/x', '/a/y z', '/a/y!', '/a/y.txt']],
    ['/a/y*', ['/a/y z', '/a/y!', '/a/y.txt']],
    ['/a*', ['/a', '/a b', '/a!', '/a.txt', '/a0']],
    ['/a*/**', ['/a/x', '/a/y/z', '/a/y z', '/a/y!', '/a/y.txt', '/a-b/c']],
    ['/**/*.txt', ['/a/y.txt', '/a.txt']],
    ['/**/c', ['/a-b/c']],
    ['/a!', ['/a!']],
    ['/a/y/**', ['/a/y/z']],
  ])('globs %s', async (pattern, want) => {
    const { root, reader } = await fixture(cut);
    const got = (await collect(reader.glob(root, pattern))).map((e) => e.path);
    expect(got).toEqual(want);
    expect(got).toEqual(PATHS.filter(modelGlob(pattern)));
  });

  it('diffs across a directory and its name-prefixed siblings in path order', async () => {
    const { store, root: oldRoot, reader } = await fixture(cut);
    const next = sortPaths([...PATHS.filter((p) => !['/a/x', '/a-b/c'].includes(p)), '/a/y/zz', '/a-b/d', '/a.b']);
    const version = (p: string) => (p === '/a' || p === '/a!' ? 1 : 0);
    const newRoot = await buildIndex(store, next.map((p) => fileEntry(p, version(p))), { cut });
    const modified = (p: string): DiffItem => ({ type: 'modified', path: p, new: fileEntry(p, 1), old: fileEntry(p) });
    const want: DiffItem[] = [
      modified('/a'),
      { type: 'deleted', path: '/a/x', old: fileEntry('/a/x') },
      { type: 'added', path: '/a/y/zz', new: fileEntry('/a/y/zz') },
      modified('/a!'),
      { type: 'deleted', path: '/a-b/c', old: fileEntry('/a-b/c') },
      { type: 'added', path: '/a-b/d', new: fileEntry('/a-b/d') },
      { type: 'added', path: '/a.b', new: fileEntry('/a.b') },
    ];
    expect(await collect(reader.diff(newRoot, oldRoot))).toEqual(want);
    const back = await collect(reader.diff(oldRoot, newRoot));
    expect(back.map((d) => `${d.type} ${d.path}`)).toEqual(
      want.map((d) => `${d.type === 'added' ? 'deleted' : d.type === 'deleted' ? 'added' : d.type} ${d.path}`),
    );
  });
});

describe.each(CUTS)('deleteDir next to same-prefix siblings (%s)', (_, cut) => {
  async function apply(base: string[], changes: IndexChange[]) {
    const store = createMemoryStore();
    const root = await buildIndex(store, base.map((p) => fileEntry(p)), { cut });
    const { root: next, stats } = await applyChanges(store, root, sortChanges(changes), { cut });
    const got = await collect(createIndexReader(store).walk(next, '/'));
    // Canonical: the very index a build from scratch makes.
    expect(next).toBe(await buildIndex(createMemoryStore(), got, { cut }));
    return { got, stats };
  }
  const paths = (entries: FileEntry[]) => entries.map((e) => e.path);

  it('deletes /a/ and keeps /a, /a b, /a!, /a-b/c, /a.txt and /a0', async () => {
    const { got } = await apply(PATHS, [{ op: 'deleteDir', path: '/a' }]);
    expect(paths(got)).toEqual(['/a', '/a b', '/a!', '/a-b/c', '/a.txt', '/a0']);
  });

  it('deletes /a/y/ and keeps /a/y z, /a/y! and /a/y.txt', async () => {
    const { got } = await apply(PATHS, [{ op: 'deleteDir', path: '/a/y' }]);
    expect(paths(got)).toEqual(PATHS.filter((p) => p !== '/a/y/z'));
  });

  it('applies puts, deletes and a directory delete around one prefix together', async () => {
    const { got } = await apply(PATHS, [
      { op: 'delete', path: '/a.txt' },
      { op: 'put', entry: fileEntry('/a!', 1) },
      { op: 'put', entry: fileEntry('/a/new') },
      { op: 'deleteDir', path: '/a' },
      { op: 'put', entry: fileEntry('/a b/c') },
    ]);
    expect(got).toEqual([fileEntry('/a'), fileEntry('/a/new'), fileEntry('/a b'), fileEntry('/a b/c'), fileEntry('/a!', 1), fileEntry('/a-b/c'), fileEntry('/a0')]);
  });

  it('drops a big directory unread and still keeps the siblings after it', async () => {
    const inside = Array.from({ length: 2000 }, (_, i) => `/a/f${String(i).padStart(4, '0')}`);
    const base = sortPaths([...PATHS, ...inside]);
    const { got, stats } = await apply(base, [{ op: 'deleteDir', path: '/a' }, { op: 'put', entry: fileEntry('/a!', 2) }]);
    expect(got).toEqual([fileEntry('/a'), fileEntry('/a b'), fileEntry('/a!', 2), fileEntry('/a-b/c'), fileEntry('/a.txt'), fileEntry('/a0')]);
    // Ranges wholly inside /a/ (about a thousand with tiny ranges) are skipped; only those at its edges are read.
    expect(stats.rangesRead).toBeLessThanOrEqual(3);
  });
});
