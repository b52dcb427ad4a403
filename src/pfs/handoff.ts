// Handing one-off commits to the server that holds a branch's turn
// (branch-turn.ts has the protocol). At two servers on one branch the turn
// used to change hands group by group: each handoff cost the waiter a wake-up,
// a turn transaction, a branch read and GETs of the other server's newest
// pack before it could build (bench scale's trace). Now a server whose
// writers find the turn held makes their chunks durable, writes their staged
// changes into one handoff record, and the holder's next group lands them
// too, each its own commit chained after the holder's own, in the same
// batch, which also deletes the record. The offering writers then read their
// commit records back: the holder's batch wrote them all or none.
//
// Only small, unconditional writers are handed off: no guard (S3
// conditions), no append (whose rebase check reads the files), at most
// HANDOFF_CHANGES changes; the rest wait for the turn as before. The record
// lives on the offering server's lease: if it dies its writers were never
// answered and the record goes; if the holder dies, the offering server
// takes the turn once the holder's lease ends, and takes its record back in
// that transaction, then lands the writers itself.
import { createHash } from 'node:crypto';
import type { BranchName, CommitId, RepoName } from '../ids.ts';
import type { IndexChange } from '../index/index.ts';
import * as keys from '../meta/keys.ts';
import { bytesEqual, type BatchCondition, type BatchOp } from '../meta/meta-store.ts';
import type { Offer } from './branch-turn.ts';
import type { PfsContext } from './context.ts';
import { fenceConditions, fenceFrom, type Fence } from './gc-fence.ts';
import { createDurableSet } from './durable-set.ts';
import { decodeHandoff, encodeHandoff, type HandedCommit } from './handoff-record.ts';
import { decodeCommit, type CommitRecord } from '../meta/records.ts';

/** Most staged changes one handoff carries (all its commits together): bounds the record and the holder's build. */
export const HANDOFF_CHANGES = 64;
/** Most bytes of one handoff record (etcd takes requests up to 1.5 MiB by default). */
const HANDOFF_BYTES = 64 << 10;
/**
 * Chunk bytes a handoff carries itself up to this total, so the offering
 * server uploads no pack of its own (the holder stores them in the pack it
 * uploads anyway): at two servers on one branch that PUT was a third of all.
 */
const INLINE_BYTES = 16 << 10;

/** What handoffs need of a one-off writer (one-off-commits.ts OneOffCommit). */
interface Writer {
  id: CommitId;
  changes: (onChunk: (hash: string) => void) => AsyncIterable<IndexChange>;
  guard?: unknown;
  beforeRebase?: unknown;
  description?: string;
  provenance?: { repo: RepoName; commit: CommitId }[];
  metadata?: Record<string, string>;
  fence: Fence;
  repoRecord: Uint8Array;
}

/** Whether these writers may be handed to another server's group. */
function handable(writers: readonly Writer[]): boolean {
  return writers.every((c) => !c.guard && !c.beforeRebase && bytesEqual(c.repoRecord, writers[0]!.repoRecord));
}

/** The offer of a group of this server's writers, or undefined when it cannot be handed off. */
export function offerOf(ctx: PfsContext, writers: readonly Writer[]): Offer | undefined {
  if (!handable(writers)) return undefined;
  return {
    async make(key, lease) {
      const durable = createDurableSet(ctx.chunks);
      try {
        const commits: HandedCommit[] = [];
        let count = 0;
        for (const c of writers) {
          const changes: IndexChange[] = [];
          for await (const change of c.changes(durable.addHex)) {
            if (++count > HANDOFF_CHANGES) return undefined;
            changes.push(change);
          }
          commits.push({ id: c.id, description: c.description ?? '', provenance: c.provenance ?? [], metadata: c.metadata ?? {}, generation: c.fence.generation, changes, chunks: [] });
        }
        // Small: the chunks travel in the record. Else durable before anyone can land a commit naming them.
        const inline = await inlineChunks(ctx, durable.hashes());
        if (inline) commits[0]!.chunks = inline;
        else await ctx.stages.time('flush', () => ctx.chunks.flush(durable.hashes()));
        const value = encodeHandoff({ repoRecord: writers[0]!.repoRecord, commits });
        if (value.byteLength > HANDOFF_BYTES) return undefined;
        return (await ctx.meta.batch([{ type: 'put', key, value, lease }], [{ key, expected: undefined }])) ? value : undefined;
      } finally {
        durable.close();
      }
    },
  };
}

/**
 * After takeOrHand said 'handed': the writers' commit records if the
 * holder landed them (all or none: one batch), else undefined (the record
 * went with this server's lease; the writers land on their own).
 */
export async function handedCommits(ctx: PfsContext, repo: RepoName, writers: readonly Writer[]): Promise<CommitRecord[] | undefined> {
  const raw = await ctx.meta.getMany(writers.map((c) => keys.commitKey(repo, c.id)));
  if (raw.some((r) => r === undefined)) return undefined;
  return raw.map((r, i) => decodeCommit(r!, keys.commitKey(repo, writers[i]!.id)));
}

/** Other servers' handoffs the holder's group can land, with what they add to its batch. */
export interface TakenOffers {
  commits: HandedCommit[];
  ops: BatchOp[];
  conditions: BatchCondition[];
  keys: string[];
}

/**
 * The handoffs for the branch that fit into the holder's batch (`room` ops
 * left) under the same repo record and GC fence as its own writers (`ref`;
 * with none, the first handoff's): a handoff read under another fence waits
 * for the turn instead. Their conditions include that repo record and fence.
 */
export function takeOffers(ctx: PfsContext, repo: RepoName, branch: BranchName, ref: { repoRecord: Uint8Array; generation: Uint8Array | undefined } | undefined, room: number): TakenOffers {
  const out: TakenOffers = { commits: [], ops: [], conditions: [], keys: [] };
  for (const { key, value } of ctx.turns.offers(repo, branch)) {
    let h;
    try {
      h = decodeHandoff(value, key);
    } catch {
      continue; // another version's record: it waits for the turn
    }
    if (h.commits.length === 0) continue;
    // Carried bytes are checked against their hashes here: a record is not trusted for bytes.
    if (h.commits.some((c) => c.chunks.some((k) => createHash('sha256').update(k.bytes).digest('hex') !== k.hash))) continue;
    const generation = h.commits[0]!.generation;
    ref ??= { repoRecord: h.repoRecord, generation };
    if (!bytesEqual(h.repoRecord, ref.repoRecord) || h.commits.some((c) => !bytesEqual(c.generation, ref!.generation))) continue;
    const ops = 2 + h.commits.reduce((n, c) => n + 4 + c.provenance.length, 0);
    if (ops > room) continue;
    room -= ops;
    out.commits.push(...h.commits);
    out.ops.push({ type: 'del', key });
    out.conditions.push({ key, expected: value });
    out.keys.push(key);
  }
  if (ref && out.keys.length > 0) out.conditions.push({ key: keys.repoKey(repo), expected: ref.repoRecord }, ...fenceConditions({ generation: ref.generation }));
  return out;
}

/** The chunks' bytes if they total at most INLINE_BYTES (read back from this server's open pack or cache), else undefined. */
async function inlineChunks(ctx: PfsContext, hashes: Iterable<Buffer>): Promise<{ hash: string; bytes: Uint8Array }[] | undefined> {
  const out: { hash: string; bytes: Uint8Array }[] = [];
  let total = 0;
  for (const hash of hashes) {
    const loc = ctx.chunks.locate(hash);
    if (!loc || (total += loc.length) > INLINE_BYTES) return undefined;
    out.push({ hash: hash.toString('hex'), bytes: await ctx.chunks.get(hash) });
  }
  return out;
}

/**
 * Stores the chunks a taken handoff carries (checked by takeOffers) into
 * this server's chunk store and adds them to the landing's durable set, so
 * its flush uploads them before the batch.
 */
export async function storeCarried(ctx: PfsContext, h: HandedCommit, durable: { addHex(hash: string): void }): Promise<void> {
  if (h.chunks.length === 0) return;
  // Deduplicated against this server's chunk index: first in step with the GC generation the landing is fenced on.
  await fenceFrom(ctx, h.generation, undefined);
  for (const { hash, bytes } of h.chunks) {
    await ctx.chunks.put(Buffer.from(hash, 'hex'), bytes);
    durable.addHex(hash);
  }
}
