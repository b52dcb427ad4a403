// Where a one-off commit's wall time goes, stage by stage, summed over the
// commits a server made: the metrics export the sums and counts, and bench
// scale prints them per commit at one server and at two. Stages overlap
// nothing within one commit; different commits' stages run concurrently
// (one commit's "queue" is another's "build"), so the sums add up to the
// writers' time, not the server's.
//
//   open    the writer reads fence, repo and branch (before its bytes arrive)
//   queue   waits behind this server's other writers of the branch
//   turn    waits for and takes the branch's turn across servers
//   head    reads the branch and its head commit to build on
//   build   applies the changes to the head's index (reading what it lacks)
//   flush   makes the commit's packs durable (the object store's PUTs)
//   land    the conditional batch that moves the head
//   retry   after a landing lost to another writer: checks before building again
export const COMMIT_STAGES = ['open', 'queue', 'turn', 'head', 'build', 'flush', 'land', 'retry'] as const;
export type CommitStage = (typeof COMMIT_STAGES)[number];

export class CommitStages {
  readonly seconds: Record<CommitStage, number> = Object.fromEntries(COMMIT_STAGES.map((s) => [s, 0])) as Record<CommitStage, number>;
  readonly count: Record<CommitStage, number> = Object.fromEntries(COMMIT_STAGES.map((s) => [s, 0])) as Record<CommitStage, number>;

  /** Adds the time since `start` (performance.now()) to the stage. */
  since(stage: CommitStage, start: number): void {
    this.seconds[stage] += (performance.now() - start) / 1000;
    this.count[stage]++;
  }

  async time<T>(stage: CommitStage, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.since(stage, start);
    }
  }
}
