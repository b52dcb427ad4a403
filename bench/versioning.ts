// `npm run bench -- versioning [--scale S] [--commits N] [--dir DIR] [--quiet]`
//
// A repo of 1,000,000 files of 100 bytes in 1,000 directories (scaled by
// --scale): commit it, then commit 10 changed files, and measure that commit,
// a diff of the two commits, listing one directory and getting one file
// (time and index objects read); again after N (100) such commits; and
// `git add` + `git commit` of the same tree (Debian git) in the same run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { parseBranchName, parsePath, parseRepoName, type FilePath } from '../src/ids.ts';
import { parseRef } from '../src/ref.ts';
import { openPfsAt } from '../test/helpers/pfs.ts';
import { dirBytes, machineInfo, runMeasured } from './lib/proc.ts';

interface Args {
  scale: number;
  commits: number;
  dir?: string;
  quiet: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { scale: 1, commits: 100, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--scale') args.scale = Number(argv[++i]);
    else if (a === '--commits') args.commits = Number(argv[++i]);
    else if (a === '--dir') args.dir = argv[++i];
    else if (a === '--quiet') args.quiet = true;
    else throw new Error(`unknown option ${a}`);
  }
  return args;
}

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
const round = (x: number): number => Math.round(x * 10) / 10;

function content(i: number, version: number): Buffer {
  const head = `file ${i} version ${version} `;
  return Buffer.from(head.padEnd(100, String.fromCharCode(97 + (i % 26))));
}

/** The tree on disk: dirs x filesPerDir files of 100 bytes. */
async function makeTree(root: string, dirs: number, perDir: number): Promise<void> {
  const limit = pLimit(64);
  const jobs: Promise<void>[] = [];
  for (let d = 0; d < dirs; d++) {
    const dir = join(root, `d${String(d).padStart(4, '0')}`);
    await mkdir(dir, { recursive: true });
    for (let f = 0; f < perDir; f++) {
      const i = d * perDir + f;
      jobs.push(limit(() => writeFile(join(dir, `f${String(f).padStart(4, '0')}`), content(i, 0))));
    }
  }
  await Promise.all(jobs);
}

function relPath(i: number, perDir: number): string {
  return `/d${String(Math.floor(i / perDir)).padStart(4, '0')}/f${String(i % perDir).padStart(4, '0')}`;
}

async function* once(data: Buffer): AsyncGenerator<Uint8Array> {
  yield data;
}

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const dirs = Math.max(1, Math.round(1000 * Math.sqrt(args.scale)));
  const perDir = Math.max(1, Math.round((1_000_000 * args.scale) / dirs));
  const total = dirs * perDir;
  const say = (msg: string): void => {
    if (!args.quiet) console.error(msg);
  };
  const work = args.dir ?? (await mkdtemp(join(tmpdir(), 'strata-bench-versioning-')));
  const tree = join(work, 'tree');
  say(`building ${total} files of 100 bytes in ${dirs} directories under ${tree}`);
  await rm(work, { recursive: true, force: true });
  await makeTree(tree, dirs, perDir);

  // --- git, the reference ---
  const gitDir = join(work, 'git');
  execFileSync('git', ['init', '-q', gitDir]);
  const gitEnv = { ...process.env, GIT_DIR: join(gitDir, '.git'), GIT_WORK_TREE: tree, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
  say('git add + git commit of the tree');
  const loadAtGit = loadavg()[0]!;
  const gitAdd = await runMeasured('git', ['add', '-A', '.'], { cwd: tree, env: gitEnv });
  const gitCommit = await runMeasured('git', ['commit', '-q', '-m', 'initial'], { cwd: tree, env: gitEnv });
  const gitSeconds = gitAdd.seconds + gitCommit.seconds;
  const gitBytes = await dirBytes(join(gitDir, '.git'));

  // --- Strata ---
  const data = join(work, 'strata');
  let t = await openPfsAt(data, { packTargetBytes: 8 << 20 });
  const repo = parseRepoName('bench');
  const main = { branch: parseBranchName('main') };
  await t.pfs.createRepo(repo);
  say('strata: initial commit of the tree');
  const loadAtStrata = loadavg()[0]!;
  let t0 = process.hrtime.bigint();
  const w = await t.pfs.openWriter(repo, main);
  // Small files are read synchronously, as git does: for 100-byte files a
  // thread-pool round trip costs more than the read.
  for (let i = 0; i < total; i++) {
    const p = relPath(i, perDir);
    await w.put(parsePath(p), once(readFileSync(join(tree, p))));
  }
  await w.close();
  const initialMs = ms(t0);
  const rssAfterInitial = process.memoryUsage().rss;

  let version = 1;
  const changeTen = async (): Promise<{ ms: number; reads: number; writes: number }> => {
    const io = { ...t.pfs.context.indexIo };
    const start = process.hrtime.bigint();
    const cw = await t.pfs.openWriter(repo, main);
    for (let k = 0; k < 10; k++) {
      const i = Math.floor(((k + 0.5) * total) / 10 + version * 7) % total;
      await cw.put(parsePath(relPath(i, perDir)), once(content(i, version)));
    }
    await cw.close();
    version++;
    return { ms: ms(start), reads: t.pfs.context.indexIo.reads - io.reads, writes: t.pfs.context.indexIo.writes - io.writes };
  };

  /** One read, timed on a freshly opened store so every cache is cold; index objects it read. */
  const cold = async <T>(read: () => Promise<T>): Promise<{ ms: number; reads: number; value: T }> => {
    t = await t.reopen();
    const io0 = t.pfs.context.indexIo.reads;
    const start = process.hrtime.bigint();
    const value = await read();
    return { ms: ms(start), reads: t.pfs.context.indexIo.reads - io0, value };
  };
  const count = async (it: AsyncIterable<unknown>): Promise<number> => {
    let n = 0;
    for await (const _ of it) n++;
    return n;
  };

  const measureReads = async (): Promise<Record<string, number>> => {
    const diff = await cold(() => count(t.pfs.diff(parseRef('bench@main'), parseRef('bench@main^'))));
    const dir = relPath(Math.floor(total / 2), perDir).split('/')[1]!;
    const list = await cold(() => count(t.pfs.listFiles(parseRef('bench@main'), parsePath(`/${dir}`))));
    const get = await cold(async () => {
      const stream = await t.pfs.getFile(parseRef('bench@main'), parsePath(relPath(12345 % total, perDir)) as FilePath);
      let size = 0;
      for await (const part of stream) size += (part as Buffer).length;
      return { size };
    });
    const [changes, listed, info] = [diff.value, list.value, get.value];
    const [diffMs, diffReads, listMs, listReads, getMs, getReads] = [diff.ms, diff.reads, list.ms, list.reads, get.ms, get.reads];
    if (changes !== 10 || listed !== perDir || info.size !== 100) throw new Error(`unexpected results: ${changes} changes, ${listed} listed, size ${info.size}`);
    return { diffMs: round(diffMs), diffReads, listMs: round(listMs), listReads, getMs: round(getMs), getReads };
  };

  say('strata: a 10-file commit, then reads');
  const first = await changeTen();
  const readsAfter1 = await measureReads();
  const bytesAfter1 = await dirBytes(join(data, 'blocks'));
  const metaAfter1 = await dirBytes(join(data, 'meta'));
  say(`strata: ${args.commits} more 10-file commits`);
  for (let c = 1; c < args.commits; c++) await changeTen();
  const last = await changeTen();
  const readsAfterN = await measureReads();
  const bytesAfterN = await dirBytes(join(data, 'blocks'));
  const metaAfterN = await dirBytes(join(data, 'meta'));
  await t.close();

  const figures = {
    bench: 'versioning',
    date: new Date().toISOString(),
    machine: await machineInfo(),
    files: total,
    dirs,
    loadAverage: { atGit: round(loadAtGit), atStrataInitial: round(loadAtStrata) },
    strata: {
      initialCommitSeconds: round(initialMs / 1000),
      rssAfterInitialMiB: Math.round(rssAfterInitial / 2 ** 20),
      after1: { commitMs: round(first.ms), commitIndexReads: first.reads, commitIndexWrites: first.writes, ...readsAfter1, storeBytes: bytesAfter1, metaBytes: metaAfter1 },
      afterN: { commits: args.commits, commitMs: round(last.ms), commitIndexReads: last.reads, commitIndexWrites: last.writes, ...readsAfterN, storeBytes: bytesAfterN, metaBytes: metaAfterN },
    },
    git: { addSeconds: round(gitAdd.seconds), commitSeconds: round(gitCommit.seconds), totalSeconds: round(gitSeconds), repoBytes: gitBytes },
    ratios: {
      initialVsGit: Math.round((gitSeconds / (initialMs / 1000)) * 100) / 100,
      commitTimeNvs1: round(last.ms / first.ms),
      diffTimeNvs1: round(readsAfterN.diffMs! / readsAfter1.diffMs!),
      storeNvs1: Math.round((bytesAfterN / bytesAfter1) * 1000) / 1000,
    },
  };
  if (!args.quiet) printTable(figures);
  console.log(JSON.stringify(figures));
  if (!args.dir) await rm(work, { recursive: true, force: true });
}

function printTable(f: { strata: { after1: Record<string, number>; afterN: Record<string, number>; initialCommitSeconds: number }; git: { totalSeconds: number }; ratios: Record<string, number>; files: number }): void {
  const a = f.strata.after1;
  const n = f.strata.afterN;
  const rows: [string, string, string, string][] = [
    ['initial commit of all files (s)', `${f.strata.initialCommitSeconds}`, `git ${f.git.totalSeconds}`, `≥ 1.0× git (issue 8): ${f.ratios.initialVsGit}× ${f.ratios.initialVsGit! >= 1 ? 'PASS' : 'MISS'}`],
    ['10-file commit (ms), index objects read/written', `${a.commitMs}  ${a.commitIndexReads}/${a.commitIndexWrites}`, `${n.commitMs}  ${n.commitIndexReads}/${n.commitIndexWrites}`, `< 200 ms: ${Math.max(a.commitMs!, n.commitMs!) < 200 ? 'PASS' : 'MISS'}`],
    ['diff of the two commits (ms), objects read', `${a.diffMs}  ${a.diffReads}`, `${n.diffMs}  ${n.diffReads}`, `< 200 ms: ${Math.max(a.diffMs!, n.diffMs!) < 200 ? 'PASS' : 'MISS'}`],
    ['list one directory (ms), objects read', `${a.listMs}  ${a.listReads}`, `${n.listMs}  ${n.listReads}`, `< 50 ms: ${Math.max(a.listMs!, n.listMs!) < 50 ? 'PASS' : 'MISS'}`],
    ['get one file by path (ms), objects read', `${a.getMs}  ${a.getReads}`, `${n.getMs}  ${n.getReads}`, ''],
    ['chunk store size (MB; LevelDB metadata apart)', `${(a.storeBytes! / 1e6).toFixed(1)}`, `${(n.storeBytes! / 1e6).toFixed(1)}`, `≤ 1.1× (issue 8): ${f.ratios.storeNvs1}× ${f.ratios.storeNvs1! <= 1.1 ? 'PASS' : 'MISS'}`],
  ];
  console.log(`versioning: ${f.files} files`);
  console.log(['figure'.padEnd(50), 'after 1 commit'.padEnd(18), 'after N commits'.padEnd(18), 'target'].join(' '));
  for (const r of rows) console.log([r[0].padEnd(50), r[1].padEnd(18), r[2].padEnd(18), r[3]].join(' '));
  console.log(`time after N vs after 1: commit ${f.ratios.commitTimeNvs1}×, diff ${f.ratios.diffTimeNvs1}× (target ≤ 1.2×)`);
}
