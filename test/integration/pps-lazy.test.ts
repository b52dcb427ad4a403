// `lazy` pfs inputs: the datum's files are named pipes, and a file is read
// from the store only when the command opens it (counted on the pfs the
// pipeline system uses); a file opened a second time reads whole (it is a
// plain file by then) without a second fetch. Real pfs on LevelDB, the local executor's sandboxes.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalExecutor } from '../../src/pps/exec/local-executor.ts';
import { createPps, type Pps } from '../../src/pps/pps.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import { createTestPfs, get, ref, type TestPfs } from '../helpers/pfs.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let t: TestPfs & { remove(): Promise<void> };
let pps: Pps;
let tmp: TempDir;
const reads = new Map<string, number>();

/** The same pfs, counting getFile by path. */
function counting(pfs: Pfs): Pfs {
  return new Proxy(pfs, {
    get(target, prop, receiver) {
      if (prop === 'getFile') {
        return (r: unknown, path: string, ...rest: unknown[]) => {
          reads.set(path, (reads.get(path) ?? 0) + 1);
          return (target.getFile as (...a: unknown[]) => unknown)(r, path, ...rest);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

beforeEach(async () => {
  reads.clear();
  t = await createTestPfs();
  tmp = await createTempDir('strata-pps-lazy');
  await t.pfs.createRepo('words' as never);
  pps = await createPps({ pfs: counting(t.pfs), executor: createLocalExecutor({ env: process.env }), workDir: join(tmp.path, 'work') });
});

afterEach(async () => {
  await pps?.stop();
  await t.remove();
  await tmp.remove();
});

// Every input must be a pipe; files named skip-* are never opened; the others are read twice.
const CMD = `for f in /pfs/words/*; do
  test -p "$f" || { echo "not a pipe: $f" >&2; exit 9; }
  b=$(basename "$f")
  case "$b" in skip-*) echo untouched > "/pfs/out/$b" ;; *) cat "$f" > "/pfs/out/$b"; wc -c < "$f" > "/pfs/out/$b.len" ;; esac
done`;

async function lastJob() {
  const head = (await t.pfs.inspectCommit(ref('words@main'))).id;
  for (;;) {
    const j = (await pps.listJobs('lazy')).find((x) => x.inputs.some((i) => i.commit === head));
    if (j) return pps.waitJob('lazy', j.id);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('lazy inputs', () => {
  it.each([1, 2])('shows files as pipes and reads only the opened ones (parallelism %i)', async (parallelism) => {
    const big = Buffer.alloc(3 << 20, 'x'); // larger than a pipe's buffer: streamed with backpressure
    const files: Record<string, Buffer> = { '/a.txt': Buffer.from('alpha\n'), '/big.bin': big, '/skip-1': Buffer.from('never\n'), '/skip-2': Buffer.from('never\n'), '/c.txt': Buffer.from('gamma\n') };
    const w = await t.pfs.openWriter('words' as never, { branch: 'main' as never });
    for (const [p, b] of Object.entries(files)) await w.put(p as never, (async function* () { yield b; })());
    await w.close();
    const info = await pps.createPipeline(JSON.stringify({ pipeline: { name: 'lazy' }, transform: { cmd: ['sh', '-c', CMD] }, input: { pfs: { repo: 'words', glob: '/*', lazy: true } }, parallelism_spec: { constant: parallelism } }));
    expect(info.notApplied.map((n) => n.field)).not.toContain('input.pfs.lazy');
    const job = await lastJob();
    expect(job.state, job.reason).toBe('success');
    expect(await get(t.pfs, 'lazy@main:/a.txt')).toBe('alpha\n');
    expect(await get(t.pfs, 'lazy@main:/a.txt.len')).toBe('6\n');
    expect(await get(t.pfs, 'lazy@main:/big.bin.len')).toBe(`${big.length}\n`);
    expect((await t.pfs.inspectFile(ref('lazy@main'), '/big.bin' as never)).size).toBe(big.length);
    expect(await get(t.pfs, 'lazy@main:/skip-1')).toBe('untouched\n');
    expect(reads.get('/skip-1') ?? 0).toBe(0);
    expect(reads.get('/skip-2') ?? 0).toBe(0);
    expect(reads.get('/a.txt')).toBe(1);
  });
});
