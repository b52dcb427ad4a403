// docs/s3.md's "Error codes" table lists every code of the gateway's
// catalogue (S3_ERRORS) with its HTTP status, as fastify holds its error
// codes to its docs; and every code in the catalogue is one the gateway can
// answer (raised in server/s3, or a translation of a core error kind).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { S3_ERRORS } from '../../../server/s3/errors.ts';

const root = new URL('../../../', import.meta.url);
const doc = readFileSync(new URL('docs/s3.md', root), 'utf8');

function docTable(): Map<string, number> {
  const section = doc.slice(doc.indexOf('## Error codes'));
  const end = section.indexOf('\n## ', 3);
  const rows = (end < 0 ? section : section.slice(0, end)).split('\n').filter((l) => l.startsWith('| `'));
  return new Map(rows.map((r) => {
    const cells = r.split('|').map((c) => c.trim());
    return [cells[1]!.replace(/`/g, ''), Number(cells[2])];
  }));
}

describe('docs/s3.md error codes', () => {
  it('has one row per code of S3_ERRORS, with its HTTP status, and no other', () => {
    const table = docTable();
    expect([...table.keys()].sort()).toEqual(Object.keys(S3_ERRORS).sort());
    for (const [code, status] of Object.entries(S3_ERRORS)) expect(table.get(code), code).toBe(status);
  });

  it('lists only codes the gateway can answer', () => {
    const dir = new URL('server/s3/', root);
    const source = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => {
      const text = readFileSync(new URL(f, dir), 'utf8');
      return f === 'errors.ts' ? text.slice(text.indexOf('const BY_KIND')) : text; // the catalogue itself does not count
    }).join('\n');
    for (const code of Object.keys(S3_ERRORS)) expect(source, code).toContain(`'${code}'`);
  });
});
