// `npm run bench -- console [--scale S] [--repeat N] [--quiet]`
//
// Issue 11's target: every console page answers in <= 200 ms at 1,000,000
// files. Builds a repo of 1,000,000 files (x --scale) in 1,000 directories
// in one commit plus a commit on top that changes 10 of them and adds the
// files the previews need (markdown, CSV, JSON, a 1 MiB text), and a
// reference repo of 1,000 files the same shape, in process (not timed); then
// starts the real server (dist/) on that data, runs a pipeline over one
// directory of each repo, and times every page type over HTTP, --repeat
// times, cold first request excluded. The reference measured in the same
// run is the same page of the 1,000-file repo: the ratio says how much the
// page grows with the repo. Deep pages (a directory listing near its end,
// the 1,000,000-file first commit's changes resumed near the end) check that
// paging does not cost its depth. A job of 100,000 datums (x --scale; its
// records written to the store, see manyDatumJob) checks the job page's
// paging. Besides wall time (noise on a loaded
// machine) it prints the server's CPU milliseconds per request of each page,
// read from /proc around the timed requests, and the load average.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPpsClient } from '../client/sdk/index.ts';
import { parseBranchName, parsePath, parseRepoName } from '../src/ids.ts';
import { ppsSkippedPrefix } from '../src/meta/keys.ts';
import { createLocalExecutor } from '../src/pps/exec/local-executor.ts';
import { createPps } from '../src/pps/pps.ts';
import type { DatumRecord } from '../src/pps/records.ts';
import { openPfsAt, type TestPfs } from '../test/helpers/pfs.ts';
import { startBenchServer } from './lib/api-server.ts';
import { machineInfo } from './lib/proc.ts';

const TARGET_MS = 200;
const DIRS = 1000;

interface Args {
  scale: number;
  repeat: number;
  quiet: boolean;
  /** Build the data here and keep it; a later run with the same --data and --scale reuses it (no 6-minute build). */
  data: string | null;
  /** Time only the pages whose name contains one of these. */
  only: string[];
  /** Run the server under --cpu-prof, writing its profile here. */
  cpuProf: string | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { scale: 1, repeat: 10, quiet: false, data: null, only: [], cpuProf: null };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--scale') a.scale = Number(argv[++i]);
    else if (v === '--repeat') a.repeat = Number(argv[++i]);
    else if (v === '--quiet') a.quiet = true;
    else if (v === '--data') a.data = argv[++i] ?? null;
    else if (v === '--only') a.only.push(argv[++i] ?? '');
    else if (v === '--cpu-prof') a.cpuProf = argv[++i] ?? null;
    else throw new Error(`unknown option ${v} (options: --scale S --repeat N --quiet --data DIR --only TEXT --cpu-prof DIR)`);
  }
  if (!(a.scale > 0) || !Number.isInteger(a.repeat) || a.repeat < 1) throw new Error('--scale must be > 0 and --repeat a whole number >= 1');
  return a;
}

const pad = (n: number): string => String(n).padStart(6, '0');
const filePath = (d: number, f: number): string => `/d${pad(d)}/f${pad(f)}.txt`;

const MARKDOWN = `# Readme\n\n${'Some *text* with a [link](d000000/f000001.txt).\n\n'.repeat(200)}`;
const CSV = `id,name,value\n${Array.from({ length: 2000 }, (_, i) => `${i},row ${i},${i * 7}`).join('\n')}\n`;
const JSON_DOC = JSON.stringify({ rows: Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `row ${i}` })) });
const BIG_TEXT = Buffer.alloc(1 << 20, 'the quick brown fox\n');
const EXTRA: [string, Buffer][] = [['/README.md', Buffer.from(MARKDOWN)], ['/table.csv', Buffer.from(CSV)], ['/data.json', Buffer.from(JSON_DOC)], ['/big.txt', BIG_TEXT]];

/** One commit of dirs x perDir small files, then one changing 10 of them and adding EXTRA; returns both commit ids. */
async function build(t: TestPfs, name: string, dirs: number, perDir: number, say: (s: string) => void): Promise<{ first: string; head: string }> {
  const repo = parseRepoName(name);
  const main = { branch: parseBranchName('main') };
  await t.pfs.createRepo(repo);
  const w = await t.pfs.openWriter(repo, main);
  const t0 = Date.now();
  for (let d = 0; d < dirs; d++) {
    for (let f = 0; f < perDir; f++) await w.put(parsePath(filePath(d, f)), (async function* () { yield Buffer.from(`file ${d}/${f}\n`); })());
    if (d % 100 === 99) say(`  ${name}: ${((d + 1) * perDir).toLocaleString('en-US')} files (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const first = (await w.close()).id;
  const w2 = await t.pfs.openWriter(repo, main);
  for (let i = 0; i < 10; i++) await w2.put(parsePath(filePath(Math.floor((i * dirs) / 10), 1)), (async function* () { yield Buffer.from(`file ${Math.floor((i * dirs) / 10)}/1\nchanged ${i}\n`); })());
  for (const [p, bytes] of EXTRA) await w2.put(parsePath(p), (async function* () { yield bytes; })());
  const head = (await w2.close()).id;
  return { first, head };
}

/**
 * A pipeline `many` over ref's first directory (100 datums, run here in
 * process before the server starts), whose job then gets `extra` more datum
 * records written through the pipeline store as a run writes them (half
 * processed, one record each; half skipped, in batches of 500): the job
 * page of a job of 100,000 datums, which no bench machine could run datum
 * by datum in time.
 */
async function manyDatumJob(t: TestPfs, workDir: string, extra: number): Promise<{ name: string; job: string; datums: number; deep: string }> {
  const pps = await createPps({ pfs: t.pfs, executor: createLocalExecutor({ env: process.env }), workDir, pollMs: 600_000 });
  try {
    const spec = { pipeline: { name: 'many' }, input: { pfs: { repo: 'ref', glob: `/d${pad(0)}/*` } }, transform: { cmd: ['sh', '-c', 'true'] } };
    const created = await pps.createPipeline(JSON.stringify(spec));
    const job = await pps.waitJob('many', created.lastJob!.id);
    const [template] = await pps.listDatums('many', job.id);
    if (job.state !== 'success' || !template) throw new Error(`pipeline many: job ${job.id} ended ${job.state}`);
    const hex = (s: string): string => createHash('sha256').update(s).digest('hex');
    const half = Math.floor(extra / 2);
    const make = (i: number, state: DatumRecord['state']): DatumRecord => ({ ...template, id: hex(`${state}${i}`), hash: hex(`h${state}${i}`), state, outputs: [], fromJob: null, tries: state === 'skipped' ? 0 : 1 });
    for (let i = 0; i < extra; i += 500) {
      const n = Math.min(500, extra - i);
      await pps.store.putDatums('many', Array.from({ length: n }, (_, k) => make(i + k, i + k < half ? 'success' : 'skipped')));
    }
    const total = job.counts.total + extra;
    await pps.store.putJob({ ...job, counts: { ...job.counts, total, processed: job.counts.processed + half, skipped: job.counts.skipped + extra - half } });
    // A cursor among the skipped datums, half way through their batches: a deep page.
    const batches: string[] = [];
    for await (const [key] of t.meta.scan({ prefix: ppsSkippedPrefix(parseRepoName('many'), job.id) })) batches.push(key.slice(key.lastIndexOf('/') + 1));
    return { name: 'many', job: job.id, datums: total, deep: `skipped:${batches[Math.floor(batches.length / 2)]}:100` };
  } finally {
    await pps.stop();
  }
}

interface Built {
  scale: number;
  big: { first: string; head: string };
  ref: { first: string; head: string };
  many: { name: string; job: string; datums: number; deep: string };
}

/** Builds the repos and the big job in `dir`, or reads what an earlier run with the same --data and --scale built there. */
async function prepare(dir: string, args: Args, perDir: number, say: (s: string) => void): Promise<Built> {
  const manifest = join(dir, 'console-bench.json');
  const before = await readFile(manifest, 'utf8').then((text) => JSON.parse(text) as Built, () => null);
  if (before) {
    if (before.scale !== args.scale) throw new Error(`${dir} holds data built at --scale ${before.scale}, not ${args.scale}: give another --data`);
    say(`console bench: reusing the data built in ${dir}`);
    return before;
  }
  say(`console bench: building big (${(perDir * DIRS).toLocaleString('en-US')} files) and ref (1,000 files)`);
  const t = await openPfsAt(join(dir, 'data'), { packTargetBytes: 8 << 20 });
  try {
    const big = await build(t, 'big', DIRS, perDir, say);
    const ref = await build(t, 'ref', 10, 100, () => undefined);
    const extraDatums = Math.max(1000, Math.round(100_000 * args.scale));
    say(`  a job of ${extraDatums.toLocaleString('en-US')} + 100 datums (pipeline many, run in process, records written to the store)`);
    const many = await manyDatumJob(t, join(dir, 'pps-work'), extraDatums);
    const built: Built = { scale: args.scale, big, ref, many };
    await writeFile(manifest, JSON.stringify(built));
    return built;
  } finally {
    await t.close();
  }
}

interface PageTiming {
  page: string;
  medianMs: number;
  p95Ms: number;
  refMedianMs: number;
  /** Server CPU (user + system) per request of the big repo's page, and of the reference page. */
  cpuMs: number | null;
  refCpuMs: number | null;
}

/** A pipeline over one directory of `repo` (one datum a file), its finished job and one datum. */
async function pipelineOver(grpcAddress: string, repo: string): Promise<{ name: string; job: string; datum: string; datums: number }> {
  const pps = createPpsClient({ address: grpcAddress });
  try {
    const name = `${repo}-count`;
    const spec = { pipeline: { name }, input: { pfs: { repo, glob: `/d${pad(0)}/*` } }, transform: { cmd: ['sh', '-c', 'wc -c /pfs/*/*/* > /pfs/out/count || true'] } };
    const exists = (await pps.listPipelines()).some((p) => p.name === name); // --data: made by an earlier run
    if (!exists) await pps.createPipeline(JSON.stringify(spec));
    for (;;) {
      const job = (await pps.listJobs(name))[0];
      if (job) {
        const done = await pps.waitJobDone(name, job.id);
        let datum: string | undefined;
        for await (const d of pps.listDatums(name, job.id)) datum ??= d.id;
        if (!datum) throw new Error(`pipeline ${name}: job ${job.id} ended ${done.state} with no datum`);
        return { name, job: job.id, datum, datums: done.counts.total };
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    pps.close();
  }
}

async function time(url: string, repeat: number, cpu: () => Promise<number | null>): Promise<{ ms: number[]; cpuMs: number | null }> {
  const once = async (): Promise<number> => {
    const t0 = process.hrtime.bigint();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  await once(); // cold: caches fill
  const out: number[] = [];
  const cpu0 = await cpu();
  for (let i = 0; i < repeat; i++) out.push(await once());
  const cpu1 = await cpu();
  return { ms: out.sort((a, b) => a - b), cpuMs: cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) * 1000) / repeat };
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const say = (s: string): void => void (args.quiet || console.error(s));
  const dir = args.data ?? (await mkdtemp(join(tmpdir(), 'strata-bench-console-')));
  const perDir = Math.max(1, Math.round((1_000_000 * args.scale) / DIRS));
  const total = perDir * DIRS;
  try {
    const { big, ref, many } = await prepare(dir, args, perDir, say);
    const server = await startBenchServer(join(dir, 'data'), args.cpuProf === null ? {} : { cpuProfDir: args.cpuProf });
    const results: PageTiming[] = [];
    const load0 = loadavg();
    const cpu0 = process.cpuUsage();
    let serverCpu: number | null = null;
    let jobs: { big: number; ref: number } | null = null;
    try {
      const base = `http://${server.httpAddress}`;
      say('  running a pipeline over one directory of each repo (not timed)');
      const [bigJob, refJob] = [await pipelineOver(server.grpcAddress, 'big'), await pipelineOver(server.grpcAddress, 'ref')];
      jobs = { big: bigJob.datums, ref: refJob.datums };
      const lastDir = `d${pad(DIRS - 1)}`;
      const lastRefDir = `d${pad(9)}`;
      const changed = (repo: string) => `/${repo === 'big' ? `d${pad(500)}` : `d${pad(5)}`}/f${pad(1)}.txt`;
      // [what, big repo's page, reference repo's page]
      const pages: [string, string, string][] = [
        ['repo list', '/', '/'],
        ['repo', '/repos/big', '/repos/ref'],
        ['commit log', '/repos/big/log/main', '/repos/ref/log/main'],
        ['root directory (1,000 dirs vs 10)', '/repos/big/files/main/', '/repos/ref/files/main/'],
        ['directory, first page', `/repos/big/files/main/d${pad(500)}/`, `/repos/ref/files/main/d${pad(5)}/`],
        ['directory, last page', `/repos/big/files/main/${lastDir}/?after=f${pad(perDir - 50)}.txt`, `/repos/ref/files/main/${lastRefDir}/?after=f${pad(50)}.txt`],
        ['file preview (text)', `/repos/big/files/main${changed('big')}`, `/repos/ref/files/main${changed('ref')}`],
        ['text preview at its cap (1 MiB file)', '/repos/big/files/main/big.txt', '/repos/ref/files/main/big.txt'],
        ['markdown preview', '/repos/big/files/main/README.md', '/repos/ref/files/main/README.md'],
        ['CSV preview (2,000 rows)', '/repos/big/files/main/table.csv', '/repos/ref/files/main/table.csv'],
        ['JSON preview', '/repos/big/files/main/data.json', '/repos/ref/files/main/data.json'],
        ['download (1 MiB)', '/repos/big/raw/main/big.txt', '/repos/ref/raw/main/big.txt'],
        ['path history', `/repos/big/history/main${changed('big')}`, `/repos/ref/history/main${changed('ref')}`],
        ['commit (14 changes)', `/repos/big/commits/${big.head}`, `/repos/ref/commits/${ref.head}`],
        ['first commit, changes page 1', `/repos/big/commits/${big.first}`, `/repos/ref/commits/${ref.first}`],
        ['first commit, changes near the end', `/repos/big/commits/${big.first}?after=${encodeURIComponent(`/${lastDir}/f${pad(Math.max(0, perDir - 100))}.txt`)}`, `/repos/ref/commits/${ref.first}?after=${encodeURIComponent(`/${lastRefDir}/f${pad(0)}.txt`)}`],
        ['compare first..head', `/repos/big/compare?base=${big.first}&head=main`, `/repos/ref/compare?base=${ref.first}&head=main`],
        ['line diff of a file', `/repos/big/compare/file?base=${big.first}&head=main&path=${encodeURIComponent(changed('big'))}`, `/repos/ref/compare/file?base=${ref.first}&head=main&path=${encodeURIComponent(changed('ref'))}`],
        ['provenance graph', `/repos/big/commits/${big.head}/provenance`, `/repos/ref/commits/${ref.head}/provenance`],
        ['delete repo (confirmation)', '/repos/big/delete', '/repos/ref/delete'],
        ['delete branch (confirmation)', '/repos/big/branches/main/delete', '/repos/ref/branches/main/delete'],
        ['login', '/login', '/login'],
        ['pipelines', '/pipelines', '/pipelines'],
        ['pipeline', `/pipelines/${bigJob.name}`, `/pipelines/${refJob.name}`],
        [`job (${bigJob.datums.toLocaleString('en-US')} datums vs ${refJob.datums})`, `/pipelines/${bigJob.name}/jobs/${bigJob.job}`, `/pipelines/${refJob.name}/jobs/${refJob.job}`],
        [`job (${many.datums.toLocaleString('en-US')} datums vs ${refJob.datums}), first page`, `/pipelines/many/jobs/${many.job}`, `/pipelines/${refJob.name}/jobs/${refJob.job}`],
        ['the same job, a page half way through its skipped datums', `/pipelines/many/jobs/${many.job}?after=${many.deep}`, `/pipelines/${refJob.name}/jobs/${refJob.job}`],
        ['datum and its log', `/pipelines/${bigJob.name}/jobs/${bigJob.job}/datums/${bigJob.datum}`, `/pipelines/${refJob.name}/jobs/${refJob.job}/datums/${refJob.datum}`],
      ];
      for (const [what, bigPath, refPath] of pages.filter(([w]) => args.only.length === 0 || args.only.some((o) => w.includes(o)))) {
        const b = await time(base + bigPath, args.repeat, server.cpuSeconds);
        const r = await time(base + refPath, args.repeat, server.cpuSeconds);
        results.push({ page: what, medianMs: pct(b.ms, 0.5), p95Ms: pct(b.ms, 0.95), refMedianMs: pct(r.ms, 0.5), cpuMs: b.cpuMs, refCpuMs: r.cpuMs });
        say(`  ${what}: median ${pct(b.ms, 0.5).toFixed(1)} ms, p95 ${pct(b.ms, 0.95).toFixed(1)} ms, server CPU ${b.cpuMs?.toFixed(1)} ms/request (1,000-file repo: ${pct(r.ms, 0.5).toFixed(1)} ms, CPU ${r.cpuMs?.toFixed(1)} ms)`);
      }
      serverCpu = await server.cpuSeconds();
    } finally {
      await server.stop();
    }
    const bench = process.cpuUsage(cpu0);
    const load1 = loadavg();
    const cpu = { serverSeconds: serverCpu, benchSeconds: (bench.user + bench.system) / 1e6 };
    console.log(JSON.stringify({ bench: 'console', machine: await machineInfo(), loadavgStart: load0, loadavgEnd: load1, files: total, repeat: args.repeat, jobDatums: jobs, cpu, results }, null, 2));
    console.log(`load average ${load0.map((l) => l.toFixed(1)).join(' ')} at the start, ${load1.map((l) => l.toFixed(1)).join(' ')} at the end; CPU seconds: server ${serverCpu?.toFixed(1)} (whole life, build excluded), bench process ${cpu.benchSeconds.toFixed(1)} (build included)`);
    const cores = availableParallelism();
    if (Math.max(load0[0]!, load1[0]!) > cores) {
      console.log(`NOTE  load average above the ${cores} cores: wall times (median, p95, PASS/MISS) are scheduling noise here; judge growth by the server CPU per request and its ratio, and the target by a run on a quiet machine`);
    }
    for (const r of results) {
      const verdict = r.p95Ms <= TARGET_MS ? 'PASS' : 'MISS';
      const cpuNote = r.cpuMs === null ? '' : `; server CPU ${r.cpuMs.toFixed(1)} ms/request, x${r.refCpuMs ? (r.cpuMs / r.refCpuMs).toFixed(2) : '-'} the 1,000-file repo's`;
      console.log(`${verdict}  ${r.page}: median ${r.medianMs.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms (target <= ${TARGET_MS}); x${(r.medianMs / r.refMedianMs).toFixed(2)} the 1,000-file repo's${cpuNote}`);
    }
  } finally {
    if (args.data === null) await rm(dir, { recursive: true, force: true });
  }
}
