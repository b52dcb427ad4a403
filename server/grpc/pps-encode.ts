// pps core values -> PpsService wire messages (camelCase, as proto-loader maps them).
import type { PipelineInfo } from '../../src/pps/pps.ts';
import type { Explanation } from '../../src/pps/explain.ts';
import type { DatumRecord, JobRecord } from '../../src/pps/records.ts';
import { pfsInputs } from '../../src/pps/spec.ts';

export function jobInfo(j: JobRecord) {
  return {
    pipeline: j.pipeline, id: j.id, specVersion: j.specVersion, state: j.state, inputs: j.inputs, outputCommit: j.outputCommit ?? '', counts: j.counts,
    reason: j.reason, createdAtMs: j.createdAt, startedAtMs: j.startedAt ?? 0, finishedAtMs: j.finishedAt ?? 0,
  };
}

export function pipelineInfo(p: PipelineInfo) {
  return {
    name: p.record.name, version: p.record.version, state: p.record.state, specJson: p.json, description: p.spec.description, outputBranch: p.spec.outputBranch,
    inputs: pfsInputs(p.spec.input).map((i) => `${i.repo}@${i.branch}`), parallelism: p.spec.parallelism, datumTries: p.spec.datumTries,
    createdAtMs: p.record.createdAt, updatedAtMs: p.record.updatedAt, executor: p.executor, notApplied: p.notApplied, lastJob: p.lastJob ? jobInfo(p.lastJob) : null,
  };
}

export function datumInfo(d: DatumRecord) {
  return {
    id: d.id, job: d.job, hash: d.hash, state: d.state, inputs: d.inputs, outputs: d.outputs.map((o) => ({ path: o.path, size: o.size, hash: o.hash })),
    fromJob: d.fromJob ?? '', tries: d.tries, reason: d.reason, startedAtMs: d.startedAt, finishedAtMs: d.finishedAt,
  };
}

export function explanation(e: Explanation): object {
  return { ...e, upstream: e.upstream.map(explanation) };
}
