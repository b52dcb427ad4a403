// The metadata layout: keys (keys.ts) sort and parse as documented, and
// stored records (records.ts) round-trip, stay byte-stable and refuse
// garbage. Golden bytes pin the v1 encodings: if one of these changes, old
// data no longer reads the same.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../src/errors/index.ts';
import { comparePaths, parseBranchName, parseCommitId, parsePath, parseRepoName, type FilePath } from '../../src/ids.ts';
import * as keys from '../../src/meta/keys.ts';
import { createMemoryMetaStore } from '../../src/meta/memory-meta-store.ts';
import { ensureLayoutVersion } from '../../src/meta/layout-version.ts';
import { compareKeys } from '../../src/meta/meta-store.ts';
import { encodeMetaVersion } from '../../src/meta/records.ts';

const repo = parseRepoName('images');
const id = parseCommitId('0123456789abcdef0123456789abcdef');
const id2 = parseCommitId('fedcba9876543210fedcba9876543210');

function expectCorrupt(fn: () => unknown, ...fragments: string[]): void {
  try {
    fn();
  } catch (err) {
    expect(isStrataError(err, 'META_CORRUPT'), String(err)).toBe(true);
    for (const f of fragments) expect((err as Error).message).toContain(f);
    return;
  }
  throw new Error('expected META_CORRUPT');
}

// Path components over characters that matter for ordering: below and above
// "/" (0x2f), multibyte, astral.
const component = fc
  .array(fc.constantFrom('a', 'b', ' ', '!', '-', '.', '0', 'é', '\uE000', '😀', '~'), { minLength: 1, maxLength: 4 })
  .map((cs) => cs.join(''))
  .filter((c) => c !== '.' && c !== '..');
const filePath = fc.array(component, { maxLength: 4 }).map((cs) => parsePath(`/${cs.join('/')}`));

describe('keys', () => {
  it('builds the documented keys', () => {
    const main = parseBranchName('main');
    expect(keys.repoKey(repo)).toBe('repo/images');
    expect(keys.branchKey(repo, main)).toBe('branch/images/main');
    expect(keys.commitKey(repo, id)).toBe(`commit/images/${id}`);
    expect(keys.childKey(repo, id, id2)).toBe(`child/images/${id}/${id2}`);
    expect(keys.stageKey(repo, id, parsePath('/a/b'))).toBe(`stage/images/${id}\u0001a\u0001b`);
    expect(keys.stageDirKey(repo, id, parsePath('/a'))).toBe(`stage/images/${id}\u0001a\u0001`);
    expect(keys.META_VERSION_KEY).toBe('meta/version');
  });

  it('parses every key it builds', () => {
    const main = parseBranchName('main');
    const up = { repo: parseRepoName('raw'), commit: id2 };
    expect(keys.parseRepoKey(keys.repoKey(repo))).toBe(repo);
    expect(keys.parseBranchKey(keys.branchKey(repo, main))).toEqual({ repo, branch: main });
    expect(keys.parseCommitKey(keys.commitKey(repo, id))).toEqual({ repo, commit: id });
    expect(keys.parseChildKey(keys.childKey(repo, id, id2))).toEqual({ repo, parent: id, child: id2 });
    expect(keys.parseCommitSubvenanceKey(keys.commitSubvenanceKey(up, { repo, commit: id }))).toEqual({ up, down: { repo, commit: id } });
    const bu = { repo: parseRepoName('raw'), branch: main };
    expect(keys.parseBranchSubvenanceKey(keys.branchSubvenanceKey(bu, { repo, branch: main }))).toEqual({ up: bu, down: { repo, branch: main } });
    expect(keys.parseStageKey(keys.stageDirKey(repo, id, parsePath('/a')))).toEqual({ repo, commit: id, path: '/a', dir: true });
    expect(keys.parseStageKey(keys.stageKey(repo, id, parsePath('/')))).toEqual({ repo, commit: id, path: '/', dir: true });
  });

  it('round-trips any path through a stage key', () => {
    fc.assert(
      fc.property(filePath, (p) => {
        const parsed = keys.parseStageKey(keys.stageKey(repo, id, p));
        expect(parsed.path).toBe(p);
        expect(parsed.dir).toBe(p === '/');
      }),
    );
  });

  it('orders stage keys by UTF-8 bytes exactly as comparePaths orders paths', () => {
    fc.assert(
      fc.property(filePath, filePath, (a, b) => {
        const byKey = Math.sign(compareKeys(keys.stageKey(repo, id, a), keys.stageKey(repo, id, b)));
        const byBytes = Math.sign(Buffer.compare(Buffer.from(keys.stageKey(repo, id, a)), Buffer.from(keys.stageKey(repo, id, b))));
        expect(byKey).toBe(Math.sign(comparePaths(a, b)));
        expect(byBytes).toBe(byKey);
      }),
    );
  });

  it('puts a directory entry after the file entry and before the subtree', () => {
    const k = (p: string): string => keys.stageKey(repo, id, parsePath(p));
    const dir = keys.stageDirKey(repo, id, parsePath('/a'));
    const sorted = [k('/a.txt'), k('/a/z'), dir, k('/a'), k('/a/b/c'), k('/')].sort(compareKeys);
    expect(sorted).toEqual([k('/'), k('/a'), dir, k('/a/b/c'), k('/a/z'), k('/a.txt')]);
  });

  it('scans a directory subtree with its prefix and nothing else', async () => {
    const store = createMemoryMetaStore();
    const paths = ['/a', '/a/b', '/a/b/c', '/a.txt', '/a-b/c', '/ab', '/b'];
    for (const p of paths) await store.put(keys.stageKey(repo, id, parsePath(p)), new Uint8Array());
    await store.put(keys.stageKey(repo, id2, parsePath('/a/x')), new Uint8Array());
    const under: FilePath[] = [];
    for await (const [key] of store.scan({ prefix: keys.stageSubtreePrefix(repo, id, parsePath('/a')) })) under.push(keys.parseStageKey(key).path);
    expect(under).toEqual(['/a/b', '/a/b/c']);
    const all: FilePath[] = [];
    for await (const [key] of store.scan({ prefix: keys.stagePrefix(repo, id) })) all.push(keys.parseStageKey(key).path);
    expect(all).toEqual(['/a', '/a/b', '/a/b/c', '/a-b/c', '/a.txt', '/ab', '/b']);
  });

  it('keeps one repo\'s prefixes from matching another repo', () => {
    const other = parseRepoName('images-2');
    expect(keys.commitKey(other, id).startsWith(keys.commitPrefix(repo))).toBe(false);
    expect(keys.branchKey(other, parseBranchName('main')).startsWith(keys.branchPrefix(repo))).toBe(false);
    for (const prefix of keys.repoDataPrefixes(repo)) expect(keys.stageKey(other, id, parsePath('/x')).startsWith(prefix)).toBe(false);
  });

  it('reports malformed keys as META_CORRUPT naming the key', () => {
    expectCorrupt(() => keys.parseRepoKey('repo/bad name'), 'repo/bad name');
    expectCorrupt(() => keys.parseBranchKey('commit/images/main'), 'commit/images/main');
    expectCorrupt(() => keys.parseCommitKey('commit/images/xyz'), 'commit/images/xyz');
    expectCorrupt(() => keys.parseStageKey(`stage/images/${id}`), 'stage key needs an encoded path');
    expectCorrupt(() => keys.parseStageKey(`stage/images/${id}\u0001a\u0001\u0001b`), 'not normalised');
    expectCorrupt(() => keys.parseStageKey(`stage/images/${id}\u0001..`), '".." components');
  });
});

describe('ensureLayoutVersion', () => {
  it('stamps an empty store, accepts its own stamp, refuses another layout', async () => {
    const store = createMemoryMetaStore();
    await ensureLayoutVersion(store);
    expect(new TextDecoder().decode(await store.get(keys.META_VERSION_KEY))).toBe('{"v":1,"layout":1}');
    await ensureLayoutVersion(store);
    await store.put(keys.META_VERSION_KEY, encodeMetaVersion({ layout: 2 }));
    await expect(ensureLayoutVersion(store)).rejects.toMatchObject({ code: 'META_CORRUPT', message: expect.stringContaining('key layout 2') });
  });
});
