// A datum's match hash, id and hash are stored (processed-datum index,
// datum records) and compared by every later job: a change of formula
// would make every pipeline reprocess everything once. Pinned here; the
// values were computed by the first implementation (incremental SHA-256).
import { describe, expect, it } from 'vitest';
import { datumId, matchFiles, type IndexedFile } from '../../../src/pps/datums.ts';
import { compileDatumGlob } from '../../../src/pps/glob.ts';
import { datumHash } from '../../../src/pps/job-run.ts';
import type { PipelineRecord } from '../../../src/pps/records.ts';
import type { PipelineSpec } from '../../../src/pps/spec-types.ts';

const files: IndexedFile[] = [
  { path: '/a/1.txt', hash: 'aa'.repeat(32), size: 3 },
  { path: '/a/2.txt', hash: 'bb'.repeat(32), size: 4 },
  { path: '/b.txt', hash: 'cc'.repeat(32), size: 5 },
];

describe('datum hashes (golden)', () => {
  it.each([
    ['/', [['/', '78e01dd63f86a4c50916e591ce8878254a09f87d05513fc1110b8aa50e6c423b']]],
    ['/*', [['/a', '74423044e523eada6de350e071f89dafa5ae9c0ac78f1df391b23141abc68dba'], ['/b.txt', '7e2adef76d70f81cf700f4b9e5119bf785f72e0276a5c725882f3d7e70450bc9']]],
    ['/*/*', [['/a/1.txt', 'e0147b9178649798d425208c8c52f12f355ab5eb151eace598f86d19f9a534a8'], ['/a/2.txt', 'dc76493fcb08881fe9baf2462b86ff7375449a4b037b58f160dba27f9517cd20']]],
  ])('match hashes of glob %s', async (glob, want) => {
    expect((await matchFiles(files, compileDatumGlob(glob))).map((m) => [m.path, m.hash])).toEqual(want);
  });

  it('a match of many files hashes as one of few (the long form is streamed)', async () => {
    const many: IndexedFile[] = Array.from({ length: 5000 }, (_, i) => ({ path: `/d/${String(i).padStart(5, '0')}`, hash: 'ab'.repeat(32), size: 1 }));
    const [whole] = await matchFiles(many, compileDatumGlob('/*'));
    expect(whole!.hash).toBe('71f8b31e512ba66d48fc520bd9640343bcdb2b736f7595682349ff4e4863bd0e');
  });

  it('datum id and hash', () => {
    const inputs = [{ name: 'x', path: '/a', hash: 'dd'.repeat(32) }, { name: 'y', path: '/b.txt', hash: 'ee'.repeat(32) }];
    const id = datumId(inputs);
    expect(id).toBe('a4e2d1beb23dc1ef275a1e38b4d92058d3d8d98692ad06dc9e93525bb3936e8b');
    const d = { id, inputs } as unknown as Parameters<typeof datumHash>[0];
    const spec = { salt: 'pepper' } as PipelineSpec;
    const p = { hashTransform: 'ff'.repeat(32), reprocessSalt: '0123' } as PipelineRecord;
    expect(datumHash(d, spec, p)).toBe('2516e62e4cfd88180dd7ac34ee72283f44aa4bac6c6f89d8528e5ad941bfc97d');
  });
});
