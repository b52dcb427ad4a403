// Pachyderm's word count, run unchanged in spec form (commands in sh) on the
// real server through the CLI: a map pipeline with glob /*/* writing
// /pfs/out/$PACH_DATUM_ID/<word>, a reduce pipeline with glob / summing them.
// Then the incremental cases: an added page runs the map command exactly
// once (the others are skipped and carried over), a modified page reruns
// only itself, a deleted page's outputs go; explain walks a count back to
// the pages; rerun --verify finds the reduce reproducible.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createPpsClient, type PpsClient, type StrataClient } from '../../client/sdk/index.ts';
import { createCli, jsonLines, type Cli } from '../helpers/cli.ts';
import { jobForHead, paths, text } from '../helpers/pps.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let server: TestServer;
let client: StrataClient;
let pps: PpsClient;
let cli: Cli;
let tmp: TempDir;
let runLog: string;
const FIXTURES = new URL('../fixtures/pps/', import.meta.url).pathname;

beforeAll(async () => {
  tmp = await createTempDir('strata-pps-wc');
  server = await startServer();
  client = createClient({ address: server.grpcAddress });
  pps = createPpsClient({ address: server.grpcAddress });
  cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
  runLog = join(tmp.path, 'runs.log');
  await writeFile(runLog, '');
  await client.createRepo('pages');
  await client.modify('pages@main', async (m) => {
    await m.put('/site1/a.txt', Buffer.from('the cat sat on the mat\n'));
    await m.put('/site1/b.txt', Buffer.from('The dog\n'));
    await m.put('/site2/c.txt', Buffer.from('a cat and a dog\n'));
  });
});

afterAll(async () => {
  client?.close();
  pps?.close();
  await server?.cleanup();
  await tmp?.remove();
});

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of await paths(client, 'reduce@main:/')) out[p.slice(1)] = Number(await text(client, `reduce@main:${p}`));
  return out;
}

async function runs(): Promise<number> {
  return (await readFile(runLog, 'utf8')).split('\n').filter(Boolean).length;
}

/** Waits for the map job of the pages head, then the reduce job of the map head. */
async function settle() {
  const map = await jobForHead(client, pps, 'map', 'pages@main');
  expect(map.state, map.reason).toBe('success');
  const reduce = await jobForHead(client, pps, 'reduce', 'map@main');
  expect(reduce.state, reduce.reason).toBe('success');
  return { map, reduce };
}

describe('word count (Pachyderm example, unchanged spec form)', () => {
  it('creates both pipelines from spec files and counts words', async () => {
    const spec = JSON.parse(await readFile(join(FIXTURES, 'wordcount-map.json'), 'utf8'));
    spec.transform.env.RUN_LOG = runLog;
    await writeFile(join(tmp.path, 'map.json'), JSON.stringify(spec));
    const created = await cli.run(['pipeline', 'create', '-f', join(tmp.path, 'map.json')]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.out).toMatch(/created pipeline map \(version 1\)/);
    expect(created.out).toMatch(/not applied: resource_requests, transform.image/);
    const reduce = await cli.run(['pipeline', 'create', '-f', join(FIXTURES, 'wordcount-reduce.json'), '--json']);
    expect(reduce.code, reduce.stderr).toBe(0);
    expect(JSON.parse(reduce.out)).toMatchObject({ name: 'reduce', version: 1, inputs: ['map@main'] });
    const { map } = await settle();
    expect(map.counts).toMatchObject({ total: 3, processed: 3, skipped: 0, failed: 0 });
    expect(await runs()).toBe(3);
    expect(await counts()).toEqual({ the: 3, cat: 2, sat: 1, on: 1, mat: 1, dog: 2, a: 2, and: 1 });
    // Every map output lives under its datum's id, as the spec writes it.
    const datums = jsonLines<{ id: string; outputs: { path: string }[] }>((await cli.run(['datum', 'list', `map@${map.id}`, '--json'])).out);
    expect(datums).toHaveLength(3);
    for (const d of datums) for (const o of d.outputs) expect(o.path.startsWith(`/${d.id}/`)).toBe(true);
  });

  it('an added page runs the map command exactly once; the rest are skipped and carried over', async () => {
    await client.put('pages@main:/site2/d.txt', Buffer.from('cat cat cat\n'));
    const { map } = await settle();
    expect(map.counts).toMatchObject({ total: 4, processed: 1, skipped: 3 });
    expect(await runs()).toBe(4);
    expect((await counts()).cat).toBe(5);
  });

  it('a modified page reruns only its datum; a deleted page takes its words away', async () => {
    await client.put('pages@main:/site1/b.txt', Buffer.from('The bird\n'));
    let { map } = await settle();
    expect(map.counts).toMatchObject({ total: 4, processed: 1, skipped: 3 });
    expect(await runs()).toBe(5);
    expect(await counts()).toMatchObject({ bird: 1, dog: 1 });
    await client.modify('pages@main', (m) => m.delete('/site2/c.txt'));
    ({ map } = await settle());
    expect(map.counts).toMatchObject({ total: 3, processed: 0, skipped: 3 });
    expect(await runs()).toBe(5);
    const c = await counts();
    expect(c.dog).toBeUndefined();
    expect(c.and).toBeUndefined();
    expect(c.cat).toBe(4);
  });

  it('provenance: the output commit names its input commit and spec; explain walks a count back to the pages', async () => {
    const head = await client.inspectCommit('reduce@main');
    const mapHead = await client.inspectCommit('map@main');
    expect(head.provenance).toEqual([{ repo: 'map', id: mapHead.id }]);
    expect(head.metadata).toMatchObject({ 'pps.pipeline': 'reduce', 'pps.spec_version': '1' });
    const r = await cli.run(['explain', 'reduce@main:/cat', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.out);
    expect(e).toMatchObject({ pipeline: 'reduce', specVersion: 1, path: '/cat' });
    expect(e.inputs).toEqual([expect.objectContaining({ name: 'map', repo: 'map', commit: mapHead.id, path: '/' })]);
    const pages = e.upstream.flatMap((u: { pipeline: string; inputs: { path: string }[] }) => (expect(u.pipeline).toBe('map'), u.inputs.map((i) => i.path)));
    // The reduce datum read all of map's output (glob /), so every page still in the input is behind it.
    expect(new Set(pages)).toEqual(new Set(['/site1/a.txt', '/site1/b.txt', '/site2/d.txt']));
    const human = await cli.run(['explain', 'reduce@main:/cat']);
    expect(human.out).toMatch(/made by pipeline reduce \(spec version 1\)/);
    expect(human.out).toMatch(/input pages: pages@[0-9a-f]{32}:\/site2\/d.txt/);
  });

  it('job list, logs and rerun --verify through the CLI', async () => {
    const jobs = jsonLines<{ state: string }>((await cli.run(['job', 'list', '-p', 'map', '--json'])).out);
    expect(jobs.map((j: { state: string }) => j.state)).toEqual(['success', 'success', 'success', 'success']);
    const logs = await cli.run(['logs', '--pipeline', 'map']);
    expect(logs.out.match(/try 1 of 3/g)).toHaveLength(5);
    const { reduce } = await settle();
    const verify = await cli.run(['job', 'rerun', '--verify', `reduce@${reduce.id.slice(0, 8)}`]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.out).toMatch(/reproducible: 6 identical, 0 differing of 6 files in 1 datums/);
  });

  it('the CLI refuses a bad spec in one line naming the field (exit 2), and job wait reports an ended job', async () => {
    await writeFile(join(tmp.path, 'bad.json'), JSON.stringify({ pipeline: { name: 'bad' }, transform: { cmd: ['true'] }, input: { pfs: { repo: 'pages', glob: '/*', join_on: '$1' } } }));
    const bad = await cli.run(['pipeline', 'create', '-f', join(tmp.path, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^strata: invalid pipeline spec: input\.pfs\.join_on is only allowed on a pfs input inside "join"$/)]);
    const [job] = await pps.listJobs('map');
    const wait = await cli.run(['job', 'wait', `map@${job!.id}`]);
    expect(wait.code, wait.stderr).toBe(0);
    expect(wait.out).toMatch(/state:\s+success/);
  });
});
