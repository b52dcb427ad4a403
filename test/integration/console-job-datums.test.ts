// The console's job page for a job of 100,000 datums (issue 11: every page
// answers fast whatever the size): the page reads one page of datum records
// from the store (src/pps/datum-page.ts), not every record of the job, and
// paging by its links shows every datum exactly once. Real pfs and pps
// (LevelDB, local chunks, local executor) and the console over inject();
// the job is a real one, its 100,000 extra datum records written through the
// pipeline store as a job's run writes them (processed ones one record each,
// skipped ones in batches of 500). What is read is counted at the store, so
// the test says nothing about time.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../server/http.ts';
import { createLocalExecutor } from '../../src/pps/exec/local-executor.ts';
import { createPps, type Pps } from '../../src/pps/pps.ts';
import type { DatumRecord } from '../../src/pps/records.ts';
import { createTestPfs, put, type TestPfs } from '../helpers/pfs.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const PROCESSED = 40_000;
const SKIPPED = 60_000;
const BATCH = 500;
const PAGE = 200;
const host = '127.0.0.1';

let t: TestPfs & { remove(): Promise<void> };
let tmp: TempDir;
let pps: Pps;
let app: FastifyInstance;
let job: string;
let realDatum: string;
/** Keys of datum records the store handed out (scans) since the last reset. */
let read: string[] = [];

const hex = (s: string): string => createHash('sha256').update(s).digest('hex');

function record(i: number, state: DatumRecord['state']): DatumRecord {
  const at = 1_700_000_000_000 + i;
  return {
    id: hex(`${state}-${i}`), job, hash: hex(`hash-${state}-${i}`), state,
    inputs: [{ name: 'words', repo: 'words', commit: '1'.repeat(32), path: `/f-${i}`, hash: hex(`in-${i}`) }],
    outputs: [], fromJob: null, tries: state === 'failed' ? 2 : state === 'skipped' ? 0 : 1, reason: state === 'failed' ? `exit 4 <b>${i}</b>` : '', startedAt: at, finishedAt: at,
  };
}

const get = (url: string) => app.inject({ method: 'GET', url, headers: { host } });

/** The datum ids a job page links to, and its next page's link. */
function parsePage(body: string): { ids: string[]; next: string | null } {
  const ids = [...body.matchAll(/href="\/pipelines\/upper\/jobs\/[0-9a-f]+\/datums\/([0-9a-f]{64})/g)].map((m) => m[1]!);
  const next = /<a class="button" rel="next" href="([^"]+)"/.exec(body)?.[1]?.replaceAll('&amp;', '&') ?? null;
  return { ids, next };
}

beforeAll(async () => {
  t = await createTestPfs();
  tmp = await createTempDir('strata-console-datums');
  const meta = t.pfs.context.meta;
  const scan = meta.scan.bind(meta);
  meta.scan = (o) => {
    const it = scan(o);
    return (async function* () {
      for await (const e of it) {
        if (e[0].startsWith('pps-datum/') || e[0].startsWith('pps-skipped/')) read.push(e[0]);
        yield e;
      }
    })();
  };
  pps = await createPps({ pfs: t.pfs, executor: createLocalExecutor({ env: process.env }), workDir: join(tmp.path, 'work'), pollMs: 600_000 });
  await t.pfs.createRepo('words' as never);
  await put(t.pfs, 'words@main:/a', 'a');
  const spec = { pipeline: { name: 'upper' }, transform: { cmd: ['sh', '-c', 'cp /pfs/words/* /pfs/out/'] }, input: { pfs: { repo: 'words', glob: '/*' } } };
  const created = await pps.createPipeline(JSON.stringify(spec));
  const done = await pps.waitJob('upper', created.lastJob!.id);
  expect(done.state).toBe('success');
  job = done.id;
  realDatum = (await pps.listDatums('upper', job))[0]!.id;
  for (let i = 0; i < PROCESSED; i += BATCH) {
    await pps.store.putDatums('upper', Array.from({ length: BATCH }, (_, k) => record(i + k, (i + k) % 10 === 3 ? 'failed' : 'success')));
  }
  for (let i = 0; i < SKIPPED; i += BATCH) await pps.store.putDatums('upper', Array.from({ length: BATCH }, (_, k) => record(i + k, 'skipped')));
  const total = PROCESSED + SKIPPED + 1;
  await pps.store.putJob({ ...done, counts: { total, processed: total - SKIPPED - PROCESSED / 10, skipped: SKIPPED, failed: PROCESSED / 10, recovered: 0 } });
  app = createHttpApp({ registry: new Registry(), isReady: () => true, console: { pfs: t.pfs, pps } });
}, 300_000);

afterAll(async () => {
  await app?.close();
  await pps?.stop();
  await t?.remove();
  await tmp?.remove();
});

describe(`job page of a job of ${(PROCESSED + SKIPPED + 1).toLocaleString('en-US')} datums`, () => {
  it('reads one page of records per page, and its links page through every datum once', async () => {
    const seen: string[] = [];
    const perPage: number[] = [];
    let url: string | null = `/pipelines/upper/jobs/${job}`;
    let pages = 0;
    while (url) {
      read = [];
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      const { ids, next } = parsePage(res.body);
      expect(ids.length, url).toBeLessThanOrEqual(PAGE);
      if (next) expect(ids.length, url).toBe(PAGE);
      const processed = read.filter((k) => k.startsWith('pps-datum/')).length;
      const batches = read.filter((k) => k.startsWith('pps-skipped/')).length;
      // At most a page and one more of processed records, and the two batches a page of 200 can span plus the one that says there is more.
      expect(processed, url).toBeLessThanOrEqual(PAGE + 1);
      expect(batches, url).toBeLessThanOrEqual(3);
      perPage.push(processed + batches * BATCH);
      seen.push(...ids);
      url = next;
      pages++;
    }
    const total = PROCESSED + SKIPPED + 1;
    expect(pages).toBe(Math.ceil(total / PAGE));
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    // Processed datums first, by id; then the skipped ones.
    const processedIds = [realDatum, ...Array.from({ length: PROCESSED }, (_, i) => record(i, i % 10 === 3 ? 'failed' : 'success').id)].sort();
    expect(seen.slice(0, PROCESSED + 1)).toEqual(processedIds);
    expect(new Set(seen.slice(PROCESSED + 1))).toEqual(new Set(Array.from({ length: SKIPPED }, (_, i) => record(i, 'skipped').id)));
    expect(Math.max(...perPage)).toBeLessThan(2_000);
  }, 300_000);

  it('shows positions, states and escaped reasons; the last page links back to the first', async () => {
    const first = await get(`/pipelines/upper/jobs/${job}`);
    expect(first.body).toContain('Datums 1–200 of 100,001');
    expect(first.body).toMatch(/exit 4 &lt;b&gt;\d+&lt;\/b&gt;/);
    expect(first.body).not.toMatch(/exit 4 <b>/);
    const { next } = parsePage(first.body);
    expect(next).toMatch(/[?&]at=201(&|$)/);
    const second = await get(next!);
    expect(second.body).toContain('Datums 201–400 of 100,001');
    expect(second.body).toContain(`href="/pipelines/upper/jobs/${job}">First page</a>`);
  });

  it('a skipped datum is found from its link without reading the job', async () => {
    const lastBatch = await get(`/pipelines/upper/jobs/${job}?after=skipped:zzzz:0`);
    expect(lastBatch.statusCode).toBe(200);
    expect(lastBatch.body).toContain('No more datums.');
    let url = `/pipelines/upper/jobs/${job}`;
    for (let i = 0; i < Math.ceil((PROCESSED + 1) / PAGE); i++) url = parsePage((await get(url)).body).next!;
    const body = (await get(url)).body;
    const link = /href="(\/pipelines\/upper\/jobs\/[0-9a-f]+\/datums\/[0-9a-f]{64}\?batch=[0-9a-f]+)"/.exec(body)?.[1];
    expect(link).toBeDefined();
    read = [];
    const datum = await get(link!);
    expect(datum.statusCode).toBe(200);
    expect(datum.body).toContain('badge skipped');
    expect(read).toEqual([]);
  });

  it('refuses a cursor that is none, changing nothing', async () => {
    for (const bad of ['skipped:', 'skipped:ab:-1', 'skipped:a/b:1', 'XYZ', `${'a'.repeat(65)}`]) {
      const res = await get(`/pipelines/upper/jobs/${job}?after=${encodeURIComponent(bad)}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.body).toContain('invalid datum page cursor');
    }
  });
});
