// The pipeline SDK's value types (pps.ts re-exports them), and the one place
// that turns PpsService's wire messages (the generated __Output types, as the
// SDK decodes them) into them: the same fields, with states narrowed to the
// SDK's words and absent sub-messages filled in.
import type { DatumInfo__Output } from '../../proto/generated/strata/pps/v1/DatumInfo.ts';
import type { DatumInput__Output } from '../../proto/generated/strata/pps/v1/DatumInput.ts';
import type { Explanation__Output } from '../../proto/generated/strata/pps/v1/Explanation.ts';
import type { JobInfo__Output } from '../../proto/generated/strata/pps/v1/JobInfo.ts';
import type { LogMessage__Output } from '../../proto/generated/strata/pps/v1/LogMessage.ts';
import type { PipelineInfo__Output } from '../../proto/generated/strata/pps/v1/PipelineInfo.ts';
import type { RerunReport__Output } from '../../proto/generated/strata/pps/v1/RerunReport.ts';
import type { Explanation } from '../../src/pps/explain.ts';
import type { DatumInputRecord } from '../../src/pps/records.ts';

export type JobState = 'created' | 'starting' | 'running' | 'finishing' | 'success' | 'failure' | 'killed' | 'unrunnable';
export const TERMINAL_STATES: readonly JobState[] = ['success', 'failure', 'killed', 'unrunnable'];

export interface JobInfo {
  pipeline: string;
  id: string;
  specVersion: number;
  state: JobState;
  inputs: { name: string; repo: string; branch: string; commit: string }[];
  outputCommit: string;
  counts: { total: number; processed: number; skipped: number; failed: number; recovered: number };
  reason: string;
  createdAtMs: number;
  startedAtMs: number;
  finishedAtMs: number;
}

export interface PipelineInfo {
  name: string;
  version: number;
  state: 'running' | 'paused';
  specJson: string;
  description: string;
  outputBranch: string;
  inputs: string[];
  parallelism: number;
  datumTries: number;
  createdAtMs: number;
  updatedAtMs: number;
  executor: string;
  notApplied: { field: string; reason: string }[];
  lastJob: JobInfo | null;
}

// One model of the data (issue 8, item 5): a datum's input and a file's
// explanation are the core's own types, not copies.
export type DatumInput = DatumInputRecord;
export type { Explanation };

export interface DatumInfo {
  id: string;
  job: string;
  hash: string;
  state: 'success' | 'skipped' | 'failed' | 'recovered';
  inputs: DatumInput[];
  outputs: { path: string; size: number; hash: string }[];
  fromJob: string;
  tries: number;
  reason: string;
  startedAtMs: number;
  finishedAtMs: number;
}

export interface LogMessage {
  job: string;
  datum: string;
  text: string;
}


export interface RerunReport {
  pipeline: string;
  job: string;
  datums: number;
  files: { datum: string; path: string; expected: string; actual: string; verdict: 'identical' | 'different' | 'missing' | 'extra' }[];
  identical: number;
  different: number;
  failedDatums: { datum: string; reason: string }[];
}


export function toJobInfo(w: JobInfo__Output): JobInfo {
  const c = w.counts;
  return {
    pipeline: w.pipeline,
    id: w.id,
    specVersion: w.specVersion,
    state: w.state as JobState,
    inputs: w.inputs.map((i) => ({ name: i.name, repo: i.repo, branch: i.branch, commit: i.commit })),
    outputCommit: w.outputCommit,
    counts: { total: c?.total ?? 0, processed: c?.processed ?? 0, skipped: c?.skipped ?? 0, failed: c?.failed ?? 0, recovered: c?.recovered ?? 0 },
    reason: w.reason,
    createdAtMs: w.createdAtMs,
    startedAtMs: w.startedAtMs,
    finishedAtMs: w.finishedAtMs,
  };
}

export function toPipelineInfo(w: PipelineInfo__Output): PipelineInfo {
  return {
    name: w.name,
    version: w.version,
    state: w.state as PipelineInfo['state'],
    specJson: w.specJson,
    description: w.description,
    outputBranch: w.outputBranch,
    inputs: [...w.inputs],
    parallelism: w.parallelism,
    datumTries: w.datumTries,
    createdAtMs: w.createdAtMs,
    updatedAtMs: w.updatedAtMs,
    executor: w.executor,
    notApplied: w.notApplied.map((n) => ({ field: n.field, reason: n.reason })),
    lastJob: w.lastJob ? toJobInfo(w.lastJob) : null,
  };
}

const toDatumInput = (w: DatumInput__Output): DatumInput => ({ name: w.name, repo: w.repo, commit: w.commit, path: w.path, hash: w.hash });

export function toDatumInfo(w: DatumInfo__Output): DatumInfo {
  return {
    id: w.id,
    job: w.job,
    hash: w.hash,
    state: w.state as DatumInfo['state'],
    inputs: w.inputs.map(toDatumInput),
    outputs: w.outputs.map((o) => ({ path: o.path, size: o.size, hash: o.hash })),
    fromJob: w.fromJob,
    tries: w.tries,
    reason: w.reason,
    startedAtMs: w.startedAtMs,
    finishedAtMs: w.finishedAtMs,
  };
}

export const toLogMessage = (w: LogMessage__Output): LogMessage => ({ job: w.job, datum: w.datum, text: w.text });

export function toExplanation(w: Explanation__Output): Explanation {
  return {
    repo: w.repo,
    commit: w.commit,
    path: w.path,
    hash: w.hash,
    pipeline: w.pipeline,
    specVersion: w.specVersion,
    image: w.image,
    cmd: [...w.cmd],
    job: w.job,
    ranInJob: w.ranInJob,
    datum: w.datum,
    inputs: w.inputs.map(toDatumInput),
    upstream: w.upstream.map(toExplanation),
    provenance: [...w.provenance],
  };
}

export function toRerunReport(w: RerunReport__Output): RerunReport {
  return {
    pipeline: w.pipeline,
    job: w.job,
    datums: w.datums,
    files: w.files.map((f) => ({ datum: f.datum, path: f.path, expected: f.expected, actual: f.actual, verdict: f.verdict as RerunReport['files'][number]['verdict'] })),
    identical: w.identical,
    different: w.different,
    failedDatums: w.failedDatums.map((f) => ({ datum: f.datum, reason: f.reason })),
  };
}
