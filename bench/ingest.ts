// `npm run bench -- ingest [--scale 0.1] [--runs 5] [--dir DIR] [--keep] [--profile] [--quiet]`
//
// Ingest speed, dedup and memory of Strata's chunk store against restic and
// borg, and of its S3 path against the plain minio client, all on the same
// deterministic data in the same run (see docs/benchmarks.md):
//   (a) a 1 GiB random file, (b) (a) with 20 x 512 KiB overwrites and 1 MiB
//   inserted, as a second snapshot, (c) 100,000 files of 1-8 KiB.
// Prints a table (unless --quiet) and then one line of JSON with every figure.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { summariseProfiles, type ThreadProfile } from './lib/cpu-profile.ts';
import { datasetSpec, ensureDataset, type Dataset } from './lib/dataset.ts';
import { dirBytes, ensureGnuTime, machineInfo } from './lib/proc.ts';
import { evaluateTargets, formatNotes, formatProfiles, formatTable, type IngestFigures, type IngestRecord } from './lib/report.ts';
import { addSample, emptySamples, summarise, type Samples } from './lib/samples.ts';
import { startS3Server } from './lib/s3-server.ts';
import { borgTool, ensureReferenceTools, plainNodeRssKiB, readLimits, resticTool, runChild, strataTool, type IngestTool } from './lib/tools.ts';

const S3_SMALL_FILES = 1000;

interface Context {
  data: Dataset;
  work: string;
  log: (msg: string) => void;
  errors: string[];
}

/** Runs `step`; a failure is recorded (and reported) instead of ending the whole benchmark. */
async function attempt<T>(ctx: Context, what: string, step: () => Promise<T>): Promise<T | undefined> {
  try {
    return await step();
  } catch (err) {
    // The first lines say what failed; a stack trace would bury the JSON line.
    const text = err instanceof Error ? err.message : String(err);
    const noise = /^\s+at |^\s*\^\s*$|triggerUncaughtException|node:internal\/modules\/run_main|^Node\.js v/;
    const message = `${what}: ${text.split('\n').filter((l) => l.trim() && !noise.test(l)).slice(0, 4).join(' / ')}`;
    ctx.errors.push(message);
    ctx.log(`FAILED ${message}`);
    return undefined;
  }
}

/** One round of (a), (b) and (c): fresh repositories, the tools taking turns on each data set. */
/**
 * Waits (at most 90 s) for the machine to calm down before a round: others'
 * builds and tests share it. Returns the 1-minute load average at the start.
 */
async function settle(log: (msg: string) => void): Promise<number> {
  const cores = availableParallelism();
  const deadline = Date.now() + 90_000;
  if (loadavg()[0]! >= cores) log(`load average ${loadavg()[0]!.toFixed(1)} on ${cores} cores: waiting up to 90 s for it to drop`);
  while (loadavg()[0]! >= cores && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5000));
  return Math.round(loadavg()[0]! * 100) / 100;
}

async function localRound(ctx: Context, tools: IngestTool[], round: number, s: Samples): Promise<void> {
  const { data, work, log } = ctx;
  s.loadAverages.push(await settle(log));
  const repo = (tool: IngestTool, set: string): string => join(work, `${tool.name}-${set}-${round}`);
  for (const tool of tools) {
    await attempt(ctx, `${tool.name} init`, async () => {
      await tool.init(repo(tool, 'ab'));
      await tool.init(repo(tool, 'c'));
    });
  }
  const limits = await readLimits(join(data.dir, data.a), work); // also warms the cache for (a)
  s.catSeconds.push(limits.catSeconds);
  s.sha256sumSeconds.push(limits.sha256sumSeconds);
  s.nodeSha256Seconds.push(limits.nodeSha256Seconds);
  const afterA = new Map<string, number>();
  for (const tool of tools) {
    log(`round ${round}: (a) ${tool.name}`);
    const run = await attempt(ctx, `${tool.name} (a)`, () => tool.ingest(repo(tool, 'ab'), data.dir, data.a, 'a'));
    if (run) addSample(s.a, tool.name, run);
    afterA.set(tool.name, await dirBytes(repo(tool, 'ab')));
  }
  await readLimits(join(data.dir, data.b), work); // warm (b)
  for (const tool of tools) {
    log(`round ${round}: (b) ${tool.name}`);
    const run = await attempt(ctx, `${tool.name} (b)`, () => tool.ingest(repo(tool, 'ab'), data.dir, data.b, 'b'));
    const addedBytes = (await dirBytes(repo(tool, 'ab'))) - (afterA.get(tool.name) ?? 0);
    if (run) addSample(s.b, tool.name, { ...run, addedBytes });
  }
  await dirBytes(join(data.dir, data.c)); // warm (c)'s metadata
  const read = await attempt(ctx, 'reading (c) without Strata', () => runChild({ op: 'read', source: join(data.dir, data.c), concurrency: 32 }));
  if (read) s.readSmallSeconds.push(read.seconds);
  for (const tool of tools) {
    log(`round ${round}: (c) ${tool.name}`);
    const run = await attempt(ctx, `${tool.name} (c)`, () => tool.ingest(repo(tool, 'c'), data.dir, data.c, 'c'));
    if (run) addSample(s.c, tool.name, run);
  }
  for (const tool of tools) for (const set of ['ab', 'c']) await rm(repo(tool, set), { recursive: true, force: true });
}

/** Objects per 1,000 small files, and (a) through S3 against the plain minio client, on one s3rver. */
async function s3Rounds(ctx: Context, runs: number, s: Samples): Promise<void> {
  const { data, work, log } = ctx;
  const dir = join(work, 's3rver');
  await mkdir(dir, { recursive: true });
  const s3 = await startS3Server(dir);
  const target = { endPoint: s3.endPoint, port: s3.port, bucket: s3.bucket, accessKey: s3.accessKey, secretKey: s3.secretKey, region: s3.region };
  const a = join(data.dir, data.a);
  try {
    log(`S3: ${S3_SMALL_FILES} small files, Strata`);
    await attempt(ctx, 'Strata S3 small files', async () => {
      await runChild({ op: 'strata', store: { kind: 's3', prefix: 'small', ...target }, source: join(data.dir, data.c), limit: S3_SMALL_FILES, concurrency: 32 });
      s.s3Objects.push(await s3.countObjects('small/'));
    });
    for (let round = 1; round <= runs; round++) {
      await settle(log);
      log(`S3 round ${round}: (a) Strata, minio fPutObject, minio putObject of 8 MiB pieces`);
      const strata = await attempt(ctx, 'Strata S3 (a)', () => runChild({ op: 'strata', store: { kind: 's3', prefix: `big-${round}`, ...target }, source: a }));
      if (strata) {
        s.s3StrataSeconds.push(strata.seconds);
        s.s3StrataRssKiB.push(strata.maxRssKiB);
      }
      const single = await attempt(ctx, 'minio fPutObject (a)', () => runChild({ op: 'minio-single', s3: target, source: a, key: `minio-single/${round}/a.bin` }));
      if (single) s.minioSingleSeconds.push(single.seconds);
      const parts = await attempt(ctx, 'minio putObject parts (a)', () => runChild({ op: 'minio-parts', s3: target, source: a, key: `minio-parts/${round}/a.bin` }));
      if (parts) s.minioPartsSeconds.push(parts.seconds);
    }
  } finally {
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Re-runs Strata's (a) and (c) under --cpu-prof (not the measured runs: profiling slows them). */
async function profile(ctx: Context): Promise<Record<string, ThreadProfile[]>> {
  const root = resolve(import.meta.dirname, '..');
  const out: Record<string, ThreadProfile[]> = {};
  for (const set of ['a', 'c'] as const) {
    const profDir = join(ctx.work, `prof-${set}`);
    const store = join(ctx.work, `strata-prof-${set}`);
    ctx.log(`profiling Strata (${set})`);
    await runChild({ op: 'strata', store: { kind: 'local', root: store }, source: join(ctx.data.dir, ctx.data[set]), concurrency: 32 }, profDir);
    out[set] = await summariseProfiles(profDir, root);
    await rm(store, { recursive: true, force: true });
  }
  return out;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      scale: { type: 'string', default: '1' },
      dir: { type: 'string' },
      keep: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      runs: { type: 'string', default: '5' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be a number in (0, 1], got "${values.scale}"`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got "${values.runs}"`);
  const log = values.quiet ? () => undefined : (msg: string) => console.error(`[ingest] ${msg}`);
  ensureReferenceTools(log);
  ensureGnuTime(log);
  // Data sets are kept under --dir (and reused next time); a temp dir is removed at the end.
  const base = values.dir === undefined ? await mkdtemp(join(tmpdir(), 'strata-bench-')) : resolve(values.dir);
  await mkdir(base, { recursive: true });
  const work = await mkdtemp(join(base, 'work-'));
  const ctx: Context = { data: undefined as unknown as Dataset, work, log, errors: [] };
  try {
    const spec = datasetSpec(scale);
    ctx.data = await ensureDataset(join(base, `data-scale-${scale}`), spec, log);
    const tools = [strataTool(), resticTool(work), borgTool(work)];
    const samples = emptySamples();
    for (let round = 1; round <= runs; round++) await localRound(ctx, tools, round, samples);
    await attempt(ctx, 'S3 figures', () => s3Rounds(ctx, runs, samples));
    const idle = await attempt(ctx, 'idle child', () => runChild({ op: 'idle' }));
    const f: IngestFigures = {
      ...summarise(samples, { aBytes: spec.largeBytes, bBytes: spec.largeBytes + spec.insertBytes, files: spec.smallFiles, smallBytes: ctx.data.smallBytes, s3SmallFiles: S3_SMALL_FILES }),
      runtime: { tsxIdleRssMiB: idle ? Math.round(idle.maxRssKiB / 1024) : null, nodeIdleRssMiB: Math.round(plainNodeRssKiB() / 1024) },
    };
    const prof = values.profile ? await attempt(ctx, 'profile', () => profile(ctx)) : undefined;
    // Others commit to src/ in the same tree: a run whose Strata changed midway says so.
    const strataAtEnd = strataTool().version;
    if (strataAtEnd !== tools[0]!.version) ctx.errors.push(`Strata's src changed during the run: ${tools[0]!.version} at start, ${strataAtEnd} at end`);
    const targets = evaluateTargets(f);
    const record: IngestRecord = {
      bench: 'ingest',
      date: new Date().toISOString(),
      machine: await machineInfo(),
      scale,
      runs,
      versions: Object.fromEntries(tools.map((t) => [t.name, t.version])),
      figures: f,
      targets,
      ...(prof ? { profile: prof } : {}),
      errors: ctx.errors,
    };
    if (!values.quiet) {
      console.log(`\ningest, scale ${scale}, ${runs} round(s): ${record.machine.nproc} CPUs (${record.machine.cpu}), ${record.machine.memoryGiB} GiB\n`);
      console.log(formatTable(f, targets));
      console.log(`\n${formatNotes(f)}`);
      if (prof) console.log(`\n${formatProfiles(prof)}`);
      console.log('');
    }
    console.log(JSON.stringify(record));
    if (ctx.errors.length > 0) process.exitCode = 1;
  } finally {
    if (!values.keep) await rm(values.dir === undefined ? base : work, { recursive: true, force: true });
  }
}
