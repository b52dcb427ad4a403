// The stored form of skipped datums (records.ts): layout 2 packs a batch in
// columns and leaves the outputs to the processed-datum index; layout 1
// (whole records, from before) still reads; a damaged batch is META_CORRUPT.
import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../../src/errors/index.ts';
import { encodeJson } from '../../../src/meta/record-fields.ts';
import { decodeSkippedBatch, encodeSkippedBatch, type DatumRecord } from '../../../src/pps/records.ts';

const h = (c: string): string => c.repeat(64);
const skipped = (id: string, inputs: DatumRecord['inputs']): DatumRecord => ({
  id: h(id), job: 'j'.repeat(32), hash: h(id === 'a' ? 'b' : 'c'), state: 'skipped', inputs, outputs: [{ path: '/o', size: 1, hash: h('d'), chunks: [] }],
  fromJob: 'f'.repeat(32), tries: 0, reason: '', startedAt: 1700000000000, finishedAt: 1700000000000,
});
const input = (name: string, path: string, commit = '1'.repeat(32)) => ({ name, repo: `${name}-repo`, commit, path, hash: h('e') });

describe('skipped-datum batches', () => {
  it('layout 2 keeps everything but the outputs, which are left to be resolved', () => {
    const batch = [skipped('a', [input('x', '/1'), input('y', '/2')]), skipped('9', [input('x', '/3'), input('y', '/2', '2'.repeat(32))])];
    const back = decodeSkippedBatch(encodeSkippedBatch('j'.repeat(32), batch));
    expect(back).toEqual(batch.map((d) => ({ ...d, outputs: [], unresolved: true })));
  });

  it('is smaller than whole records', () => {
    const batch = Array.from({ length: 500 }, (_, i) => skipped('a', [input('in', `/f${i}`)]));
    const whole = encodeJson({ v: 1, datums: batch as never });
    expect(encodeSkippedBatch('j'.repeat(32), batch).length).toBeLessThan(whole.length * 0.6);
  });

  it('reads layout 1 batches (whole records, outputs included)', () => {
    const d = skipped('a', [input('x', '/1')]);
    expect(decodeSkippedBatch(encodeJson({ v: 1, datums: [d] as never }))).toEqual([d]);
  });

  it.each([
    [{ v: 1, layout: 3, job: 'j', at: 0, sources: [], rows: [] }, 'layout'],
    [{ v: 1, layout: 2, job: 'j', at: 0, sources: [['x', 'r', 'c']], rows: [['id', 'h', 'f', [5, '/p', 'h']]] }, 'rows[0][3]'],
    [{ v: 1, layout: 2, job: 'j', at: 0, sources: [], rows: [['id', 7, 'f', []]] }, 'rows[0][1]'],
  ])('refuses a damaged batch naming the field (%#)', (obj, field) => {
    let err: unknown;
    try {
      decodeSkippedBatch(encodeJson(obj as never));
    } catch (e) {
      err = e;
    }
    expect(isStrataError(err, 'META_CORRUPT')).toBe(true);
    expect((err as Error).message).toContain(field);
  });
});
