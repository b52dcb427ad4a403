// The job indexes (src/pps/store.ts, keys in src/meta/keys.ts): choosing
// and showing jobs reads no job history (no scan of a pipeline's job
// records), whatever the number of jobs; a store written before the indexes
// existed is indexed once at start, and the job a crash left unfinished is
// still found and resumed. Real pfs (LevelDB + local chunks), local executor.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalExecutor } from '../../src/pps/exec/local-executor.ts';
import { createPps, type Pps } from '../../src/pps/pps.ts';
import { createTestPfs, get, put, ref, type TestPfs } from '../helpers/pfs.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let t: TestPfs & { remove(): Promise<void> };
let pps: Pps;
let tmp: TempDir;
/** Prefixes of every scan of the metadata store since the last reset. */
let scans: string[] = [];

async function start(): Promise<void> {
  pps = await createPps({ pfs: t.pfs, executor: createLocalExecutor({ env: process.env }), workDir: join(tmp.path, 'work'), pollMs: 600_000 });
}

beforeEach(async () => {
  t = await createTestPfs();
  tmp = await createTempDir('strata-pps-index');
  const meta = t.pfs.context.meta;
  const scan = meta.scan.bind(meta);
  meta.scan = (o) => (scans.push(o?.prefix ?? ''), scan(o));
  await t.pfs.createRepo('words' as never);
  await start();
});

afterEach(async () => {
  await pps?.stop();
  await t.remove();
  await tmp.remove();
});

const spec = (cmd: string) => JSON.stringify({ pipeline: { name: 'upper' }, transform: { cmd: ['sh', '-c', cmd] }, input: { pfs: { repo: 'words', glob: '/*' } } });
const COPY = 'cp /pfs/words/* /pfs/out/';

async function jobOfHead(): Promise<string> {
  const head = (await t.pfs.inspectCommit(ref('words@main'))).id;
  for (;;) {
    const j = (await pps.listJobs('upper')).find((x) => x.inputs.some((i) => i.commit === head));
    if (j) return (await pps.waitJob('upper', j.id), j.id);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('job indexes', () => {
  it('update, inspect, start and a reset back to earlier inputs read no job history', async () => {
    await put(t.pfs, 'words@main:/a', 'a');
    const first = (await t.pfs.inspectCommit(ref('words@main'))).id;
    const created = await pps.createPipeline(spec(COPY));
    const j1 = (await pps.waitJob('upper', created.lastJob!.id)).id;
    for (const n of ['b', 'c', 'd', 'e']) {
      await put(t.pfs, `words@main:/${n}`, n);
      await jobOfHead();
    }
    const history = `pps-job/upper/`;
    scans = [];
    const inspected = await pps.inspectPipeline('upper');
    const updated = await pps.createPipeline(spec(`${COPY} # v2`), { update: true, reprocess: false });
    expect(updated.lastJob!.id).not.toBe(inspected.lastJob!.id);
    expect((await pps.waitJob('upper', updated.lastJob!.id)).counts).toMatchObject({ total: 5, skipped: 5 });
    expect((await pps.inspectPipeline('upper')).lastJob!.id).toBe(updated.lastJob!.id);
    await pps.stopPipeline('upper');
    await pps.startPipeline('upper');
    expect(scans.filter((p) => p.startsWith(history))).toEqual([]);

    // Back to the inputs of the first job, at the first spec version: a new job (the spec changed since).
    // Then back again to the head the update's job read: that job is found by the inputs index, no new job.
    const jobsBefore = (await pps.listJobs('upper')).length;
    const head = (await t.pfs.inspectCommit(ref('words@main'))).id;
    await t.pfs.resetBranch('words' as never, 'main' as never, ref(`words@${first}`));
    let back;
    while (!(back = (await pps.listJobs('upper')).find((j) => j.id !== j1 && j.inputs[0]!.commit === first))) await new Promise((r) => setTimeout(r, 20));
    expect((await pps.waitJob('upper', back.id)).specVersion).toBe(2);
    scans = [];
    await t.pfs.resetBranch('words' as never, 'main' as never, ref(`words@${head}`));
    while ((await t.pfs.inspectCommit(ref('upper@main'))).id !== (await pps.inspectJob('upper', updated.lastJob!.id)).outputCommit) await new Promise((r) => setTimeout(r, 20));
    expect(scans.filter((p) => p.startsWith(history))).toEqual([]);
    expect(await pps.listJobs('upper')).toHaveLength(jobsBefore + 1);
    expect(await get(t.pfs, 'upper@main:/e')).toBe('e');
  });

  it('a store from before the indexes is indexed at start; the job a crash left is resumed and is the newest', async () => {
    await put(t.pfs, 'words@main:/a', 'a');
    await pps.waitJob('upper', (await pps.createPipeline(spec(COPY))).lastJob!.id);
    await put(t.pfs, 'words@main:/b', 'b');
    await jobOfHead();
    await pps.createPipeline(spec('sleep 1; cp /pfs/words/* /pfs/out/'), { update: true });
    const [cut] = await pps.listJobs('upper');
    await pps.stop(); // as a crash: the job is left running
    expect(['created', 'starting', 'running']).toContain((await pps.inspectJob('upper', cut!.id)).state);
    // What an older Strata wrote: job records only.
    const meta = t.pfs.context.meta;
    for (const prefix of ['pps-job-time/', 'pps-job-open/', 'pps-job-inputs/', 'pps-job-index/']) {
      for await (const [key] of meta.scan({ prefix })) await meta.del(key);
    }
    await start();
    expect((await pps.waitJob('upper', cut!.id)).state).toBe('success');
    expect((await pps.inspectPipeline('upper')).lastJob!.id).toBe(cut!.id);
    expect(await meta.get('pps-job-index/upper')).toBeDefined();
    scans = [];
    await pps.inspectPipeline('upper');
    expect(scans.filter((p) => p.startsWith('pps-job/upper/'))).toEqual([]);
  });
});
