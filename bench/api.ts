// `npm run bench -- api [--scale 0.1] [--runs N] [--tools strata,restic,borg] [--dir DIR] [--keep] [--profile] [--quiet]`
//
// Strata as a user meets it: a real server (local store, loopback ports) and
// the `strata` CLI over gRPC — put the 1 GiB file (a), get it back, put its
// edited copy (b), put the 100,000-file tree (c), re-put (c) unchanged —
// against restic and borg backing up the same data in the same run, with
// the server's RSS sampled throughout (see docs/benchmarks.md, "api").
// Prints a table (unless --quiet), then one line of JSON with every figure.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './lib/api-cli.ts';
import { evaluateTargets, formatCpuTable, formatNotes, formatTable, summarise, type ApiRecord } from './lib/api-report.ts';
import { runReference, type ReferenceSample } from './lib/api-reference.ts';
import { runStrata, sha256File, type StrataSample } from './lib/api-strata.ts';
import { summariseProfiles, type ThreadProfile } from './lib/cpu-profile.ts';
import { datasetSpec, ensureDataset, type Dataset } from './lib/dataset.ts';
import { dirBytes, ensureGnuTime, machineInfo } from './lib/proc.ts';
import { formatProfiles } from './lib/report.ts';
import { borgTool, ensureReferenceTools, readLimits, resticTool, strataTool } from './lib/tools.ts';

const TOOLS = ['strata', 'restic', 'borg'] as const;

interface Options {
  scale: number;
  runs: number;
  tools: Set<string>;
  profile: boolean;
  log: (msg: string) => void;
}

function parseOptions(args: string[]): Options & { dir?: string; keep: boolean; quiet: boolean } {
  const { values } = parseArgs({
    args,
    options: {
      scale: { type: 'string', default: '1' },
      runs: { type: 'string', default: '1' },
      tools: { type: 'string', default: TOOLS.join(',') },
      dir: { type: 'string' },
      keep: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be a number in (0, 1], got "${values.scale}"`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got "${values.runs}"`);
  const tools = new Set(values.tools.split(',').map((t) => t.trim()).filter(Boolean));
  for (const t of tools) if (!(TOOLS as readonly string[]).includes(t)) throw new Error(`--tools: unknown tool "${t}" (known: ${TOOLS.join(', ')})`);
  const log = values.quiet ? () => undefined : (msg: string) => console.error(`[api] ${msg}`);
  return { scale, runs, tools, profile: values.profile, dir: values.dir, keep: values.keep, quiet: values.quiet, log };
}

/** A failure is recorded and reported instead of ending the whole benchmark. */
async function attempt<T>(errors: string[], log: (msg: string) => void, what: string, step: () => Promise<T>): Promise<T | undefined> {
  try {
    return await step();
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const noise = /^\s+at |^\s*\^\s*$|triggerUncaughtException|node:internal\/modules\/run_main|^Node\.js v/;
    const message = `${what}: ${text.split('\n').filter((l) => l.trim() && !noise.test(l)).slice(0, 6).join(' / ')}`;
    errors.push(message);
    log(`FAILED ${message}`);
    return undefined;
  }
}

/** Re-runs Strata's steps with the server and the CLI under --cpu-prof (not the measured runs: profiling slows them). */
async function profileStrata(data: Dataset, work: string, aSha256: string, log: (msg: string) => void): Promise<Record<string, ThreadProfile[]>> {
  const dir = join(work, 'profiles');
  await runStrata(data, join(work, 'profiled'), aSha256, log, dir);
  const out: Record<string, ThreadProfile[]> = {};
  for (const step of ['put-a', 'get-a', 'put-c', 'reput-c']) {
    for (const who of ['server', 'cli']) out[`${who} ${step}`] = await summariseProfiles(join(dir, `${who}-${step}`), REPO_ROOT, 10);
  }
  return out;
}

export async function run(args: string[]): Promise<void> {
  const opts = parseOptions(args);
  const { log } = opts;
  if (opts.tools.has('restic') || opts.tools.has('borg')) ensureReferenceTools(log);
  ensureGnuTime(log);
  // Data sets are kept under --dir (and reused next time); a temp dir is removed at the end.
  const base = opts.dir === undefined ? await mkdtemp(join(tmpdir(), 'strata-bench-')) : resolve(opts.dir);
  await mkdir(base, { recursive: true });
  const work = await mkdtemp(join(base, 'api-work-'));
  const errors: string[] = [];
  try {
    const spec = datasetSpec(opts.scale);
    const data = await ensureDataset(join(base, `data-scale-${opts.scale}`), spec, log);
    const aSha256 = await sha256File(join(data.dir, data.a)); // also warms the page cache for (a)
    await sha256File(join(data.dir, data.b));
    await dirBytes(join(data.dir, data.c));
    const catSeconds = (await readLimits(join(data.dir, data.a), work)).catSeconds;
    const strataVersion = strataTool().version;
    const strata: StrataSample[] = [];
    const refs: { restic: ReferenceSample[]; borg: ReferenceSample[] } = { restic: [], borg: [] };
    const versions: Record<string, string> = { strata: strataVersion };
    for (let round = 1; round <= opts.runs; round++) {
      if (opts.tools.has('strata')) {
        const s = await attempt(errors, log, `Strata round ${round}`, () => runStrata(data, join(work, `strata-${round}`), aSha256, log));
        if (s) strata.push(s);
      }
      // Only the tools asked for are constructed: each looks up its version, which needs it installed.
      const reference = [opts.tools.has('restic') ? resticTool(work) : undefined, opts.tools.has('borg') ? borgTool(work) : undefined];
      for (const tool of reference) {
        if (!tool) continue;
        versions[tool.name] = tool.version;
        const dir = join(work, `${tool.name}-${round}`);
        const r = await attempt(errors, log, `${tool.name} round ${round}`, () => runReference(tool, data, dir, log));
        if (r) refs[tool.name as 'restic' | 'borg'].push(r);
        await rm(dir, { recursive: true, force: true });
      }
    }
    const prof = opts.profile ? await attempt(errors, log, 'profile', () => profileStrata(data, work, aSha256, log)) : undefined;
    // Others commit to src/ in the same tree: a run whose Strata changed midway says so.
    if (strataTool().version !== strataVersion) errors.push(`Strata's src changed during the run: ${strataVersion} at start, ${strataTool().version} at end`);
    const figures = summarise(strata, refs, { aBytes: spec.largeBytes, bBytes: spec.largeBytes + spec.insertBytes, files: spec.smallFiles, treeBytes: data.smallBytes }, catSeconds);
    const targets = evaluateTargets(figures);
    const record: ApiRecord = {
      bench: 'api',
      date: new Date().toISOString(),
      command: `npm run bench -- api ${args.join(' ')}`.trim(),
      machine: await machineInfo(),
      scale: opts.scale,
      runs: opts.runs,
      versions,
      figures,
      targets,
      ...(prof ? { profile: prof } : {}),
      errors,
    };
    if (!opts.quiet) {
      const m = record.machine;
      console.log(`\napi, scale ${opts.scale}, ${opts.runs} round(s), fastest shown: ${m.nproc} CPUs (${m.cpu}), ${m.memoryGiB} GiB, ${m.node}\n`);
      console.log(formatTable(figures, targets));
      console.log(`\n${formatCpuTable(figures)}`);
      console.log(`\n${formatNotes(figures)}`);
      if (prof) console.log(`\n${formatProfiles(prof)}`);
      console.log('');
    }
    console.log(JSON.stringify(record));
    if (errors.length > 0) process.exitCode = 1;
  } finally {
    if (!opts.keep) await rm(opts.dir === undefined ? base : work, { recursive: true, force: true });
  }
}
