// `strata job rerun --verify`: runs a job's datums again on the same input
// commits, hashes what they write (nothing is stored or committed), and says
// per output file whether the bytes are identical to what the job recorded.
// A reproducibility check: a non-deterministic command shows up here.
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { Pfs } from '../pfs/pfs.ts';
import { processDatum } from './datum-run.ts';
import type { Executor } from './exec/executor.ts';
import { createSlotPool } from './exec/slots.ts';
import { jobDatums } from './job-run.ts';
import type { JobRecord, PipelineRecord } from './records.ts';
import type { PipelineSpec } from './spec-types.ts';
import type { PpsStore } from './store.ts';

export interface FileVerdict {
  datum: string;
  path: string;
  /** "" when the rerun did not write the file. */
  expected: string;
  actual: string;
  verdict: 'identical' | 'different' | 'missing' | 'extra';
}

export interface RerunReport {
  pipeline: string;
  job: string;
  datums: number;
  files: FileVerdict[];
  identical: number;
  different: number;
  /** Datums whose rerun failed (their files count as missing). */
  failedDatums: { datum: string; reason: string }[];
}

export async function rerunJob(
  deps: { pfs: Pfs; store: PpsStore; executor: Executor; workDir: string },
  p: PipelineRecord,
  spec: PipelineSpec,
  job: JobRecord,
  signal: AbortSignal,
): Promise<RerunReport> {
  const recorded = new Map((await deps.store.datums(p.name, job.id)).filter((d) => d.state === 'success' || d.state === 'skipped').map((d) => [d.id, d]));
  const datums = (await jobDatums(deps.pfs, spec, job)).filter((d) => recorded.has(d.id));
  const report: RerunReport = { pipeline: p.name, job: job.id, datums: datums.length, files: [], identical: 0, different: 0, failedDatums: [] };
  const limit = pLimit(spec.parallelism);
  const slots = createSlotPool(deps.executor, { dir: join(deps.workDir, `rerun-${job.id}`), user: spec.transform.user, datums: datums.length, workers: spec.parallelism });
  try {
    await Promise.all(
      datums.map((d) =>
        limit(async () => {
          const outcome = await slots.use((slot) =>
            processDatum(
              {
                pfs: deps.pfs, slot, pipes: deps.executor.pipes !== false, transform: spec.transform, tries: 1, timeoutMs: spec.datumTimeoutMs, pipeline: p.name, job: job.id,
                outputCommit: job.outputCommit ?? '', signal, onLog: () => undefined, storeOutputs: false,
              },
              d,
            ),
          );
          if (outcome.state !== 'success') report.failedDatums.push({ datum: d.id, reason: outcome.reason });
          const actual = new Map(outcome.outputs.map((o) => [o.path, o.hash]));
          for (const o of recorded.get(d.id)!.outputs) {
            const got = actual.get(o.path);
            actual.delete(o.path);
            report.files.push({ datum: d.id, path: o.path, expected: o.hash, actual: got ?? '', verdict: got === undefined ? 'missing' : got === o.hash ? 'identical' : 'different' });
          }
          for (const [path, hash] of actual) report.files.push({ datum: d.id, path, expected: '', actual: hash, verdict: 'extra' });
        }),
      ),
    );
  } finally {
    await slots.close();
  }
  report.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  report.identical = report.files.filter((f) => f.verdict === 'identical').length;
  report.different = report.files.length - report.identical;
  return report;
}
