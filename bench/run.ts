// `npm run bench -- <name> [options]` runs bench/<name>.ts, whose run(args) does the work.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here).filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.slice(0, -3)).sort();
const [name, ...args] = process.argv.slice(2);
if (name === undefined || !available.includes(name)) {
  if (name !== undefined) console.error(`unknown benchmark "${name}"`);
  console.error(`usage: npm run bench -- <name> [options]   (see docs/benchmarks.md)\navailable: ${available.join(', ')}`);
  process.exit(name === undefined ? 0 : 2);
}
// Benchmarks measure what users run: the build in dist/, made fresh from the sources.
execFileSync(process.execPath, [join(here, '..', 'scripts', 'build.mjs'), '--quiet'], { stdio: 'inherit' });
const bench = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as { run(args: string[]): Promise<void> };
await bench.run(args);
