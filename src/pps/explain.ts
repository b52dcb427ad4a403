// `strata explain REF:/path`: walks a file back to what made it. An output
// file of a pipeline names its commit's job and spec version, the datum that
// wrote it (or, for a carried-over datum, the earlier job that did), that
// datum's input files at their exact commits, and, when an input is itself
// a pipeline's output, the explanation of those files in turn.
import type { FilePath } from '../ids.ts';
import type { Pfs } from '../pfs/pfs.ts';
import { parseRef } from '../ref.ts';
import type { DatumInputRecord, PipelineRecord } from './records.ts';
import type { PipelineSpec } from './spec-types.ts';
import type { PpsStore } from './store.ts';

export interface Explanation {
  repo: string;
  commit: string;
  path: string;
  /** The file's content hash ("" for a directory). */
  hash: string;
  /** Empty when the commit was not made by a pipeline. */
  pipeline: string;
  specVersion: number;
  /** The transform that wrote the file: image and command. */
  image: string;
  cmd: string[];
  /** The job of the commit, and the job that actually ran the datum (differs when carried over). */
  job: string;
  ranInJob: string;
  datum: string;
  inputs: DatumInputRecord[];
  /** Explanations of input files that were themselves made by pipelines. */
  upstream: Explanation[];
  /** The commit's provenance when no pipeline made it (e.g. `strata run`). */
  provenance: string[];
}

export interface ExplainDeps {
  pfs: Pfs;
  store: PpsStore;
  specOf(p: PipelineRecord, version: number): Promise<PipelineSpec>;
}

const MAX_DEPTH = 8;
/** Upstream files explained per input (a directory input can hold many). */
const MAX_UPSTREAM_FILES = 16;

export async function explainFile(deps: ExplainDeps, repo: string, commit: string, path: string, depth = 0): Promise<Explanation> {
  const ref = parseRef(`${repo}@${commit}`);
  const c = await deps.pfs.inspectCommit(ref);
  const file = await deps.pfs.inspectFile(ref, path as FilePath);
  const base: Explanation = {
    repo, commit: c.id, path: file.path, hash: file.hash ?? '', pipeline: '', specVersion: 0, image: '', cmd: [], job: '', ranInJob: '', datum: '', inputs: [], upstream: [],
    provenance: c.provenance.map((p) => `${p.repo}@${p.commit}`),
  };
  const pipeline = c.metadata['pps.pipeline'];
  const job = c.metadata['pps.job'];
  const p = pipeline ? await deps.store.pipeline(pipeline) : undefined;
  if (!pipeline || !job || !p) return base;
  const datum = (await deps.store.datums(pipeline, job)).find((d) => d.outputs.some((o) => o.path === file.path || o.path.startsWith(`${file.path}/`)));
  const ranInJob = datum?.fromJob ?? job;
  const ran = await deps.store.job(pipeline, ranInJob);
  const specVersion = ran?.specVersion ?? Number(c.metadata['pps.spec_version'] ?? 0);
  const spec = await deps.specOf(p, specVersion).catch(() => undefined);
  const out: Explanation = { ...base, pipeline, specVersion, image: spec?.transform.image ?? '', cmd: spec?.transform.cmd ?? [], job, ranInJob, datum: datum?.id ?? '', inputs: datum?.inputs ?? [] };
  if (depth >= MAX_DEPTH) return out;
  for (const input of out.inputs) {
    if (!input.commit || !(await deps.store.pipeline(input.repo))) continue;
    const inRef = parseRef(`${input.repo}@${input.commit}`);
    const files: string[] = [];
    for await (const f of deps.pfs.walkFiles(inRef, input.path as FilePath)) if (files.push(f.path) >= MAX_UPSTREAM_FILES) break;
    if (files.length === 0 && input.path !== '/') files.push(input.path);
    for (const f of files) out.upstream.push(await explainFile(deps, input.repo, input.commit, f, depth + 1));
  }
  return out;
}
