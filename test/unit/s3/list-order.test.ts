// S3 lists keys in UTF-8 byte order; Strata's index sorts component by
// component. listKeys must give S3's order for every prefix, delimiter and
// start key, reading only what it needs. Checked against a plain sort of
// the same keys, for every start position, over names that exercise the
// difference (`a-1`, `a.txt`, `a/`, `a0`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listKeys } from '../../../server/s3/list.ts';
import type { Ref } from '../../../src/ref.ts';
import { branch, createTestPfs, path, repo, type TestPfs } from '../../helpers/pfs.ts';

const KEYS = ['a!', 'a-1', 'a.txt', 'a/b-c', 'a/b/c', 'a/b.d', 'a0', 'ab/c', 'b-', 'b/a-1/x', 'b/a/x', 'b/a.x', 'z z/q', 'é/1', '日本/語'];

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** S3's answer, computed the obvious way. */
function reference(prefix: string, delimiter: string | undefined, after: string | undefined): string[] {
  const out: string[] = [];
  for (const k of [...KEYS].sort(byteOrder)) {
    if (!k.startsWith(prefix)) continue;
    const at = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
    const item = at >= 0 ? k.slice(0, at + delimiter!.length) : k;
    if (after !== undefined && (byteOrder(item, after) <= 0 || (at >= 0 && after.startsWith(item)))) continue;
    if (out.at(-1) !== item) out.push(item);
  }
  return out;
}

describe('listing keys in S3 order', () => {
  let t: TestPfs & { remove(): Promise<void> };
  const ref: Ref = { repo: repo('l'), target: { kind: 'branch', branch: branch('main') }, ancestry: null, path: null, trailingSlash: false };

  beforeAll(async () => {
    t = await createTestPfs();
    await t.pfs.createRepo(repo('l'));
    const w = await t.pfs.openWriter(repo('l'), { branch: branch('main') });
    for (const k of KEYS) await w.put(path(`/${k}`), (async function* () { yield Buffer.from(k); })());
    await w.close();
  });
  afterAll(async () => t?.remove());

  const list = async (prefix: string, delimiter: string | undefined, after: string | undefined) => {
    const out: string[] = [];
    for await (const item of listKeys(t.pfs, ref, prefix, delimiter, after)) out.push('key' in item ? item.key : item.prefix);
    return out;
  };

  for (const delimiter of [undefined, '/', '-']) {
    for (const prefix of ['', 'a', 'a/', 'a/b', 'b/', 'b/a', 'zz', 'é']) {
      it(`prefix "${prefix}" delimiter ${delimiter ?? 'none'}: every start key gives S3's order`, async () => {
        const all = reference(prefix, delimiter, undefined);
        expect(await list(prefix, delimiter, undefined)).toEqual(all);
        // Resuming after each returned item (what a continuation token does), and after keys that are not listed.
        for (const after of [...all, ...KEYS, 'a/', 'a.', 'b/a', '']) {
          expect(await list(prefix, delimiter, after), `after ${after}`).toEqual(reference(prefix, delimiter, after));
        }
      });
    }
  }
});
