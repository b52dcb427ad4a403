// Garbage collection and fsck. GC marks every chunk and index object that a
// commit (finished or open) or a staged write can reach, then sweeps the rest
// from the chunk store; chunks put within the grace period survive, so an
// upload whose commit is not written yet is never swept. With several
// servers on one store, GC runs under gc/lock and fences writers while it
// sweeps (gc-fence.ts), so no server lands a reference to a swept chunk.
import { sweepChunks, type SweepReport } from '../blocks/chunk-sweep.ts';
import { rebuildChunkIndex as rebuildFromPacks, verifyChunkStore, type VerifyProblem } from '../blocks/chunk-verify.ts';
import { isStrataError } from '../errors/index.ts';
import type { HashRuns } from '../blocks/hash-runs.ts';
import { PPS_DONE_ROOT, UPLOAD_PART_PREFIX } from '../meta/keys.ts';
import { decodeCommit } from '../meta/records.ts';
import type { PfsContext } from './context.ts';
import { acquireGc } from './gc-fence.ts';

export interface GcOptions {
  /** Unreferenced chunks younger than this are kept (default one hour). */
  graceMs?: number;
  /** Marks held in memory before the mark set goes on to local disk (default 128 Ki, about 20 MiB). */
  markMemEntries?: number;
}

export interface GcReport extends SweepReport {
  commits: number;
  indexObjects: number;
}

export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000;

export const DEFAULT_MARK_MEM_ENTRIES = 128 << 10;

/** The mark set: hashes of live chunks and index objects, spilled to local disk past a bound. */
class Marks {
  indexObjects = 0;

  constructor(private readonly set: HashRuns) {}

  has(hex: string): boolean {
    return this.set.get(Buffer.from(hex, 'hex')) !== undefined;
  }

  hasHash(hash: Buffer): boolean {
    return this.set.get(hash) !== undefined;
  }

  add(hex: string): void {
    this.set.set(Buffer.from(hex, 'hex'));
  }

  close(): void {
    this.set.close();
  }
}

/** Marks one commit's index objects and every chunk its files name, skipping ranges already marked. */
async function markRoot(ctx: PfsContext, root: string, marks: Marks): Promise<void> {
  if (marks.has(root)) return;
  marks.add(root);
  marks.indexObjects++;
  for (const group of await ctx.reader.groups(root)) {
    if (!marks.has(group)) marks.indexObjects++;
    marks.add(group);
  }
  for (const range of await ctx.reader.ranges(root)) {
    if (marks.has(range.hash)) continue; // shared with a commit already marked
    marks.add(range.hash);
    marks.indexObjects++;
    for (const e of await ctx.reader.rangeEntries(range)) for (const c of e.chunks) marks.add(c.hash);
  }
}

/** Staged writes of open commits and the durable parts of multipart uploads (both JSON with `chunks`). */
async function markStaged(ctx: PfsContext, marks: Marks): Promise<void> {
  for (const prefix of ['stage/', UPLOAD_PART_PREFIX]) {
    for await (const [, raw] of ctx.meta.scan({ prefix })) {
      const r = JSON.parse(Buffer.from(raw).toString('utf8')) as { chunks?: { hash: string }[] };
      for (const c of r.chunks ?? []) marks.add(c.hash);
    }
  }
}

/** Marks everything reachable now; a second pass re-reads only commits and staging (marked ranges are skipped). */
async function markAll(ctx: PfsContext, marks: Marks): Promise<number> {
  let commits = 0;
  for await (const [, raw] of ctx.meta.scan({ prefix: 'commit/' })) {
    const c = decodeCommit(raw);
    commits++;
    if (c.indexRoot) await markRoot(ctx, c.indexRoot, marks);
  }
  await markStaged(ctx, marks);
  await markPipelineOutputs(ctx, marks);
  return commits;
}

/**
 * Outputs of datums processed by pipelines: a later job carries them into its
 * output commit by reference, also when the job that made them failed (so no
 * commit names them yet).
 */
async function markPipelineOutputs(ctx: PfsContext, marks: Marks): Promise<void> {
  for await (const [, raw] of ctx.meta.scan({ prefix: PPS_DONE_ROOT })) {
    const r = JSON.parse(Buffer.from(raw).toString('utf8')) as { outputs?: { chunks?: { hash: string }[] }[] };
    for (const o of r.outputs ?? []) for (const c of o.chunks ?? []) marks.add(c.hash);
  }
}

export async function collectGarbage(ctx: PfsContext, opts: GcOptions = {}): Promise<GcReport> {
  const lease = await acquireGc(ctx);
  const marks = new Marks(ctx.chunks.newHashSet(opts.markMemEntries ?? ctx.gcMarkMemEntries ?? DEFAULT_MARK_MEM_ENTRIES));
  try {
    await ctx.chunks.refresh({ dropMissing: true }); // packs other servers wrote (young: kept by the grace) or swept
    await markAll(ctx, marks);
    await lease.raiseFence();
    const commits = await markAll(ctx, marks); // what landed before the fence went up
    const swept = await sweepChunks(ctx.chunks, (h) => marks.hasHash(h), { graceMs: opts.graceMs ?? DEFAULT_GC_GRACE_MS, mayDelete: () => lease.confirm() });
    return { ...swept, commits, indexObjects: marks.indexObjects };
  } finally {
    marks.close();
    await lease.release();
  }
}

/**
 * Rebuilds the chunk index from the packs (chunk-verify.ts) under the GC
 * lock: with several servers on one store, another server's GC sweep
 * rewrites and deletes index objects and packs, so the two must not
 * interleave. Fails with CONCURRENT_UPDATE while a GC runs elsewhere, and
 * asks the store before each batch of deletes that the lock is still held.
 */
export async function rebuildChunkIndex(ctx: PfsContext): Promise<{ packs: number; chunks: number; corruptPacks: string[] }> {
  const lease = await acquireGc(ctx);
  try {
    return await rebuildFromPacks(ctx.chunks, { mayDelete: () => lease.confirm() });
  } finally {
    await lease.release();
  }
}

export interface FsckProblem {
  repo?: string;
  commit?: string;
  path?: string;
  detail: string;
}

export interface FsckReport {
  commits: number;
  files: number;
  problems: FsckProblem[];
  /** With verifyData: every pack read and every chunk hash checked. */
  data?: { packs: number; chunks: number; problems: VerifyProblem[] };
}

/**
 * Checks that every finished commit's index reads back (each object is
 * hash-verified as it is read) and that every chunk its files name exists;
 * with verifyData, also reads every pack and checks every chunk's bytes.
 */
export async function fsck(ctx: PfsContext, opts: { verifyData?: boolean } = {}): Promise<FsckReport> {
  const report: FsckReport = { commits: 0, files: 0, problems: [] };
  const checked = new Set<string>();
  await ctx.chunks.refresh(); // other servers' packs, and packs their GC deleted
  for await (const [, raw] of ctx.meta.scan({ prefix: 'commit/' })) {
    const c = decodeCommit(raw);
    report.commits++;
    if (c.state !== 'finished' || !c.indexRoot) continue;
    try {
      for (const range of await ctx.reader.ranges(c.indexRoot)) {
        if (checked.has(range.hash)) continue;
        checked.add(range.hash);
        for (const e of await ctx.reader.rangeEntries(range)) {
          report.files++;
          for (const chunk of e.chunks) {
            if (!(await ctx.chunks.find(Buffer.from(chunk.hash, 'hex')))) {
              report.problems.push({ repo: c.repo, commit: c.id, path: e.path, detail: `chunk ${chunk.hash} is missing` });
            }
          }
        }
      }
    } catch (err) {
      if (!isStrataError(err) || err.kind !== 'DataLoss') throw err;
      report.problems.push({ repo: c.repo, commit: c.id, detail: `index unreadable: ${err.message}` });
    }
  }
  if (opts.verifyData) {
    const v = await verifyChunkStore(ctx.chunks);
    report.data = { packs: v.packs, chunks: v.chunks, problems: v.problems };
  }
  return report;
}
