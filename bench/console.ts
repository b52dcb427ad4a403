// `npm run bench -- console [--scale S] [--repeat N] [--quiet]`
//
// Issue 11's target: every console page answers in <= 200 ms at 1,000,000
// files. Builds a repo of 1,000,000 files (x --scale) in 1,000 directories
// in one commit plus a 10-file commit on top, and a reference repo of 1,000
// files the same shape, in process (not timed); then starts the real server
// (dist/) on that data and times each page over HTTP, --repeat times, cold
// first request excluded. The reference measured in the same run is the same
// page of the 1,000-file repo: the ratio says how much the page grows with
// the repo. Deep pages (a directory listing near its end, the 1,000,000-file
// first commit's changes resumed near the end) check that paging does not
// cost its depth.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBranchName, parsePath, parseRepoName } from '../src/ids.ts';
import { openPfsAt, type TestPfs } from '../test/helpers/pfs.ts';
import { startBenchServer } from './lib/api-server.ts';
import { machineInfo } from './lib/proc.ts';

const TARGET_MS = 200;
const DIRS = 1000;

interface Args {
  scale: number;
  repeat: number;
  quiet: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { scale: 1, repeat: 10, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--scale') a.scale = Number(argv[++i]);
    else if (v === '--repeat') a.repeat = Number(argv[++i]);
    else if (v === '--quiet') a.quiet = true;
    else throw new Error(`unknown option ${v}`);
  }
  return a;
}

const pad = (n: number): string => String(n).padStart(6, '0');
const filePath = (d: number, f: number): string => `/d${pad(d)}/f${pad(f)}.txt`;

/** One commit of dirs x perDir small files, then one changing 10 of them; returns both commit ids. */
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
  for (let i = 0; i < 10; i++) await w2.put(parsePath(filePath(Math.floor((i * dirs) / 10), 1)), (async function* () { yield Buffer.from(`changed ${i}\n`); })());
  const head = (await w2.close()).id;
  return { first, head };
}

interface PageTiming {
  page: string;
  medianMs: number;
  p95Ms: number;
  refMedianMs: number;
}

async function time(url: string, repeat: number): Promise<number[]> {
  const once = async (): Promise<number> => {
    const t0 = process.hrtime.bigint();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  await once(); // cold: caches fill
  const out: number[] = [];
  for (let i = 0; i < repeat; i++) out.push(await once());
  return out.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const say = (s: string): void => void (args.quiet || console.error(s));
  const dir = await mkdtemp(join(tmpdir(), 'strata-bench-console-'));
  const perDir = Math.max(1, Math.round((1_000_000 * args.scale) / DIRS));
  const total = perDir * DIRS;
  try {
    say(`console bench: building big (${total.toLocaleString('en-US')} files) and ref (1,000 files)`);
    const t = await openPfsAt(join(dir, 'data'), { packTargetBytes: 8 << 20 });
    const big = await build(t, 'big', DIRS, perDir, say);
    const ref = await build(t, 'ref', 10, 100, () => undefined);
    await t.close();
    const server = await startBenchServer(join(dir, 'data'));
    const results: PageTiming[] = [];
    try {
      const base = `http://${server.httpAddress}`;
      const lastDir = `d${pad(DIRS - 1)}`;
      const lastRefDir = `d${pad(9)}`;
      // [what, big repo's page, reference repo's page]
      const pages: [string, string, string][] = [
        ['repo list', '/', '/'],
        ['repo', '/repos/big', '/repos/ref'],
        ['commit log', '/repos/big/log/main', '/repos/ref/log/main'],
        ['root directory (1,000 dirs vs 10)', '/repos/big/files/main/', '/repos/ref/files/main/'],
        ['directory, first page', `/repos/big/files/main/d${pad(500)}/`, `/repos/ref/files/main/d${pad(5)}/`],
        ['directory, last page', `/repos/big/files/main/${lastDir}/?after=f${pad(perDir - 50)}.txt`, `/repos/ref/files/main/${lastRefDir}/?after=f${pad(50)}.txt`],
        ['file preview', `/repos/big/files/main/d${pad(500)}/f${pad(1)}.txt`, `/repos/ref/files/main/d${pad(5)}/f${pad(1)}.txt`],
        ['path history', `/repos/big/history/main/d${pad(500)}/f${pad(1)}.txt`, `/repos/ref/history/main/d${pad(5)}/f${pad(1)}.txt`],
        ['commit (10 changes)', `/repos/big/commits/${big.head}`, `/repos/ref/commits/${ref.head}`],
        ['first commit, changes page 1', `/repos/big/commits/${big.first}`, `/repos/ref/commits/${ref.first}`],
        ['first commit, changes near the end', `/repos/big/commits/${big.first}?after=${encodeURIComponent(`/${lastDir}/f${pad(Math.max(0, perDir - 100))}.txt`)}`, `/repos/ref/commits/${ref.first}?after=${encodeURIComponent(`/${lastRefDir}/f${pad(0)}.txt`)}`],
        ['compare first..head', `/repos/big/compare?base=${big.first}&head=main`, `/repos/ref/compare?base=${ref.first}&head=main`],
        ['provenance graph', `/repos/big/commits/${big.head}/provenance`, `/repos/ref/commits/${ref.head}/provenance`],
        ['pipelines', '/pipelines', '/pipelines'],
      ];
      for (const [what, bigPath, refPath] of pages) {
        const b = await time(base + bigPath, args.repeat);
        const r = await time(base + refPath, args.repeat);
        results.push({ page: what, medianMs: pct(b, 0.5), p95Ms: pct(b, 0.95), refMedianMs: pct(r, 0.5) });
        say(`  ${what}: median ${pct(b, 0.5).toFixed(1)} ms, p95 ${pct(b, 0.95).toFixed(1)} ms (1,000-file repo: ${pct(r, 0.5).toFixed(1)} ms)`);
      }
    } finally {
      await server.stop();
    }
    console.log(JSON.stringify({ bench: 'console', machine: await machineInfo(), loadavg: loadavg(), files: total, repeat: args.repeat, results }, null, 2));
    for (const r of results) {
      const verdict = r.p95Ms <= TARGET_MS ? 'PASS' : 'MISS';
      console.log(`${verdict}  ${r.page}: median ${r.medianMs.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms (target <= ${TARGET_MS}); x${(r.medianMs / r.refMedianMs).toFixed(2)} the 1,000-file repo's`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
