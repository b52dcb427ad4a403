// What runs user code for a datum. The controller lays out a host directory
// with <input>/... and out/ and hands it over; an executor makes it appear
// as /pfs/<input> and /pfs/out to the command and reports how it ended.
// Implementations: local (child processes, isolated as `strata run` is),
// docker (when an engine answers); Kubernetes is planned (docs/pipelines.md).

export interface DatumTask {
  /** Host directory holding one directory per input name and `out/`. */
  pfsDir: string;
  inputs: string[];
  cmd: string[];
  /** Written to the command's stdin, then closed ("" = empty stdin). */
  stdin: string;
  /** The pipeline's variables (spec env, input paths, PACH_*); executors add their base environment. */
  env: Record<string, string>;
  /** Working directory inside the sandbox ("" = the executor's default). */
  workingDir: string;
  /** Container image (ignored by the local executor). */
  image: string;
  /** transform.user ("" = the executor's default user): a name or uid, optionally ":group". */
  user: string;
  /** Kill the command after this long (undefined = no limit). */
  timeoutMs?: number;
  /** Kills the command when aborted (job stopped, job timeout, shutdown). */
  signal: AbortSignal;
  /** Every chunk of the command's stdout and stderr, as it comes. */
  onOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void;
}

export interface DatumExit {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** The task's signal aborted it. */
  aborted: boolean;
}

/**
 * A place to run a job's datums one after another, kept for the whole job so
 * the per-datum cost is the command alone: a host directory laid out as /pfs
 * (one directory per input, and out/) and, where the executor can, one
 * sandbox set up once. The caller empties and refills the directory between
 * datums; out/ itself must stay (a sandbox may hold it bound), only its
 * contents change.
 */
export interface DatumSlot {
  readonly pfsDir: string;
  /** false once the slot can run nothing more (its sandbox died): the job opens another. */
  readonly alive: boolean;
  run(task: Omit<DatumTask, 'pfsDir'>): Promise<DatumExit>;
  close(): Promise<void>;
}

export interface Executor {
  /** "local", "docker", ... */
  readonly name: string;
  /** Whether /pfs may hold named pipes (lazy inputs); false where files are copied in. Default true. */
  readonly pipes?: boolean;
  /** How it isolates commands, for people (e.g. "bwrap (bubblewrap works)"). */
  readonly description: string;
  run(task: DatumTask): Promise<DatumExit>;
  /** A reusable slot at `dir` (made by the call) for commands run as `user`; without it, each datum is a run() of its own. */
  openSlot?(o: { dir: string; user: string }): Promise<DatumSlot>;
  /** Throws InvalidArgument when the spec asks for what this executor cannot do (an unknown user), before anything is stored. */
  check?(t: { image: string; user: string }): void;
  /** Fields of a spec this executor does not apply (e.g. transform.image for local). */
  ignores(t: { image: string; user: string }): { field: string; reason: string }[];
}
