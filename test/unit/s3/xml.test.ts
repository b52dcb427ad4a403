// The gateway's XML writer against fast-xml-parser's builder (which it
// replaced for speed): the same bytes for every document shape it is given.
import fc from 'fast-check';
import { XMLBuilder } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildXml, contentsXml, xmlDocument } from '../../../server/s3/xml.ts';

const reference = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', suppressEmptyNode: false, processEntities: true });

describe('buildXml', () => {
  it('writes what fast-xml-parser writes, for the shapes responses use', () => {
    const docs: Record<string, unknown>[] = [
      { R: { '@xmlns': 'x&y', A: '', B: [], C: [{ K: `a<b>&"'`, N: 1 }, { K: 'c' }], D: true, E: undefined, F: null, G: { H: 0 }, I: [''], J: {} } },
      { ListBucketResult: { Name: 'b', Prefix: 'a/', KeyCount: 2, IsTruncated: false, Contents: [{ Key: 'a/<&>.txt', Size: 3, Owner: { ID: 'strata' } }, { Key: 'a/é😀', Size: 0 }], CommonPrefixes: [] } },
    ];
    for (const d of docs) {
      const [name, value] = Object.entries(d)[0]!;
      expect(buildXml(name, value)).toBe(reference.build(d));
    }
    expect(xmlDocument({ Error: { Code: 'NoSuchKey', Key: 'x&y' } })).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Key>x&amp;y</Key></Error>`);
  });

  it('matches fast-xml-parser on random documents', () => {
    const name = fc.stringMatching(/^[A-Z][A-Za-z]{0,8}$/);
    const leaf = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), tie('node')),
      node: fc.dictionary(name, tie('tree'), { maxKeys: 4 }),
    }));
    fc.assert(
      fc.property(name, fc.dictionary(name, tree, { maxKeys: 5 }), (root, body) => {
        expect(buildXml(root, body)).toBe(reference.build({ [root]: body }));
      }),
      { numRuns: 300 },
    );
  });
});

describe('contentsXml', () => {
  it("writes a listing's <Contents> as buildXml and fast-xml-parser write the same objects", () => {
    const owner = { ID: 'strata', DisplayName: 'strata' };
    const entry = fc.record({ key: fc.oneof(fc.string(), fc.string({ unit: 'grapheme' })), lastModified: fc.constantFrom('2026-12-03T18:00:00.000Z', 'a&b'), etag: fc.oneof(fc.constant('"ab12-3"'), fc.string()), size: fc.nat() });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 5 }), fc.boolean(), (entries, withOwner) => {
        const objects = entries.map((e) => ({ Key: e.key, LastModified: e.lastModified, ETag: e.etag, Size: e.size, ...(withOwner ? { Owner: owner } : {}), StorageClass: 'STANDARD' }));
        const doc = { ListBucketResult: { Name: 'b', Contents: objects, CommonPrefixes: [] } };
        const raw = buildXml('ListBucketResult', { Name: 'b', Contents: contentsXml(entries, withOwner ? owner : undefined), CommonPrefixes: [] });
        expect(raw).toBe(buildXml('ListBucketResult', doc.ListBucketResult));
        expect(raw).toBe(reference.build(doc));
      }),
      { numRuns: 300 },
    );
  });
});
