// The release this code belongs to: the `version` of Strata's package.json.
// Found by walking up from this file, so it holds whether the code runs from
// the source tree (tsx) or from a compiled copy under dist/.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function strataVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'strata' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // no package.json here (or not readable): keep walking up
    }
    const up = dirname(dir);
    if (up === dir) return (cached = 'unknown');
    dir = up;
  }
}
