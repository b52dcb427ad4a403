// The writers of one-off commits waiting on a branch in this server, and the
// groups they land in (one-off-commits.ts): what a writer brings, its place
// in the queue, and which writers one landing batch can hold.
import type { CommitId, RepoName } from '../ids.ts';
import type { IndexChange } from '../index/index.ts';
import type { BatchCondition, BatchOp } from '../meta/meta-store.ts';
import type { PfsContext } from './context.ts';
import type { Fence } from './gc-fence.ts';
import type { BranchRecord, CommitRecord, Stored } from './records-io.ts';
import type { Turn } from './branch-turn.ts';

export interface OneOffCommit {
  id: CommitId;
  /** The staged changes, in path order, over whatever head the branch has when the commit lands. */
  changes: (onChunk: (hash: string) => void) => AsyncIterable<IndexChange>;
  /** The index root the changes were made against (the head when the writer opened). */
  base: string | null;
  /** Called before applying the changes on a head that moved since `base`; may refuse (e.g. an append raced). */
  beforeRebase?: (base: string | null, head: string | null) => Promise<void>;
  description?: string;
  provenance?: { repo: RepoName; commit: CommitId }[];
  metadata?: Record<string, string>;
  /** The GC fence read before the writer put its first chunk (gc-fence.ts). */
  fence: Fence;
  /**
   * The repo's record as the writer read it: the landing batch holds only
   * while it is unchanged (the repo still exists), instead of a read of it
   * before landing. Read at landing when not given.
   */
  repoRecord?: Uint8Array;
  /**
   * The branch record as the writer read it when it opened (undefined: absent).
   * The first landing attempt builds on it instead of reading the branch
   * again when it is exactly what this server's last landing on the branch
   * wrote (see landedBranch): the compare-and-set still decides.
   */
  opened?: Stored<BranchRecord>;
  /**
   * Checked at every landing attempt against the head root it lands on, and
   * true for the landing (the head is compare-and-set with it): throws to
   * refuse, or returns more writes and conditions for the same atomic batch.
   */
  guard?: (headRoot: string | null) => Promise<LandingExtra | void>;
}

/** Writes and conditions that land atomically with a commit. */
export interface LandingExtra {
  ops?: BatchOp[];
  conditions?: BatchCondition[];
}

/** A writer of a branch on this server, from its arrival until it has landed or failed. */
export interface Waiting {
  c: OneOffCommit & { repoRecord: Uint8Array };
  /** No longer a writer of the branch (for keeping turns: branch-turn.ts arrive). */
  leave: () => void;
  /** Set by the writer that landed it (its own, or one ahead of it in the queue). */
  outcome?: { commit: CommitRecord; children: CommitId[] } | { error: unknown };
}

/** A writer's turn on the branch across servers (branch-turn.ts), taken once another server is seen writing it. */
export interface TurnState {
  turn: Turn | undefined;
  /** Taken, or tried and the wait ran out: not tried again for this commit. */
  tried: boolean;
  /** The landing batch kept the turn (for the next writer here) instead of ending it. */
  kept: boolean;
}

/** Per server (pfs context) and branch key: the writers waiting, in arrival order (the order recordLock lets them in). */
const queues = new WeakMap<PfsContext, Map<string, Waiting[]>>();

export function queueOf(ctx: PfsContext, key: string): Waiting[] {
  let byBranch = queues.get(ctx);
  if (!byBranch) queues.set(ctx, (byBranch = new Map()));
  let queue = byBranch.get(key);
  if (!queue) byBranch.set(key, (queue = []));
  return queue;
}

/** Takes `me` off its queue, and drops the queue once empty. */
export function leaveQueue(ctx: PfsContext, key: string, queue: Waiting[], me: Waiting): void {
  const at = queue.indexOf(me);
  if (at >= 0) queue.splice(at, 1);
  if (queue.length === 0 && queues.get(ctx)?.get(key) === queue) queues.get(ctx)!.delete(key);
}

/** Most commits landed in one group: bounds a group's build time and its batch (etcd allows 128 ops). */
const GROUP_COMMITS = 16;
/** Ops and conditions a group's batch has besides its commits' own (branch, turn, repo, fence, name). */
export const GROUP_FIXED_OPS = 12;

/**
 * The writer whose turn it is, and the unguarded writers queued behind it,
 * as many as one batch holds; taken off the queue (they are landed now).
 */
export function takeGroup(ctx: PfsContext, queue: Waiting[], me: Waiting): Waiting[] {
  const group = [me];
  const at = queue.indexOf(me);
  if (at >= 0) queue.splice(at, 1);
  if (me.c.guard) return group;
  addQueued(ctx, queue, group);
  return group;
}

/** Moves the unguarded writers waiting in `queue` into `group`, as many as one batch holds. */
export function addQueued(ctx: PfsContext, queue: Waiting[], group: Waiting[]): void {
  let ops = GROUP_FIXED_OPS + group.reduce((n, w) => n + commitOps(w.c), 0);
  for (let i = 0; i < queue.length && group.length < GROUP_COMMITS; ) {
    const w = queue[i]!;
    const more = commitOps(w.c);
    if (w.outcome || w.c.guard || ops + more > ctx.meta.limits.maxOps) {
      i++;
      continue;
    }
    ops += more;
    group.push(w);
    queue.splice(i, 1);
  }
}

/** Ops a commit adds to a landing batch: its record, its parent's child key, provenance, a guard's extras (none in a group), and a fence pair. */
export const commitOps = (c: OneOffCommit): number => 4 + (c.provenance?.length ?? 0);

/** The writers of `group` landed as the chain `made` (in order): each hears its commit and its child in the chain. */
export function landedAs(group: readonly Waiting[], made: readonly CommitRecord[]): void {
  for (const [i, w] of group.entries()) {
    w.outcome = { commit: made[i]!, children: i + 1 < made.length ? [made[i + 1]!.id] : [] };
  }
}
