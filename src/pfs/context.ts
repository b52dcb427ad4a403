// What every pfs module shares: the stores, the index reader, a clock, the
// in-process commit events and per-commit locks. Built once by createPfs.
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import type { ChunkStore, PackHint } from '../blocks/chunk-store.ts';
import type { MetaStore } from '../meta/meta-store.ts';
import { KeyedLock } from '../meta/keyed-lock.ts';
import { createIndexReader, type IndexObjectStore, type IndexReader } from '../index/index.ts';
import { createBranchTurns, type BranchTurns } from './branch-turn.ts';
import { FinishedCommits, LandedBranches } from './finished-commits.ts';
import { CommitStages } from './commit-stages.ts';

export interface Clock {
  now(): number;
}

export interface PfsLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface PfsContext {
  meta: MetaStore;
  chunks: ChunkStore;
  objects: IndexObjectStore;
  reader: IndexReader;
  clock: Clock;
  /** How long a lease (GC lock, sweep fence, finish claim) outlives its holder's last renewal (lease.ts). */
  leaseMs: number;
  log: PfsLog;
  /** What one writer may do (see WriteLimits). */
  limits: WriteLimits;
  /** Emits 'finished' with a CommitRecord whenever a commit finishes, 'dropped' when one goes, 'head' (HeadMoved, pfs.ts) when a branch head changes. */
  events: EventEmitter;
  /** Serialises staging writes and finishing per open commit. */
  commitLock: KeyedLock;
  /** Serialises read-modify-write of records per key (repo, branch, commit). */
  recordLock: KeyedLock;
  /** Turns on a branch across servers sharing the store (branch-turn.ts). */
  turns: BranchTurns;
  /** Index objects fetched from and stored to the chunk store (cache misses only), for benchmarks and metrics. */
  indexIo: IndexIoStats;
  /**
   * One-off commits landed, landing attempts lost to another writer's (built
   * again on the new head), and commits landed in another writer's group
   * (one-off-commits.ts); commits this server handed to another server's
   * turn and that one landed, and such commits this server landed
   * (handoff.ts), for metrics.
   */
  oneOff: { landed: number; rebuilt: number; grouped: number; handed: number; took: number };
  /** Where one-off commits' wall time went, by stage (commit-stages.ts), for metrics and bench scale. */
  stages: CommitStages;
  /** GC's default in-memory bound on its mark set (a GC call may pass its own). */
  gcMarkMemEntries: number | undefined;
  /** Finished commit records recently landed or seen (finished-commits.ts): a writer reads the head it builds on from here. */
  finished: FinishedCommits;
  /** Per branch, the record this server's last one-off landing wrote (finished-commits.ts). */
  landedBranch: LandedBranches;
}

/** Default bound of the index reader's cache of decoded ranges and groups. */
export const DEFAULT_INDEX_CACHE_BYTES = 64 << 20;

/** Default lease time (lease.ts): a dead holder's lease is taken over this long after its last renewal. */
export const DEFAULT_LEASE_MS = 30_000;

export interface IndexIoStats {
  reads: number;
  writes: number;
}

/** Index objects (ranges, metaranges) live in the chunk store: packed, deduplicated, verified. */
export function indexObjectsOver(chunks: ChunkStore, io: IndexIoStats, written?: { push(hash: Buffer): void }): IndexObjectStore {
  return {
    async put(bytes: Uint8Array) {
      const hash = createHash('sha256').update(bytes).digest();
      if (await chunks.put(hash, bytes, { cache: true })) io.writes++;
      written?.push(hash);
      return hash.toString('hex');
    },
    async get(hash: string) {
      io.reads++;
      return chunks.get(Buffer.from(hash, 'hex'));
    },
  };
}

/** A commit names the packs of at most this many of the index objects it wrote... */
const HINT_OBJECTS = 256;
/** ...in at most this many packs; a larger commit names none (other servers list the store). */
const HINT_PACKS = 8;

/**
 * The index object store a commit builds its index with: every object goes
 * into the commit's durable set, and (up to HINT_OBJECTS) is remembered, so
 * that once they are flushed, packHints() names the packs holding them for
 * the commit record (CommitRecord.packs).
 */
/**
 * A commit's pack hints: the packs of the objects it wrote, then its
 * parent's, up to HINT_PACKS. A commit reuses the ranges its parents wrote,
 * and a server building on it may not have seen those parents (another
 * server made several commits in a row): without them it would list the
 * store to find those ranges.
 */
export function withParentHints(own: PackHint[] | undefined, parent: readonly PackHint[] | undefined): PackHint[] | undefined {
  if (!own) return undefined;
  const out = [...own];
  for (const h of parent ?? []) {
    if (out.length >= HINT_PACKS) break;
    if (!out.some((o) => o.name === h.name)) out.push(h);
  }
  return out;
}

export function commitObjects(ctx: PfsContext, durable: { push(hash: Buffer): void }): { objects: IndexObjectStore; packHints(): PackHint[] | undefined } {
  const written: Buffer[] = [];
  let overflow = false;
  const objects = indexObjectsOver(ctx.chunks, ctx.indexIo, {
    push(hash) {
      durable.push(hash);
      if (written.length < HINT_OBJECTS) written.push(hash);
      else overflow = true;
    },
  });
  return { objects, packHints: () => (overflow ? undefined : ctx.chunks.packHints(written, HINT_PACKS)) };
}

/**
 * Bounds on one writer (one ModifyFile call, one one-off commit), so a
 * single request cannot make unbounded metadata. The server's config sets
 * them (server/config.ts has the defaults); unset means no bound.
 */
export interface WriteLimits {
  /** Longest path a file may have, in UTF-8 bytes. */
  maxPathBytes: number;
  /** Most files (puts, deletes, copied files) one writer may stage. */
  maxFilesPerCommit: number;
}

/** What pfs is made of: createPfs takes these and builds its context from them. */
export interface PfsDeps {
  meta: MetaStore;
  chunks: ChunkStore;
  clock?: Clock;
  log?: PfsLog;
  /** Decoded index objects the reader keeps for re-reads, in estimated heap bytes (default 64 MiB). */
  indexCacheBytes?: number;
  /** Hashes GC's mark set holds in memory before it spills to local disk (default gc.ts DEFAULT_MARK_MEM_ENTRIES). */
  gcMarkMemEntries?: number;
  /** Lease time of GC locks, sweep fences and finish claims (default 30 s; lease.ts). */
  leaseMs?: number;
  /** Bounds on one writer (see WriteLimits); none by default. */
  limits?: Partial<WriteLimits>;
}

export function createContext(deps: PfsDeps): PfsContext {
  const indexIo = { reads: 0, writes: 0 };
  const objects = indexObjectsOver(deps.chunks, indexIo);
  const events = new EventEmitter();
  events.setMaxListeners(0);
  return {
    meta: deps.meta,
    chunks: deps.chunks,
    objects,
    reader: createIndexReader(objects, { cacheBytes: deps.indexCacheBytes ?? DEFAULT_INDEX_CACHE_BYTES }),
    clock: deps.clock ?? { now: () => Date.now() },
    leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS,
    log: deps.log ?? { info: () => undefined, warn: () => undefined },
    limits: { maxPathBytes: Infinity, maxFilesPerCommit: Infinity, ...deps.limits },
    events,
    commitLock: new KeyedLock(),
    recordLock: new KeyedLock(),
    turns: createBranchTurns(deps.meta, deps.leaseMs ?? DEFAULT_LEASE_MS),
    indexIo,
    oneOff: { landed: 0, rebuilt: 0, grouped: 0, handed: 0, took: 0 },
    stages: new CommitStages(),
    gcMarkMemEntries: deps.gcMarkMemEntries,
    finished: new FinishedCommits(),
    landedBranch: new LandedBranches(),
  };
}
