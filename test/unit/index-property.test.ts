// applyChanges against a reference model: random sorted maps and random change
// sets. The result must list exactly the model's files, and must be the very
// index (same root hash) a build from scratch makes: the canonical form that
// lets diff skip equal ranges across commits however they were made.
import fc from 'fast-check';
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
import { collect, createMemoryStore, fileEntry, sortChanges, sortEntries, sortPaths } from './index-helpers.ts';

// Tiny ranges (about 4 entries, forced cuts at a few chunk-heavy entries) so
// small maps span many ranges and every merge path runs.
const SMALL: Partial<CutParams> = { maskBits: 2, minEntries: 2, softBytes: 500, softMaskBits: 1, maxBytes: 900 };
// And tiny metarange groups (1 to 3 ranges, mostly cut by the count, so one
// range more or less shifts the cuts after it), so a base has many groups
// and applyChanges passes most of them whole and unread, re-cutting groups
// where the changes shift the cuts, until they line up again.
const SMALL_GROUPS: Partial<CutParams> = { ...SMALL, metaMaskBits: 3, metaMinRecords: 1, metaMaxRecords: 3 };

// Few names, so paths collide, share prefixes and nest. ' ', '!', '-' and '.'
// are below '/' in code point order but sort after a directory's subtree in
// path order; U+E000 against an astral character checks code point order.
const name = fc.constantFrom('a', 'b', 'a!', 'a b', 'a-b', 'a.txt', 'é', '\u{1F600}', '\uE000');
const path = fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join('/')}`);
const entry = fc
  .record({ path, version: fc.nat(3), chunks: fc.constantFrom(0, 1, 1, 1, 2, 9) })
  .map(({ path: p, version, chunks }) => fileEntry(p, version, chunks));
const change: fc.Arbitrary<IndexChange> = fc.oneof(
  { weight: 50, arbitrary: entry.map((e) => ({ op: 'put' as const, entry: e })) },
  { weight: 30, arbitrary: path.map((p) => ({ op: 'delete' as const, path: p })) },
  { weight: 10, arbitrary: path.map((p) => ({ op: 'deleteDir' as const, path: p })) },
  { weight: 1, arbitrary: fc.constant({ op: 'deleteDir' as const, path: '/' }) },
);
const baseEntries = fc.uniqueArray(entry, { selector: (e) => e.path, maxLength: 80 });

/** The model: changes applied one by one, in path order (the project's, src/ids.ts), to a plain map. */
function applyModel(base: Map<string, FileEntry>, changes: IndexChange[]): Map<string, FileEntry> {
  const out = new Map(base);
  for (const c of changes) {
    if (c.op === 'put') out.set(c.entry.path, c.entry);
    else if (c.op === 'delete') out.delete(c.path);
    else for (const p of [...out.keys()]) if (p.startsWith(c.path === '/' ? '/' : `${c.path}/`)) out.delete(p);
  }
  return out;
}

describe.each([
  ['ranges of ~4 entries', SMALL],
  ['groups of 1-3 such ranges', SMALL_GROUPS],
])('applyChanges against a model (%s)', (_, cut) => {
  it('gives the model files and the same root as a fresh build', async () => {
    await fc.assert(
      fc.asyncProperty(baseEntries, fc.array(fc.array(change, { maxLength: 25 }), { minLength: 1, maxLength: 3 }), async (base, rounds) => {
        const store = createMemoryStore();
        const reader = createIndexReader(store);
        let model = new Map(sortEntries(base).map((e) => [e.path, e]));
        let root = await buildIndex(store, sortEntries(base), { cut });
        for (const round of rounds) {
          const changes = sortChanges(round);
          const next = applyModel(model, changes);
          const { root: applied } = await applyChanges(store, root, changes, { cut });
          const expected = sortEntries([...next.values()]);
          expect(await collect(reader.walk(applied, '/'))).toEqual(expected);
          expect(applied).toBe(await buildIndex(store, expected, { cut }));
          expect(await reader.stat(applied)).toEqual({ files: next.size, bytes: expected.reduce((n, e) => n + e.size, 0) });
          await checkDiff(reader, applied, root, next, model);
          model = next;
          root = applied;
        }
      }),
      { numRuns: 300 },
    );
  });
});

async function checkDiff(
  reader: ReturnType<typeof createIndexReader>,
  newRoot: string | null,
  oldRoot: string | null,
  next: Map<string, FileEntry>,
  prev: Map<string, FileEntry>,
): Promise<void> {
  const paths = sortPaths(new Set([...next.keys(), ...prev.keys()]));
  const expected = paths.flatMap((p): DiffItem[] => {
    const n = next.get(p);
    const o = prev.get(p);
    if (n && !o) return [{ type: 'added', path: p, new: n }];
    if (o && !n) return [{ type: 'deleted', path: p, old: o }];
    if (n && o && JSON.stringify(n) !== JSON.stringify(o)) return [{ type: 'modified', path: p, new: n, old: o }];
    return [];
  });
  expect(await collect(reader.diff(newRoot, oldRoot))).toEqual(expected);
}
