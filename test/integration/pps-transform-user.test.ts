// transform.user with the local executor: commands run as that uid/gid
// (the server runs as root here), in a job's kept sandboxes and in a
// sandbox per datum alike; an unknown user name is refused at create,
// naming the field, and nothing is made.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStrataError } from '../../src/errors/index.ts';
import { createLocalExecutor } from '../../src/pps/exec/local-executor.ts';
import { createPps, type Pps } from '../../src/pps/pps.ts';
import { createTestPfs, get, put, ref, type TestPfs } from '../helpers/pfs.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const isRoot = process.getuid?.() === 0;
let t: TestPfs & { remove(): Promise<void> };
let pps: Pps;
let tmp: TempDir;

beforeEach(async () => {
  t = await createTestPfs();
  tmp = await createTempDir('strata-pps-user');
  await t.pfs.createRepo('words' as never);
  pps = await createPps({ pfs: t.pfs, executor: createLocalExecutor({ env: process.env }), workDir: join(tmp.path, 'work') });
});

afterEach(async () => {
  await pps?.stop();
  await t.remove();
  await tmp.remove();
});

const spec = (user: string) =>
  JSON.stringify({
    pipeline: { name: 'who' },
    transform: { cmd: ['sh', '-c', 'for f in /pfs/words/*; do echo "$(id -u):$(id -g) $(cat "$f")" > /pfs/out/$(basename "$f"); done'], user },
    input: { pfs: { repo: 'words', glob: '/*' } },
    parallelism_spec: { constant: 1 },
  });

async function lastJob() {
  const head = (await t.pfs.inspectCommit(ref('words@main'))).id;
  for (;;) {
    const j = (await pps.listJobs('who')).find((x) => x.inputs.some((i) => i.commit === head));
    if (j) return pps.waitJob('who', j.id);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('transform.user', () => {
  it.skipIf(!isRoot)('runs every datum as the user, with many datums (kept sandbox) and with one', async () => {
    const w = await t.pfs.openWriter('words' as never, { branch: 'main' as never });
    for (const n of ['a', 'b', 'c', 'd', 'e']) await w.put(`/${n}` as never, (async function* () { yield Buffer.from(n); })());
    await w.close();
    const info = await pps.createPipeline(spec('65534:65533'));
    expect(info.notApplied.map((n) => n.field)).not.toContain('transform.user');
    let job = await lastJob();
    expect(job.state, job.reason).toBe('success');
    for (const n of ['a', 'e']) expect(await get(t.pfs, `who@main:/${n}`)).toBe(`65534:65533 ${n}\n`);
    await put(t.pfs, 'words@main:/f', 'f');
    job = await lastJob();
    expect(job.counts).toMatchObject({ processed: 1, skipped: 5 });
    expect(await get(t.pfs, 'who@main:/f')).toBe('65534:65533 f\n');
  });

  it('refuses an unknown user name at create, naming the field, and makes nothing', async () => {
    const err = await pps.createPipeline(spec('no-such-user-x')).catch((e: unknown) => e);
    if (!isRoot) return; // not applied there: the server cannot switch users
    expect(isStrataError(err, 'INVALID_PIPELINE_SPEC')).toBe(true);
    expect((err as Error).message).toMatch(/transform\.user "no-such-user-x": no user "no-such-user-x"/);
    expect(await pps.listPipelines()).toEqual([]);
    await expect(t.pfs.inspectRepo('who' as never)).rejects.toThrow(/not found/);
  });
});
