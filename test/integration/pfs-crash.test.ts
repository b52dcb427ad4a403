// kill -9 at a random moment (during a put, a finish or GC), then restart:
// every acknowledged commit is readable and intact, and fsck is clean.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collect, seededBytes } from '../helpers/bytes.ts';
import { openPfsAt, ref, path } from '../helpers/pfs.ts';
import { createTempDir } from '../helpers/tmp.ts';

const writer = fileURLToPath(new URL('./pfs-crash-writer.ts', import.meta.url));

/**
 * Starts the writer, waits for its first acknowledged commit (start-up time
 * varies a lot on a loaded machine), then kills it -9 `afterMs` later.
 */
async function runAndKill(dir: string, afterMs: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let started: () => void = () => undefined;
  const firstLine = new Promise<void>((r) => (started = r));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('\n')) started();
  });
  const exited = new Promise((r) => child.once('exit', r));
  await Promise.race([firstLine, exited]);
  await new Promise((r) => setTimeout(r, afterMs));
  child.kill('SIGKILL');
  await exited;
  return out.split('\n').filter((l) => l.length > 0);
}

describe('crash safety', () => {
  it('survives kill -9 at random moments: acknowledged commits intact, fsck clean', async () => {
    const tmp = await createTempDir('strata-crash');
    const acknowledged: string[] = [];
    for (let round = 0; round < 3; round++) {
      acknowledged.push(...(await runAndKill(tmp.path, Math.floor(Math.random() * 1500))));
      const t = await openPfsAt(tmp.path);
      const report = await t.pfs.fsck({ verifyData: true });
      expect(report.problems).toEqual([]);
      expect(report.data!.problems).toEqual([]);
      for (const line of acknowledged) {
        const [id, i, size] = line.split(' ');
        const data = await collect(await t.pfs.getFile(ref(`crash@${id}`), path(`/files/f${i}`)));
        expect(data.equals(seededBytes(`crash-${i}`, Number(size)))).toBe(true);
      }
      // a one-off commit cut short was aborted: the head is finished and writable
      const head = await t.pfs.inspectCommit(ref('crash@main')).catch(() => undefined);
      if (head) expect(head.state).toBe('finished');
      await t.close();
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(3); // each round waits for one acknowledged commit before the kill
    await tmp.remove();
  }, 120_000);
});
