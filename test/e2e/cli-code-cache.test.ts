// The CLI's V8 code cache (bin/strata.js, dist/cli.cjs.cache): the first
// command after a build writes it, later ones use it without writing it
// again, and a cache that does not belong to the bundle beside it (another
// build's, or bytes V8 rejects) is never used and is written anew. Runs a
// copy of this checkout's bin/ and dist/, so the real dist/ is not touched.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const exec = promisify(execFile);
let tmp: TempDir;
let cacheFile: string;
let digest: Buffer;

async function help(): Promise<string> {
  const { stdout } = await exec(process.execPath, [join(tmp.path, 'bin', 'strata.js'), '--help'], { env: { ...process.env, STRATA_CONFIG: join(tmp.path, 'config.json') } });
  return stdout;
}

/** A command that loads the SDK (and fails at once: nothing listens on port 1). */
async function callNowhere(): Promise<string> {
  const args = [join(tmp.path, 'bin', 'strata.js'), '--address', '127.0.0.1:1', '--connect-timeout', '0', 'repo', 'list'];
  const err = await exec(process.execPath, args, { env: { ...process.env, STRATA_CONFIG: join(tmp.path, 'config.json') } }).then(() => undefined, (e: { stderr: string }) => e);
  return err?.stderr ?? '';
}

beforeAll(async () => {
  tmp = await createTempDir('strata-code-cache');
  for (const part of ['package.json', 'bin', 'dist', 'proto']) await cp(join(ROOT, part), join(tmp.path, part), { recursive: true });
  await symlink(join(ROOT, 'node_modules'), join(tmp.path, 'node_modules'));
  cacheFile = join(tmp.path, 'dist', 'cli.cjs.cache');
  await rm(cacheFile, { force: true });
  digest = createHash('sha256').update(await readFile(join(tmp.path, 'dist', 'cli.cjs'))).digest();
});

afterAll(() => tmp?.remove());

describe('CLI code cache', () => {
  it('is written by the first command, for the bundle beside it, and then used as it is', async () => {
    expect(await help()).toMatch(/^Usage: strata/);
    const saved = await readFile(cacheFile);
    expect(saved.subarray(0, 32).equals(digest)).toBe(true);
    expect(saved.length).toBeGreaterThan(32 + 10_000);
    const first = await stat(cacheFile);
    expect(await help()).toMatch(/^Usage: strata/);
    const second = await stat(cacheFile);
    expect([second.ino, second.mtimeMs]).toEqual([first.ino, first.mtimeMs]); // accepted: not written again
  });

  it('is written anew when V8 rejects it, and the command runs the same', async () => {
    await writeFile(cacheFile, Buffer.concat([digest, Buffer.alloc(50_000, 7)]));
    expect(await help()).toMatch(/^Usage: strata/);
    const saved = await readFile(cacheFile);
    expect(saved.subarray(0, 32).equals(digest)).toBe(true);
    expect(saved.subarray(32, 1000).equals(Buffer.alloc(968, 7))).toBe(false);
  });

  it('made by a command without the SDK, is written anew (holding both) by the first one with it, then kept', async () => {
    await rm(cacheFile, { force: true });
    expect(await help()).toMatch(/^Usage: strata/);
    const byHelp = await readFile(cacheFile);
    expect(byHelp[32]).toBe(0);
    const helpWritten = await stat(cacheFile);
    expect(await callNowhere()).toMatch(/^strata: cannot reach the server at 127\.0\.0\.1:1/);
    const bySdk = await readFile(cacheFile);
    const sdkWritten = await stat(cacheFile);
    expect([sdkWritten.ino, sdkWritten.mtimeMs]).not.toEqual([helpWritten.ino, helpWritten.mtimeMs]);
    expect(bySdk.subarray(0, 32).equals(digest)).toBe(true);
    expect(bySdk[32]).toBe(1);
    expect(bySdk.length).toBeGreaterThan(byHelp.length); // the SDK's functions and help's
    // Covered now: neither another call nor help writes it again.
    await callNowhere();
    expect(await help()).toMatch(/^Usage: strata/);
    const after = await stat(cacheFile);
    expect([after.ino, after.mtimeMs]).toEqual([sdkWritten.ino, sdkWritten.mtimeMs]);
  });

  it('is not used when made from another build of the bundle', async () => {
    const other = Buffer.from(await readFile(cacheFile));
    other[0] = other[0]! ^ 0xff; // the digest of some other source
    await writeFile(cacheFile, other);
    expect(await help()).toMatch(/^Usage: strata/);
    expect((await readFile(cacheFile)).subarray(0, 32).equals(digest)).toBe(true);
  });
});
