// docs/errors.md lists every code of the catalogue with its kind, gRPC
// status, HTTP status and exit code; regenerate it with scripts/errors-doc.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, KIND_TABLE } from '../../src/errors/index.ts';
import { ERRORS_DOC, renderErrorTables, withTables } from '../../scripts/errors-doc.ts';

const doc = readFileSync(ERRORS_DOC, 'utf8');

describe('docs/errors.md', () => {
  it('holds the tables generated from the catalogue (run: tsx scripts/errors-doc.ts)', () => {
    expect(doc).toContain(renderErrorTables());
    expect(withTables(doc)).toBe(doc);
  });

  it('has one row per code, naming its kind and presentation', () => {
    const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(Object.keys(ERROR_CODES).length);
    for (const [code, kind] of Object.entries(ERROR_CODES)) {
      const row = rows.find((r) => r.startsWith(`| \`${code}\` |`));
      expect(row, code).toBeDefined();
      const cells = row!.split('|').map((c) => c.trim());
      expect(cells[2]).toBe(kind);
      expect(cells[3]).toMatch(new RegExp(`\\(${KIND_TABLE[kind].grpc}\\)$`));
      expect(Number(cells[4])).toBe(KIND_TABLE[kind].http);
      expect(Number(cells[5])).toBe(KIND_TABLE[kind].exit);
    }
  });
});
