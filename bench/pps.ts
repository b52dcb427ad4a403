// `npm run bench -- pps [--scale S] [--chain-files N] [--trivial N] [--parallelism P] [--quiet]`
//
// The pipeline system in process (pfs on LevelDB + local chunks, the local
// executor as the server runs it), against issue 9's targets:
//   1. a pipeline over 10,000 files (x scale, glob /*, command `true`); then
//      one new file: its job end to end (commit -> job success), <= 5 s;
//   2. skip cost per unchanged datum: a job in which every datum is skipped
//      (update with --no-reprocess), its time / datums, <= 50 us;
//   3. three chained pipelines (cp each datum on), one new file at the top:
//      commit -> third job success, <= 10 s;
//   4. per-datum overhead of a processed `true` datum, parallelism 1, <= 20 ms;
//      and, as in-run references, the same with the kept sandbox running a
//      setpriv exec per command (before it had its own PID namespace), and with
//      a sandbox set up per datum (the executor without openSlot: before slots).
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBranchName, parsePath, parseRepoName } from '../src/ids.ts';
import { parseRef } from '../src/ref.ts';
import { createLocalExecutor } from '../src/pps/exec/local-executor.ts';
import { createPps, type Pps } from '../src/pps/pps.ts';
import type { JobRecord } from '../src/pps/records.ts';
import { openPfsAt, type TestPfs } from '../test/helpers/pfs.ts';
import { machineInfo } from './lib/proc.ts';

interface Args {
  scale: number;
  chainFiles: number;
  trivial: number;
  parallelism: number;
  quiet: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { scale: 1, chainFiles: 100, trivial: 50, parallelism: 2, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--scale') a.scale = Number(argv[++i]);
    else if (v === '--chain-files') a.chainFiles = Number(argv[++i]);
    else if (v === '--trivial') a.trivial = Number(argv[++i]);
    else if (v === '--parallelism') a.parallelism = Number(argv[++i]);
    else if (v === '--quiet') a.quiet = true;
    else throw new Error(`unknown option ${v}`);
  }
  return a;
}

const now = (): bigint => process.hrtime.bigint();
const ms = (t0: bigint): number => Number(now() - t0) / 1e6;

async function putFiles(t: TestPfs, repo: string, names: string[]): Promise<string> {
  const w = await t.pfs.openWriter(parseRepoName(repo), { branch: parseBranchName('main') });
  for (const n of names) await w.put(parsePath(`/${n}`), (async function* () { yield Buffer.from(`${n}\n`); })());
  return (await w.close()).id;
}

/** The job of `pipeline` reading `commit`, once it ends. */
async function jobFor(pps: Pps, pipeline: string, commit: string): Promise<JobRecord> {
  for (;;) {
    const j = (await pps.listJobs(pipeline)).find((x) => x.inputs.some((i) => i.commit === commit));
    if (j) {
      const end = await pps.waitJob(pipeline, j.id);
      if (end.state !== 'success') throw new Error(`job ${pipeline}@${end.id} ${end.state}: ${end.reason}`);
      return end;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

const specOf = (name: string, repo: string, cmd: string, parallelism: number): string =>
  JSON.stringify({ pipeline: { name }, transform: { cmd: ['sh', '-c', cmd] }, input: { pfs: { repo, glob: '/*' } }, parallelism_spec: { constant: parallelism } });

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const say = (s: string): void => void (args.quiet || console.error(s));
  const dir = await mkdtemp(join(tmpdir(), 'strata-bench-pps-'));
  const t = await openPfsAt(dir);
  const executor = createLocalExecutor({ env: process.env });
  const pps = await createPps({ pfs: t.pfs, executor, workDir: join(dir, 'work') });
  const n = Math.max(1, Math.round(10_000 * args.scale));
  const results: Record<string, number> = {};
  try {
    say(`pps bench: ${n} datums, executor ${executor.description}, parallelism ${args.parallelism}`);
    // 1. The big pipeline, then one new file.
    await t.pfs.createRepo(parseRepoName('big'));
    const first = await putFiles(t, 'big', Array.from({ length: n }, (_, i) => `f${String(i).padStart(6, '0')}`));
    let t0 = now();
    await pps.createPipeline(specOf('bigp', 'big', 'true', args.parallelism));
    const initial = await jobFor(pps, 'bigp', first);
    results.initialJobS = ms(t0) / 1000;
    say(`  initial job: ${initial.counts.processed} datums processed in ${results.initialJobS.toFixed(1)} s`);
    t0 = now();
    const added = await putFiles(t, 'big', ['new-file']);
    const inc = await jobFor(pps, 'bigp', added);
    results.oneNewFileMs = ms(t0);
    say(`  one new file: job (processed ${inc.counts.processed}, skipped ${inc.counts.skipped}) in ${results.oneNewFileMs.toFixed(0)} ms`);
    // 2. Every datum skipped: an update that keeps outputs.
    t0 = now();
    const upd = await pps.createPipeline(specOf('bigp', 'big', 'true # same outputs', args.parallelism), { update: true, reprocess: false });
    const skipJob = await pps.waitJob('bigp', upd.lastJob!.id);
    const skipMs = ms(t0);
    results.skipUsPerDatum = (skipMs * 1000) / skipJob.counts.skipped;
    say(`  all-skipped job: ${skipJob.counts.skipped} skipped in ${skipMs.toFixed(0)} ms = ${results.skipUsPerDatum.toFixed(1)} us per datum`);
    // 3. Three chained pipelines.
    await t.pfs.createRepo(parseRepoName('chain0'));
    const c0 = await putFiles(t, 'chain0', Array.from({ length: args.chainFiles }, (_, i) => `c${i}`));
    for (let i = 1; i <= 3; i++) await pps.createPipeline(specOf(`chain${i}`, `chain${i - 1}`, `cp -r /pfs/chain${i - 1}/* /pfs/out/`, args.parallelism));
    /** Follows a commit on chain0 down the chain: each stage's job reads the previous stage's new head. */
    const through = async (top: string): Promise<void> => {
      let commit = top;
      for (let i = 1; i <= 3; i++) {
        await jobFor(pps, `chain${i}`, commit);
        commit = (await t.pfs.inspectCommit(parseRef(`chain${i}@main`))).id;
      }
    };
    await through(c0);
    t0 = now();
    await through(await putFiles(t, 'chain0', ['c-new']));
    results.chain3Ms = ms(t0);
    say(`  3 chained pipelines (${args.chainFiles} files each), one new file: ${results.chain3Ms.toFixed(0)} ms`);
    // 4. Per-datum overhead of `true`, one at a time.
    await t.pfs.createRepo(parseRepoName('triv'));
    const tc = await putFiles(t, 'triv', Array.from({ length: args.trivial }, (_, i) => `t${i}`));
    t0 = now();
    await pps.createPipeline(specOf('trivp', 'triv', 'true', 1));
    await jobFor(pps, 'trivp', tc);
    results.trueMsPerDatum = ms(t0) / args.trivial;
    say(`  per-datum overhead of true (parallelism 1): ${results.trueMsPerDatum.toFixed(1)} ms`);
    // References in the same run, each on its own store so the controllers never see each other's pipelines:
    // the kept sandbox with a setpriv exec per command (how it ran before it had its own PID namespace),
    // and a sandbox set up per datum (the executor without openSlot: how every datum ran before slots).
    const reference = async (name: string, ex: typeof executor): Promise<number> => {
      const t2 = await openPfsAt(join(dir, `reference-${name}`));
      const other = await createPps({ pfs: t2.pfs, executor: ex, workDir: join(dir, `work-${name}`) });
      try {
        await t2.pfs.createRepo(parseRepoName('triv2'));
        const tc2 = await putFiles(t2, 'triv2', Array.from({ length: args.trivial }, (_, i) => `t${i}`));
        const r0 = now();
        await other.createPipeline(specOf('trivq', 'triv2', 'true', 1));
        await jobFor(other, 'trivq', tc2);
        return ms(r0) / args.trivial;
      } finally {
        await other.stop();
        await t2.close();
      }
    };
    results.trueMsPerDatumSetpriv = await reference('setpriv', createLocalExecutor({ env: process.env, ownPids: false }));
    say(`  the same, kept sandbox with setpriv per command (reference): ${results.trueMsPerDatumSetpriv.toFixed(1)} ms`);
    results.trueMsPerDatumSandboxEach = await reference('per-datum', { ...executor, openSlot: undefined });
    say(`  the same with a sandbox per datum (reference): ${results.trueMsPerDatumSandboxEach.toFixed(1)} ms`);
  } finally {
    await pps.stop();
    await t.close();
    await rm(dir, { recursive: true, force: true });
  }
  const targets = [
    ['one new file on a 10,000-datum pipeline (ms)', results.oneNewFileMs!, 5000],
    ['skip cost per unchanged datum (us)', results.skipUsPerDatum!, 50],
    ['3 chained pipelines, one new file (ms)', results.chain3Ms!, 10_000],
    ['per-datum overhead of true (ms)', results.trueMsPerDatum!, 20],
  ] as const;
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ bench: 'pps', machine: await machineInfo(), loadavg: loadavg(), cpuSeconds: { user: cpu.user / 1e6, system: cpu.system / 1e6 }, datums: n, parallelism: args.parallelism, executor: executor.description, results }, null, 2));
  for (const [what, got, target] of targets) console.log(`${got <= target ? 'PASS' : 'MISS'}  ${what}: ${got.toFixed(1)} (target <= ${target})`);
  console.log(`      per-datum overhead, kept sandbox / the same with setpriv per command: ${(results.trueMsPerDatum! / results.trueMsPerDatumSetpriv!).toFixed(2)} x`);
  console.log(`      per-datum overhead, kept sandbox / sandbox per datum: ${(results.trueMsPerDatum! / results.trueMsPerDatumSandboxEach!).toFixed(2)} x`);
}

