// The spec fields and API calls issue 9 names that pps-cases and
// pps-wordcount do not reach, on the real server over gRPC (SDK):
// output_branch, a non-default input branch, salt, reprocess_spec
// every_job, err_stdin, parallelism_spec (datums at once, no more),
// transform.user, lazy inputs, cron inputs, the glob forms ({a,b}, [..],
// **, directory matches carrying their subtree), STRATA_OUTPUT_COMMIT_ID,
// StopJob (killed, output dropped), InspectDatum, InspectPipeline,
// ListPipeline, and WaitJob's progress before the end.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createPpsClient, type DatumInfo, type JobInfo, type PpsClient, type StrataClient } from '../../client/sdk/index.ts';
import { jobFor, jobForHead, paths, spec, text } from '../helpers/pps.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let server: TestServer;
let client: StrataClient;
let pps: PpsClient;
let tmp: TempDir;
const isRoot = process.getuid?.() === 0;

beforeAll(async () => {
  tmp = await createTempDir('strata-pps-fields');
  server = await startServer({ args: ['--pps-poll-ms', '600000'] });
  client = createClient({ address: server.grpcAddress });
  pps = createPpsClient({ address: server.grpcAddress });
});

afterAll(async () => {
  client?.close();
  pps?.close();
  await server?.cleanup();
  await tmp?.remove();
});

async function repoWith(name: string, files: Record<string, string>, branch = 'main'): Promise<string> {
  await client.createRepo(name).catch(() => undefined);
  const r = await client.modify(`${name}@${branch}`, async (m) => {
    for (const [p, data] of Object.entries(files)) await m.put(p, Buffer.from(data));
  });
  return r.commit.id;
}

async function datums(pipeline: string, job: string): Promise<DatumInfo[]> {
  const out: DatumInfo[] = [];
  for await (const d of pps.listDatums(pipeline, job)) out.push(d);
  return out;
}

const datumPaths = async (pipeline: string, job: JobInfo): Promise<string[]> => (await datums(pipeline, job.id)).map((d) => d.inputs.map((i) => i.path).join(' ')).sort();

describe('spec fields on the real server', () => {
  it('output_branch, a non-default input branch and STRATA_OUTPUT_COMMIT_ID', async () => {
    await repoWith('brin', { '/on-main': 'm' });
    const dev = await (async () => {
      await client.createBranch('brin@dev', { from: 'brin@main' });
      return (await client.put('brin@dev:/on-dev', Buffer.from('d'))).commit.id;
    })();
    await pps.createPipeline(
      spec('brp', { pfs: { repo: 'brin', branch: 'dev', glob: '/' } }, 'ls /pfs/brin > /pfs/out/seen; echo "$STRATA_OUTPUT_COMMIT_ID $PACH_OUTPUT_COMMIT_ID" > /pfs/out/ids', { output_branch: 'results' }),
    );
    const job = await jobFor(pps, 'brp', dev);
    expect(job.state, job.reason).toBe('success');
    expect(job.inputs).toEqual([expect.objectContaining({ repo: 'brin', branch: 'dev', commit: dev })]);
    const out = await client.inspectCommit('brp@results');
    expect(out.id).toBe(job.outputCommit);
    expect(await text(client, 'brp@results:/seen')).toBe('on-dev\non-main\n');
    expect(await text(client, 'brp@results:/ids')).toBe(`${out.id} ${out.id}\n`);
    expect((await client.inspectBranch('brp@main').catch(() => ({ head: null }))).head ?? null).toBeNull();
    // A commit on main is not this pipeline's input: no job reads it.
    const main = (await client.put('brin@main:/later', Buffer.from('l'))).commit.id;
    const c2 = (await client.put('brin@dev:/two', Buffer.from('2'))).commit.id;
    expect((await jobFor(pps, 'brp', c2)).state).toBe('success');
    expect((await pps.listJobs('brp')).some((j) => j.inputs.some((i) => i.commit === main))).toBe(false);
  });

  it('salt: the same transform with a new salt reprocesses every datum; reprocess_spec every_job reprocesses on every commit', async () => {
    await repoWith('saltin', { '/a': 'a', '/b': 'b' });
    const input = { pfs: { repo: 'saltin', glob: '/*' } };
    const v1 = await pps.createPipeline(spec('salty', input, 'cp /pfs/saltin/* /pfs/out/', { salt: 'one' }));
    expect((await pps.waitJobDone('salty', v1.lastJob!.id)).counts).toMatchObject({ processed: 2, skipped: 0 });
    const same = await pps.createPipeline(spec('salty', input, 'cp /pfs/saltin/* /pfs/out/', { salt: 'one' }), { update: true });
    expect((await pps.waitJobDone('salty', same.lastJob!.id)).counts).toMatchObject({ processed: 0, skipped: 2 });
    const salted = await pps.createPipeline(spec('salty', input, 'cp /pfs/saltin/* /pfs/out/', { salt: 'two' }), { update: true });
    expect((await pps.waitJobDone('salty', salted.lastJob!.id)).counts).toMatchObject({ processed: 2, skipped: 0 });

    await repoWith('everyin', { '/a': 'a', '/b': 'b' });
    const e1 = await pps.createPipeline(spec('every', { pfs: { repo: 'everyin', glob: '/*' } }, 'cp /pfs/everyin/* /pfs/out/', { reprocess_spec: 'every_job' }));
    expect((await pps.waitJobDone('every', e1.lastJob!.id)).counts).toMatchObject({ processed: 2 });
    const c = (await client.put('everyin@main:/c', Buffer.from('c'))).commit.id;
    expect((await jobFor(pps, 'every', c)).counts).toMatchObject({ total: 3, processed: 3, skipped: 0 });
    expect(await paths(client, 'every@main:/')).toEqual(['/a', '/b', '/c']);
  });

  it('err_stdin is given to err_cmd, whose exit 0 recovers the datum', async () => {
    const seen = join(tmp.path, 'err-stdin.log');
    const c = await repoWith('errin', { '/x': 'x' });
    await pps.createPipeline(spec('errs', { pfs: { repo: 'errin', glob: '/*' } }, 'exit 5', { datum_tries: 2, transform: { err_cmd: ['sh'], err_stdin: [`echo "first line $PACH_DATUM_ID" >> ${seen}`, `echo "second line" >> ${seen}`] } }));
    const job = await jobFor(pps, 'errs', c);
    expect(job).toMatchObject({ state: 'success', counts: { total: 1, recovered: 1, failed: 0 } });
    const [d] = await datums('errs', job.id);
    expect(d).toMatchObject({ state: 'recovered', tries: 2 });
    expect(await readFile(seen, 'utf8')).toBe(`first line ${d!.id}\nsecond line\n`);
  });

  it('parallelism_spec.constant: that many datums run at once, never more', async () => {
    const dir = join(tmp.path, 'running');
    const names = ['a', 'b', 'c', 'd'];
    const c = await repoWith('parin', Object.fromEntries(names.map((n) => [`/${n}`, n])));
    // Each datum marks itself running and, for half a second or until another datum runs too (3 s at most),
    // notes the most it saw running at once: 1 everywhere with one worker, 3 or more without a limit.
    const cmd = `mkdir -p ${dir}; f=$(ls /pfs/parin); mkdir ${dir}/$f;
      m=0; i=0; while [ $i -lt 30 ]; do n=$(ls ${dir} | wc -l); [ $n -gt $m ] && m=$n; [ $m -ge 2 ] && [ $i -ge 5 ] && break; sleep 0.1; i=$((i+1)); done;
      echo $m > /pfs/out/$f; rmdir ${dir}/$f`;
    await pps.createPipeline(spec('par', { pfs: { repo: 'parin', glob: '/*' } }, cmd, { parallelism_spec: { constant: 2 } }));
    const job = await jobFor(pps, 'par', c);
    expect(job.state, job.reason).toBe('success');
    const most = await Promise.all(names.map(async (n) => Number(await text(client, `par@main:/${n}`))));
    expect(Math.max(...most)).toBe(2); // two at once, and never three
    expect(await readdir(dir)).toEqual([]);
  });

  it.skipIf(!isRoot)('transform.user runs the command as that user', async () => {
    const c = await repoWith('userin', { '/a': 'a' });
    const info = await pps.createPipeline(spec('asuser', { pfs: { repo: 'userin', glob: '/*' } }, 'id -u > /pfs/out/uid', { transform: { user: '65534' } }));
    expect(info.notApplied.map((n) => n.field)).not.toContain('transform.user');
    const job = await jobFor(pps, 'asuser', c);
    expect(job.state, job.reason).toBe('success');
    expect(await text(client, 'asuser@main:/uid')).toBe('65534\n');
  });

  it('lazy inputs appear as named pipes and read the right bytes', async () => {
    const c = await repoWith('lazyin', { '/f1': 'first file\n', '/f2': 'second\n' });
    const info = await pps.createPipeline(spec('lazyp', { pfs: { repo: 'lazyin', glob: '/*', lazy: true } }, 'for f in /pfs/lazyin/*; do b=$(basename $f); if [ -p $f ]; then echo pipe; else echo file; fi > /pfs/out/$b.kind; cat $f > /pfs/out/$b; done'));
    const job = await jobFor(pps, 'lazyp', c);
    expect(job.state, job.reason).toBe('success');
    const piped = !info.notApplied.some((n) => n.field === 'input.pfs.lazy');
    expect(await text(client, 'lazyp@main:/f1.kind')).toBe(piped ? 'pipe\n' : 'file\n');
    expect(await text(client, 'lazyp@main:/f1')).toBe('first file\n');
    expect(await text(client, 'lazyp@main:/f2')).toBe('second\n');
  });

  it('a cron input commits ticks to its repo, each making a job; overwrite keeps one tick file; delete removes the tick repo', async () => {
    await pps.createPipeline(spec('ticker', { cron: { name: 'tick', spec: '@every 1s', overwrite: true } }, 'ls /pfs/tick > /pfs/out/ticks'));
    let jobs: JobInfo[] = [];
    while ((jobs = (await pps.listJobs('ticker')).filter((j) => j.state === 'success')).length < 2) await new Promise((r) => setTimeout(r, 100));
    expect(jobs[0]!.inputs).toEqual([expect.objectContaining({ name: 'tick', repo: 'ticker_tick' })]);
    expect(await paths(client, 'ticker_tick@main:/')).toHaveLength(1); // overwrite: the last tick only
    expect((await text(client, 'ticker@main:/ticks')).trim().split('\n')).toHaveLength(1);
    await pps.deletePipeline('ticker');
    await expect(client.inspectRepo('ticker_tick')).rejects.toThrow(/not found/);
  });

  it('glob forms: {a,b}, [..], **, and a directory match carrying its subtree', async () => {
    const c = await repoWith('globin', { '/a/x.txt': 'x', '/a/y.csv': 'y', '/b/z.txt': 'z', '/c.txt': 'c', '/d/e/f.txt': 'f', '/g/h.bin': 'h' });
    const cases: [string, string, string[]][] = [
      ['gtop', '/*', ['/a', '/b', '/c.txt', '/d', '/g']],
      ['gbrace', '/*/*.{txt,csv}', ['/a/x.txt', '/a/y.csv', '/b/z.txt']],
      ['gclass', '/[ab]', ['/a', '/b']],
      ['gdeep', '/**.txt', ['/a/x.txt', '/b/z.txt', '/c.txt', '/d/e/f.txt']],
    ];
    for (const [name, glob] of cases) await pps.createPipeline(spec(name, { pfs: { repo: 'globin', glob } }, 'find /pfs/globin -type f | sort > /pfs/out/$PACH_DATUM_ID'));
    for (const [name, , want] of cases) {
      const job = await jobFor(pps, name, c);
      expect(job.state, `${name}: ${job.reason}`).toBe('success');
      expect(await datumPaths(name, job), name).toEqual(want);
    }
    // The datum /d carries its whole subtree, laid out at its path.
    const top = await jobFor(pps, 'gtop', c);
    const d = (await datums('gtop', top.id)).find((x) => x.inputs[0]!.path === '/d')!;
    expect(await text(client, `gtop@main:/${d.id}`)).toBe('/pfs/globin/d/e/f.txt\n');
  });
});

describe('PpsService calls on the real server', () => {
  it('StopJob kills a running job and drops its output; WaitJob streams progress first; InspectDatum, InspectPipeline, ListPipeline', async () => {
    const gate = join(tmp.path, 'stop-gate');
    const c = await repoWith('stopin', { '/a': 'a', '/b': 'b', '/c': 'c' });
    // /a passes at once; the others wait for a gate that never opens.
    const info = await pps.createPipeline(spec('stoppable', { pfs: { repo: 'stopin', glob: '/*' } }, `f=$(ls /pfs/stopin); cp /pfs/stopin/$f /pfs/out/; [ "$f" = a ] || while [ ! -e ${gate} ]; do sleep 0.1; done`, { parallelism_spec: { constant: 1 } }));
    const id = info.lastJob!.id;
    const seen: JobInfo[] = [];
    const waiting = (async () => {
      for await (const j of pps.waitJob('stoppable', id)) seen.push(j);
    })();
    let j: JobInfo;
    while ((j = await pps.inspectJob('stoppable', id)).counts.processed < 1) await new Promise((r) => setTimeout(r, 50));
    expect(j.state).toBe('running');
    const pipelines = await pps.listPipelines();
    expect(pipelines.map((p) => p.name)).toContain('stoppable');
    const inspected = await pps.inspectPipeline('stoppable');
    expect(inspected).toMatchObject({ name: 'stoppable', version: 1, state: 'running', inputs: ['stopin@main'], parallelism: 1, datumTries: 3, lastJob: expect.objectContaining({ id }) });
    expect(JSON.parse(inspected.specJson).pipeline.name).toBe('stoppable');
    const stopped = await pps.stopJob('stoppable', id.slice(0, 8));
    expect(stopped).toMatchObject({ id, state: 'killed', outputCommit: '' });
    await waiting;
    expect(seen.at(-1)!.state).toBe('killed');
    expect(seen.slice(0, -1).some((s) => s.state === 'running')).toBe(true);
    expect((await client.inspectBranch('stoppable@main')).head ?? null).toBeNull(); // the output commit went with the job
    await writeFile(gate, '');
    // The datum that finished before the stop is kept: InspectDatum by a prefix of its id.
    const done = (await datums('stoppable', id)).find((d) => d.state === 'success')!;
    expect(done.inputs[0]!.path).toBe('/a');
    const one = await pps.inspectDatum('stoppable', id, done.id.slice(0, 10));
    expect(one).toMatchObject({ id: done.id, state: 'success', tries: 1, outputs: [expect.objectContaining({ path: '/a', size: 1 })] });
    await expect(pps.inspectDatum('stoppable', id, 'ffffffffffff')).rejects.toThrow(/not found/);
    // Started again by a new commit, the job skips /a (done by the killed job) and runs the rest.
    const c2 = (await client.put('stopin@main:/d', Buffer.from('d'))).commit.id;
    expect(c2).not.toBe(c);
    expect(await jobForHead(client, pps, 'stoppable', 'stopin@main')).toMatchObject({ state: 'success', counts: { total: 4, skipped: 1, processed: 3 } });
  });
});
