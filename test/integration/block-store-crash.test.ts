// kill -9 in the middle of writes to the local block store: afterwards every
// visible object is complete, and opening the store sweeps the temp files the
// dead writer left. The writer is a real child process (block-store-crash-writer.ts).
import { spawn } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { once } from 'node:events';
import { readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLocalBlockStore } from '../../src/blocks/local-block-store.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const WRITER = fileURLToPath(new URL('./block-store-crash-writer.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = 3;

let dir: TempDir;
beforeAll(async () => {
  dir = await createTempDir('strata-crash');
});
afterAll(async () => {
  await dir.remove();
});

/** Starts a writer, lets it finish `puts` objects plus a random moment, SIGKILLs it; returns its pid once reaped. */
async function killWriterMidway(root: string, puts: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, root], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    let done = 0;
    child.on('message', () => {
      if (++done === puts) setTimeout(resolve, randomInt(0, 100));
    });
    child.once('exit', (code, signal) => reject(new Error(`writer exited early: code ${code}, signal ${signal}`)));
  });
  child.kill('SIGKILL');
  const [, signal] = await exited; // reaped: its pid no longer counts as alive
  expect(signal).toBe('SIGKILL');
  return child.pid!;
}

it('shows only complete objects after kill -9 mid-write, and sweeps temp files on open', async () => {
  const root = join(dir.path, 'store');
  const tempDir = join(root, '.tmp');
  let leftovers = 0;
  let deadPid = 0;
  for (let round = 0; round < ROUNDS; round++) {
    deadPid = await killWriterMidway(root, 4 + round * 3);
    leftovers += (await readdir(tempDir)).length;
  }
  // Besides what the writer left: a stale name from the dead pid, a foreign
  // name, and one whose writer (our parent process) is alive and must stay.
  await writeFile(join(tempDir, `${deadPid}-0123456789ab-feed.tmp`), 'partial');
  await writeFile(join(tempDir, 'not-ours.tmp'), 'junk');
  const liveName = `${process.ppid}-0123456789ab-beef.tmp`;
  await writeFile(join(tempDir, liveName), 'in flight');
  // Names with the writer's host (a directory shared by machines): this host's dead writer is swept,
  // another machine's writer is not judged by this machine's pids.
  await writeFile(join(tempDir, `${Buffer.from(hostname()).toString('hex')}.${deadPid}-0123456789ab-dead.tmp`), 'partial');
  const otherHost = `${Buffer.from('another-machine').toString('hex')}.${deadPid}-0123456789ab-cafe.tmp`;
  await writeFile(join(tempDir, otherHost), 'in flight elsewhere');

  const store = await createLocalBlockStore({ root });
  expect((await readdir(tempDir)).sort()).toEqual([liveName, otherHost].sort());

  let objects = 0;
  for await (const key of store.list('')) {
    const data = await store.get(key);
    expect(createHash('sha256').update(data).digest('hex'), `object ${key} is partial`).toBe(basename(key));
    objects++;
  }
  expect(objects).toBeGreaterThanOrEqual(4 + 7 + 10);
  // The kills did land mid-write: a kill amid four concurrent multi-MiB writes
  // leaves two or three temp files in practice, so none in three rounds would be news.
  expect(leftovers).toBeGreaterThan(0);
  await store.close();
});
