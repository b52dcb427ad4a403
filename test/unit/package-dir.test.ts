// The product is bundled into dist/, where a module's depth in the tree is
// not its depth in the source: a `new URL('../..', import.meta.url)` that
// works under vitest points elsewhere in the build. Package files are found
// through src/package-dir.ts instead; this test keeps it that way.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageDir, protoDir, strataVersion } from '../../src/package-dir.ts';

function sources(dir: string): string[] {
  return readdirSync(join(packageDir(), dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('package files', () => {
  it('are found from the package root', () => {
    expect(readFileSync(join(protoDir(), 'strata/pfs/v1/pfs.proto'), 'utf8')).toMatch(/service PfsService/);
    expect(strataVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('are never reached by a relative URL from a product module', () => {
    const offenders = ['src', 'server', 'client']
      .flatMap(sources)
      .filter((file) => /new URL\(\s*['"`]\.\.?\/[^)]*import\.meta\.url/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
