// The pipeline system over a real pfs (LevelDB + local chunks) with the
// local executor: first run, skip of unchanged datums, modify, delete,
// output collision, failures with retries and err_cmd, and a kill -9 style
// restart that resumes a job. The gRPC/CLI path is covered by test/e2e.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalExecutor } from '../../src/pps/exec/local-executor.ts';
import { createPps, type Pps } from '../../src/pps/pps.ts';
import { all, createTestPfs, get, put, ref, type TestPfs } from '../helpers/pfs.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let t: TestPfs & { remove(): Promise<void> };
let pps: Pps;
let tmp: TempDir;

async function start(): Promise<void> {
  pps = await createPps({ pfs: t.pfs, executor: createLocalExecutor({ env: process.env }), workDir: join(tmp.path, 'work') });
}

beforeEach(async () => {
  t = await createTestPfs();
  tmp = await createTempDir('strata-pps');
  await t.pfs.createRepo('words' as never);
  await start();
});

afterEach(async () => {
  await pps?.stop();
  await t.remove();
  await tmp.remove();
});

const spec = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    pipeline: { name: 'upper' },
    transform: { cmd: ['sh', '-c', 'for f in /pfs/words/*; do tr a-z A-Z < "$f" > /pfs/out/$(basename "$f"); echo ran >> /tmp/strata-pps-runs-$PPS_PIPELINE_NAME; done'] },
    input: { pfs: { repo: 'words', glob: '/*' } },
    ...over,
  });

/** The job reading the head of words@main (waiting for the controller to make it), once it ends. */
async function lastJob(pipeline = 'upper') {
  const head = (await t.pfs.inspectCommit(ref('words@main'))).id;
  for (;;) {
    const j = (await pps.listJobs(pipeline)).find((x) => x.inputs.some((i) => i.commit === head));
    if (j) return pps.waitJob(pipeline, j.id);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('pps core', () => {
  it('runs, skips unchanged datums, reprocesses modified ones and removes deleted outputs', async () => {
    await put(t.pfs, 'words@main:/a.txt', 'alpha');
    await put(t.pfs, 'words@main:/b.txt', 'beta');
    await pps.createPipeline(spec());
    let job = await lastJob();
    expect(job.state, job.reason).toBe('success');
    expect(job.counts).toMatchObject({ total: 2, processed: 2, skipped: 0 });
    expect(await get(t.pfs, 'upper@main:/a.txt')).toBe('ALPHA');
    await put(t.pfs, 'words@main:/c.txt', 'gamma');
    job = await lastJob();
    expect(job.counts).toMatchObject({ total: 3, processed: 1, skipped: 2 });
    expect(await get(t.pfs, 'upper@main:/c.txt')).toBe('GAMMA');
    const head = await t.pfs.inspectCommit(ref('upper@main'));
    expect(head.provenance.map((p) => p.repo)).toEqual(['words']);
    expect(head.metadata['pps.job']).toBe(job.id);
    const w = await t.pfs.openWriter('words' as never, { branch: 'main' as never });
    await w.delete('/a.txt' as never);
    await w.close();
    job = await lastJob();
    expect(job.counts).toMatchObject({ total: 2, processed: 0, skipped: 2 });
    expect((await all(t.pfs.listFiles(ref('upper@main'), '/' as never))).map((f) => f.path)).toEqual(['/b.txt', '/c.txt']);
  });

  it('fails a job on an output collision, naming both datums and the path', async () => {
    await put(t.pfs, 'words@main:/a.txt', 'alpha');
    await put(t.pfs, 'words@main:/b.txt', 'beta');
    await pps.createPipeline(spec({ transform: { cmd: ['sh', '-c', 'echo x > /pfs/out/same'] } }));
    const job = await lastJob();
    expect(job.state).toBe('failure');
    expect(job.reason).toMatch(/both wrote \/same/);
  });

  it('retries a failing datum, keeps its log, and err_cmd recovers', async () => {
    await put(t.pfs, 'words@main:/bad.txt', 'x');
    await pps.createPipeline(spec({ datum_tries: 2, transform: { cmd: ['sh', '-c', 'echo trying >&2; exit 3'] } }));
    const job = await lastJob();
    expect(job.state).toBe('failure');
    const [d] = await pps.listDatums('upper', job.id);
    expect(d).toMatchObject({ state: 'failed', tries: 2 });
    const logs = await all(pps.logs('upper', { job: job.id }, new AbortController().signal));
    expect(logs.map((l) => l.text).join('').match(/trying/g)).toHaveLength(2);
    await pps.createPipeline(spec({ datum_tries: 1, transform: { cmd: ['sh', '-c', 'exit 3'], err_cmd: ['true'] } }), { update: true });
    const again = await lastJob();
    expect(again.state, again.reason).toBe('success');
    expect(again.counts.recovered).toBe(1);
  });

  it('a cron input commits a tick file to its repo, and each tick makes a job', async () => {
    await pps.createPipeline(JSON.stringify({ pipeline: { name: 'ticker' }, transform: { cmd: ['sh', '-c', 'ls /pfs/tick > /pfs/out/seen'] }, input: { cron: { name: 'tick', spec: '@every 1s', overwrite: true } } }));
    let job;
    while (!(job = (await pps.listJobs('ticker'))[0])) await new Promise((r) => setTimeout(r, 50));
    job = await pps.waitJob('ticker', job.id);
    expect(job.state, job.reason).toBe('success');
    expect(job.inputs[0]).toMatchObject({ name: 'tick', repo: 'ticker_tick' });
    expect(await get(t.pfs, 'ticker@main:/seen')).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\n$/);
    await pps.deletePipeline('ticker');
    await expect(t.pfs.inspectRepo('ticker_tick' as never)).rejects.toThrow(/not found/);
  });

  it('resumes a job that a restart cut short', async () => {
    await put(t.pfs, 'words@main:/a.txt', 'alpha');
    await pps.createPipeline(spec({ transform: { cmd: ['sh', '-c', 'sleep 1; echo done > /pfs/out/a'] } }));
    const [j] = await pps.listJobs('upper');
    // Simulate a crash: the job record says running, the server goes away.
    await pps.stop();
    const stale = await pps.inspectJob('upper', j!.id);
    expect(['created', 'starting', 'running']).toContain(stale.state);
    await start();
    const job = await pps.waitJob('upper', j!.id);
    expect(job.state, job.reason).toBe('success');
    expect(await get(t.pfs, 'upper@main:/a')).toBe('done\n');
  });
});

describe('pps and garbage collection', () => {
  it('keeps the chunks of outputs that only a failed job made (a later job reuses them)', async () => {
    await put(t.pfs, 'words@main:/good.txt', 'unique bytes of good\n');
    await put(t.pfs, 'words@main:/bad.txt', 'x');
    await pps.createPipeline(spec({ datum_tries: 1, transform: { cmd: ['sh', '-c', '[ -e /pfs/words/bad.txt ] && exit 1; tr a-z A-Z < /pfs/words/good.txt > /pfs/out/kept.txt'] } }));
    expect((await lastJob()).state).toBe('failure');
    await t.pfs.gc({ graceMs: 0 });
    const w = await t.pfs.openWriter('words' as never, { branch: 'main' as never });
    await w.delete('/bad.txt' as never);
    await w.close();
    const job = await lastJob();
    expect(job.counts).toMatchObject({ skipped: 1, processed: 0 });
    expect(await get(t.pfs, 'upper@main:/kept.txt')).toBe('UNIQUE BYTES OF GOOD\n');
  });
});
