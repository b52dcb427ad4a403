// What makes the index worth having: on a 100,000-file commit, work follows
// the size of the change or of the answer, not the size of the repo.
import { beforeAll, describe, expect, it } from 'vitest';
import { applyChanges, buildIndex, createIndexReader, type IndexChange } from '../../src/index/index.ts';
import { collect, createMemoryStore, fileEntry, pad, treeEntries, type CountingStore } from './index-helpers.ts';

const DIRS = 100;
const FILES = 1000;

describe('a 100,000-file index', () => {
  let store: CountingStore;
  let root: string;
  let ranges: number;
  let groups: number;
  // 10 files in 10 directories spread over the tree: 5 rewritten, 3 added, 2 deleted.
  const changes: IndexChange[] = [
    ...[3, 17, 29, 41, 55].map((d): IndexChange => ({ op: 'put', entry: fileEntry(`/d${pad(d)}/f0500`, 1) })),
    ...[62, 70, 88].map((d): IndexChange => ({ op: 'put', entry: fileEntry(`/d${pad(d)}/new-file`) })),
    ...[91, 99].map((d): IndexChange => ({ op: 'delete', path: `/d${pad(d)}/f0007` })),
  ];

  beforeAll(async () => {
    store = createMemoryStore();
    root = (await buildIndex(store, treeEntries(DIRS, FILES)))!;
    const reader = createIndexReader(store);
    groups = (await reader.groups(root)).length;
    ranges = (await reader.ranges(root)).length;
  });

  it('has ranges of ~160 entries in ~64-range metarange groups', () => {
    expect(ranges).toBeGreaterThan(400);
    expect(ranges).toBeLessThan(900);
    expect(groups).toBeGreaterThan(3);
    expect(groups).toBeLessThan(30);
  });

  it('applies a 10-file change reading and writing about one range per file', async () => {
    store.reset();
    const { root: next, stats } = await applyChanges(store, root, changes);
    // Reads: the root, the groups the changes fall in, and about one range a file.
    const groupsRead = store.gets - 1 - stats.rangesRead;
    expect(stats.rangesRead).toBeLessThanOrEqual(2 * 10);
    expect(groupsRead).toBeLessThanOrEqual(Math.min(groups, 2 * 10));
    // Writes: about one range a file, the groups they are in, and the root; untouched groups are not even re-encoded.
    expect(stats.rangesWritten).toBeLessThanOrEqual(2 * 10);
    expect(store.puts).toBeLessThanOrEqual(stats.rangesWritten + groupsRead + 1);
    const reader = createIndexReader(store);
    expect(await reader.stat(next)).toEqual({ files: DIRS * FILES + 1, bytes: DIRS * FILES * 100 + 5 * 1 + 3 * 100 - 2 * 100 });
    expect((await reader.get(next, '/d0017/f0500'))?.size).toBe(101);
    expect(await reader.get(next, '/d0099/f0007')).toBeUndefined();
    // Canonical: the same files built from scratch give the same root.
    const model = [...treeEntries(DIRS, FILES)].filter((e) => !['/d0091/f0007', '/d0099/f0007'].includes(e.path));
    const built = await buildIndex(createMemoryStore(), (async function* () {
      for (const e of model) {
        const d = Number(e.path.slice(2, 6));
        yield changes.some((c) => c.op === 'put' && c.entry.path === e.path) ? fileEntry(e.path, 1) : e;
        if (e.path.endsWith('/f0999') && [62, 70, 88].includes(d)) yield fileEntry(`/d${pad(d)}/new-file`);
      }
    })());
    expect(next).toBe(built);
  });

  it('applies a one-file change reading the root, one group and one range, not every group', async () => {
    store.reset();
    const { root: next, stats } = await applyChanges(store, root, [{ op: 'put', entry: fileEntry('/d0050/f0500', 7) }]);
    expect(groups).toBeGreaterThan(4); // so reading every group would fail the bound
    // A re-cut may run on into the next range, and from the group's last range into the next group.
    expect(stats.rangesRead).toBeLessThanOrEqual(2);
    expect(store.gets).toBeLessThanOrEqual(1 + 2 + stats.rangesRead);
    expect(store.puts).toBeLessThanOrEqual(stats.rangesWritten + 2 + 1);
    const model = [...treeEntries(DIRS, FILES)].map((e) => (e.path === '/d0050/f0500' ? fileEntry(e.path, 7) : e));
    expect(next).toBe(await buildIndex(createMemoryStore(), model));
  });

  it('diffs two such indexes reading only the ranges that differ', async () => {
    const { root: next } = await applyChanges(store, root, changes);
    const reader = createIndexReader(store);
    const diff = await collect(reader.diff(next, root));
    expect(diff.map((d) => d.type)).toEqual([...Array<string>(5).fill('modified'), 'added', 'added', 'added', 'deleted', 'deleted']);
    expect(reader.stats.objectsRead).toBeLessThanOrEqual(2 + 2 * 10 + 2 * groups);
  });

  it('diffs a one-file change reading one group and one range a side, not every group', async () => {
    const { root: next } = await applyChanges(store, root, [{ op: 'put', entry: fileEntry('/d0050/f0500', 7) }]);
    const reader = createIndexReader(store);
    expect((await collect(reader.diff(next, root))).map((d) => d.path)).toEqual(['/d0050/f0500']);
    // Two roots, then the changed group and range on each side (a cut may move a neighbour in too).
    expect(reader.stats.objectsRead).toBeLessThanOrEqual(2 + 2 * 2 + 2 * 2);
    expect(groups).toBeGreaterThan(4); // so reading every group would fail the bound
  });

  it('lists a 1,000-file directory reading only the ranges it spans', async () => {
    const reader = createIndexReader(store);
    const items = await collect(reader.list(root, '/d0050'));
    expect(items.length).toBe(FILES);
    // The root, the one or two groups listing the directory, then the ~7 ranges of ~160 entries it spans.
    expect(reader.stats.objectsRead).toBeLessThanOrEqual(1 + 2 + 9);
    const walk = createIndexReader(store);
    expect((await collect(walk.walk(root, '/d0051'))).length).toBe(FILES);
    expect(walk.stats.objectsRead).toBeLessThanOrEqual(1 + 2 + 9);
    const isDir = createIndexReader(store);
    expect(await isDir.isDir(root, '/d0052')).toBe(true);
    expect(await isDir.isDir(root, '/d0052/nothing')).toBe(false);
    expect(isDir.stats.objectsRead).toBeLessThanOrEqual(1 + 2 + 2);
    const page = await collect(reader.list(root, '/d0050', { after: 'f0899', limit: 10 }));
    expect(page.map((i) => i.name)).toEqual(Array.from({ length: 10 }, (_, i) => `f${pad(900 + i)}`));
  });

  it('gets one file reading the root, one metarange group and one range', async () => {
    const reader = createIndexReader(store);
    expect((await reader.get(root, '/d0042/f0042'))?.path).toBe('/d0042/f0042');
    expect(reader.stats.objectsRead).toBe(3);
  });

  it('globs within the literal prefix only', async () => {
    const reader = createIndexReader(store);
    expect((await collect(reader.glob(root, '/d0077/f00*'))).length).toBe(100);
    expect(reader.stats.objectsRead).toBeLessThanOrEqual(1 + groups + 2);
  });
});

describe('big directories', () => {
  // 10 directories of 10,000 files: each directory spans about sixty ranges.
  let store: CountingStore;
  let root: string;
  let ranges: number;
  let groups: number;

  beforeAll(async () => {
    store = createMemoryStore();
    root = (await buildIndex(store, treeEntries(10, 10_000)))!;
    const reader = createIndexReader(store);
    groups = (await reader.groups(root)).length;
    ranges = (await reader.ranges(root)).length;
  });

  it('lists the root by jumping over subdirectories, not reading them', async () => {
    const reader = createIndexReader(store);
    const items = await collect(reader.list(root, '/'));
    expect(items.map((i) => i.name)).toEqual(Array.from({ length: 10 }, (_, d) => `d${pad(d)}`));
    expect(reader.stats.objectsRead).toBeLessThanOrEqual(1 + groups + 10);
    expect(ranges).toBeGreaterThan(300);
  });

  it('deletes a directory dropping the ranges inside it unread', async () => {
    store.reset();
    const { root: next, stats } = await applyChanges(store, root, [{ op: 'deleteDir', path: '/d0004' }]);
    expect(stats.rangesRead).toBeLessThanOrEqual(3);
    const reader = createIndexReader(store);
    expect(await reader.stat(next)).toEqual({ files: 90_000, bytes: 9_000_000 });
    expect(await reader.isDir(next, '/d0004')).toBe(false);
    expect(await reader.isDir(next, '/d0005')).toBe(true);
    const built = await buildIndex(createMemoryStore(), [...treeEntries(10, 10_000)].filter((e) => !e.path.startsWith('/d0004/')));
    expect(next).toBe(built);
  });

  it('replaces a directory: deleteDir then puts under it', async () => {
    const { root: next } = await applyChanges(store, root, [
      { op: 'deleteDir', path: '/d0002' },
      { op: 'put', entry: fileEntry('/d0002/only', 7) },
    ]);
    const reader = createIndexReader(store);
    expect((await collect(reader.walk(next, '/d0002'))).map((e) => e.path)).toEqual(['/d0002/only']);
    expect(await reader.stat(next)).toEqual({ files: 90_001, bytes: 9_000_107 });
  });
});
