// Datum globs and datum iteration: Pachyderm's glob semantics over a file
// list, and the datum counts of pfs, union, cross, join (inner and outer)
// and group inputs, with properties checked by fast-check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeDatums, datumId, matchFiles, type IndexedFile, type MatchSource } from '../../../src/pps/datums.ts';
import { compileDatumGlob, expandKey } from '../../../src/pps/glob.ts';
import { parsePipelineSpec } from '../../../src/pps/spec.ts';

const file = (path: string, hash = `h${path}`): IndexedFile => ({ path, hash, size: path.length });
const repoFiles: Record<string, IndexedFile[]> = {
  urls: ['/a/1.txt', '/a/2.txt', '/b/3.txt', '/top.txt'].map((p) => file(p)),
  images: ['/i1.png', '/i2.png', '/i3.png'].map((p) => file(p)),
  empty: [],
  left: ['/k1.txt', '/k2.txt', '/k3.txt'].map((p) => file(p)),
  right: ['/k1.csv', '/k2.csv', '/k4.csv'].map((p) => file(p)),
  groups: ['/x-1', '/x-2', '/y-1', '/z-9'].map((p) => file(p)),
};
const source: MatchSource = async (p, glob) => matchFiles(repoFiles[p.repo] ?? [], glob);
const pinned = (): string => 'c'.repeat(32);

async function datums(input: unknown) {
  const spec = parsePipelineSpec({ pipeline: { name: 'p' }, transform: { cmd: ['true'] }, input });
  return computeDatums(spec.input, pinned, source);
}
const paths = (ds: Awaited<ReturnType<typeof datums>>) => ds.map((d) => d.inputs.map((i) => `${i.name}:${i.path}`).join(' '));

describe('datum globs', () => {
  it.each([
    ['/', '/', true],
    ['/', '/a', false],
    ['/*', '/a', true],
    ['/*', '/a/b', false],
    ['/*/*', '/a/b', true],
    ['/**', '/a/b/c', true],
    ['/**/*.txt', '/top.txt', true],
    ['/{a,b}/*', '/b/x', true],
    ['/{a,b}/*', '/c/x', false],
    ['/[ab]*', '/bx', true],
    ['/[!ab]*', '/bx', false],
    ['/?.txt', '/x.txt', true],
    ['/.*', '/.hidden', true],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(compileDatumGlob(glob).match(path) !== undefined).toBe(expected);
  });

  it('captures ( ) groups in the user\'s numbering', () => {
    const g = compileDatumGlob('/*/(*)-(*).txt');
    expect(g.match('/dir/left-right.txt')).toEqual(['left', 'right']);
    expect(expandKey('$2/$1', g.match('/dir/l-r.txt')!)).toBe('r/l');
  });

  it('starts walks below the literal part', () => {
    expect(compileDatumGlob('/a/b/*').base).toBe('/a/b');
    expect(compileDatumGlob('/a*').base).toBe('/');
    expect(compileDatumGlob('/*').base).toBe('/');
  });

  it.each(['a/*', '/(*', '/*)', '/{a,b', '/[ab'])('refuses %s', (glob) => {
    expect(() => compileDatumGlob(glob)).toThrow(/INVALID_GLOB|invalid glob/);
  });
});

describe('matchFiles', () => {
  it('matches directories as well as files; a directory carries its subtree', async () => {
    const m = await matchFiles(repoFiles.urls!, compileDatumGlob('/*'));
    expect(m.map((x) => [x.path, x.files])).toEqual([
      ['/a', 2],
      ['/b', 1],
      ['/top.txt', 1],
    ]);
  });

  it('the glob / is one datum of everything', async () => {
    const m = await matchFiles(repoFiles.urls!, compileDatumGlob('/'));
    expect(m).toHaveLength(1);
    expect(m[0]!.files).toBe(4);
  });

  it('** matches at every depth', async () => {
    const m = await matchFiles(repoFiles.urls!, compileDatumGlob('/**'));
    expect(m.map((x) => x.path)).toEqual(['/a', '/a/1.txt', '/a/2.txt', '/b', '/b/3.txt', '/top.txt']);
  });

  it('a content hash changes with any file under the match, and only then', async () => {
    const before = await matchFiles(repoFiles.urls!, compileDatumGlob('/*'));
    const after = await matchFiles(repoFiles.urls!.map((f) => (f.path === '/a/2.txt' ? { ...f, hash: 'changed' } : f)), compileDatumGlob('/*'));
    expect(after[0]!.hash).not.toBe(before[0]!.hash);
    expect(after.slice(1)).toEqual(before.slice(1));
  });

  it('property: with /*, every file lands in exactly one match, the one named by its first component', async () => {
    const name = fc.stringMatching(/^[a-c]{1,2}$/);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.array(name, { minLength: 1, maxLength: 3 }).map((c) => `/${c.join('/')}`)), async (raw) => {
        // A path cannot be both a file and a directory.
        const ps = raw.filter((p) => !raw.some((q) => q.startsWith(`${p}/`))).sort();
        const m = await matchFiles(ps.map((p) => file(p)), compileDatumGlob('/*'));
        expect(m.reduce((n, x) => n + x.files, 0)).toBe(ps.length);
        expect(new Set(m.map((x) => x.path))).toEqual(new Set(ps.map((p) => `/${p.split('/')[1]}`)));
      }),
    );
  });
});

describe('computeDatums', () => {
  it('pfs: one datum per match', async () => {
    expect(paths(await datums({ pfs: { repo: 'urls', glob: '/*/*' } }))).toEqual(['urls:/a/1.txt', 'urls:/a/2.txt', 'urls:/b/3.txt']);
  });

  it('cross: the cartesian product; an empty member gives none', async () => {
    expect(await datums({ cross: [{ pfs: { repo: 'images', glob: '/*' } }, { pfs: { repo: 'urls', glob: '/*' } }] })).toHaveLength(9);
    expect(await datums({ cross: [{ pfs: { repo: 'images', glob: '/*' } }, { pfs: { repo: 'empty', glob: '/*' } }] })).toHaveLength(0);
  });

  it('union: the concatenation', async () => {
    expect(await datums({ union: [{ pfs: { repo: 'images', glob: '/*', name: 'in' } }, { pfs: { repo: 'urls', glob: '/*', name: 'in' } }] })).toHaveLength(6);
  });

  it('join: entries with equal keys; outer_join keeps the unmatched of its input', async () => {
    const inner = await datums({ join: [{ pfs: { repo: 'left', glob: '/(*).txt', join_on: '$1' } }, { pfs: { repo: 'right', glob: '/(*).csv', join_on: '$1' } }] });
    expect(paths(inner)).toEqual(['left:/k1.txt right:/k1.csv', 'left:/k2.txt right:/k2.csv']);
    const outer = await datums({ join: [{ pfs: { repo: 'left', glob: '/(*).txt', join_on: '$1', outer_join: true } }, { pfs: { repo: 'right', glob: '/(*).csv', join_on: '$1' } }] });
    expect(paths(outer)).toEqual(['left:/k1.txt right:/k1.csv', 'left:/k2.txt right:/k2.csv', 'left:/k3.txt']);
  });

  it('group: one datum per key with every entry that has it', async () => {
    const ds = await datums({ group: [{ pfs: { repo: 'groups', glob: '/(*)-*', group_by: '$1' } }] });
    expect(paths(ds)).toEqual(['groups:/x-1 groups:/x-2', 'groups:/y-1', 'groups:/z-9']);
  });

  it('property: cross of two inputs has |a| x |b| datums with distinct ids', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), async (a, b) => {
        repoFiles.pa = Array.from({ length: a }, (_, i) => file(`/f${i}`));
        repoFiles.pb = Array.from({ length: b }, (_, i) => file(`/g${i}`));
        const ds = await datums({ cross: [{ pfs: { repo: 'pa', glob: '/*' } }, { pfs: { repo: 'pb', glob: '/*' } }] });
        expect(ds).toHaveLength(a * b);
        expect(new Set(ds.map((d) => d.id)).size).toBe(a * b);
      }),
    );
  });

  it('ids name inputs and paths only', () => {
    expect(datumId([{ name: 'a', path: '/x' }])).toBe(datumId([{ name: 'a', path: '/x' }]));
    expect(datumId([{ name: 'a', path: '/x' }])).not.toBe(datumId([{ name: 'b', path: '/x' }]));
  });
});
