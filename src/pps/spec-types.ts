// The in-memory form of a pipeline spec: Pachyderm's JSON fields, parsed
// once by spec.ts. Field names are camelCase here; the stored and wire form
// is the user's JSON as given (so `strata pipeline inspect` shows what they
// wrote), re-parsed whenever it is read.
import type { BranchName, RepoName } from '../ids.ts';

export interface PfsInputSpec {
  /** The directory under /pfs and the prefix of the environment variables; default the repo name. */
  name: string;
  repo: RepoName;
  /** Default: the repo's default branch (main). */
  branch: BranchName;
  glob: string;
  /** Accepted; the local executor always materializes (recorded as not applied). */
  lazy: boolean;
  /** Files appear with their names but no bytes. */
  emptyFiles: boolean;
  /** Key template over the glob's ( ) captures, e.g. "$1"; only inside join. */
  joinOn?: string;
  /** Inside join: this input's unmatched entries still make datums. */
  outerJoin: boolean;
  /** Key template over the glob's captures; only inside group. */
  groupBy?: string;
}

export interface CronInputSpec {
  name: string;
  /** "@every 1m", "@hourly", or a 5/6-field cron expression. */
  spec: string;
  /** The repo the ticks are committed to; default `<pipeline>_<name>`, made with the pipeline. */
  repo: RepoName;
  /** Each tick replaces the previous tick's file instead of adding one. */
  overwrite: boolean;
}

export type InputSpec =
  | { kind: 'pfs'; pfs: PfsInputSpec }
  | { kind: 'cross'; inputs: InputSpec[] }
  | { kind: 'union'; inputs: InputSpec[] }
  | { kind: 'join'; inputs: InputSpec[] }
  | { kind: 'group'; inputs: InputSpec[] }
  | { kind: 'cron'; cron: CronInputSpec };

export interface TransformSpec {
  image: string;
  cmd: string[];
  /** Lines given to the command on stdin, joined with "\n". */
  stdin: string[];
  env: Record<string, string>;
  workingDir: string;
  user: string;
  /** Exit codes besides 0 that count as success. */
  acceptReturnCode: number[];
  errCmd: string[];
  errStdin: string[];
}

export type ReprocessSpec = 'until_success' | 'every_job';

export interface PipelineSpec {
  name: RepoName;
  description: string;
  transform: TransformSpec;
  input: InputSpec;
  /** Workers per pipeline (parallelism_spec.constant; 0 means 1). */
  parallelism: number;
  datumTries: number;
  /** Milliseconds; undefined = no limit. */
  datumTimeoutMs?: number;
  jobTimeoutMs?: number;
  outputBranch: BranchName;
  reprocessSpec: ReprocessSpec;
  salt: string;
  /** Fields accepted and stored but not applied by this server (cluster-only ones and the like), with why. */
  notApplied: { field: string; reason: string }[];
}
