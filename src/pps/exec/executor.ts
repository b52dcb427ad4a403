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

export interface Executor {
  /** "local", "docker", ... */
  readonly name: string;
  /** How it isolates commands, for people (e.g. "bwrap (bubblewrap works)"). */
  readonly description: string;
  run(task: DatumTask): Promise<DatumExit>;
  /** Fields of a spec this executor does not apply (e.g. transform.image for local). */
  ignores(t: { image: string; user: string }): { field: string; reason: string }[];
}
