// Where Strata's own files are (proto/, package.json), found by walking up
// from the calling module to the directory that holds Strata's package.json.
// A fixed relative URL would break once code is bundled into dist/, where a
// module's depth in the tree is no longer its depth in the source.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

/** The package's root directory (with a trailing separator's worth of nothing: join paths onto it). */
export function packageDir(): string {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'strata') return (found = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`strata: no package.json of strata above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The directory of the .proto files, the wire contract. */
export function protoDir(): string {
  return join(packageDir(), 'proto');
}

/** Strata's version, from its package.json. */
export function strataVersion(): string {
  return (JSON.parse(readFileSync(join(packageDir(), 'package.json'), 'utf8')) as { version: string }).version;
}
