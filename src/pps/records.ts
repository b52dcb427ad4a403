// The stored records of pipelines, jobs and datums: in-memory types and
// their encodings (JSON with a version field `v`, field names written out),
// converted here and only here. Keys are in src/meta/keys.ts.
import { StrataError } from '../errors/index.ts';
import { decodeJson, encodeJson, type FieldReader, type Json } from '../meta/record-fields.ts';
import { parseHash, type ChunkRef } from '../ids.ts';

export const PPS_RECORD_VERSION = 1;

export type PipelineState = 'running' | 'paused';
export const PIPELINE_STATES: readonly PipelineState[] = ['running', 'paused'];

export interface PipelineRecord {
  name: string;
  /** The current spec version (1, 2, ...); each is kept under pps-spec/. */
  version: number;
  state: PipelineState;
  /** The transform hash datums are hashed with: an update with --no-reprocess keeps the old one. */
  hashTransform: string;
  /** Changed by an update with --reprocess, so every datum hashes anew. */
  reprocessSalt: string;
  /** The job whose output commit is the output branch's head; null before the first success. */
  headJob: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface SpecRecord {
  version: number;
  /** The spec as the user gave it (JSON text). */
  json: string;
  createdAt: number;
}

export type JobState = 'created' | 'starting' | 'running' | 'finishing' | 'success' | 'failure' | 'killed' | 'unrunnable';
export const JOB_STATES: readonly JobState[] = ['created', 'starting', 'running', 'finishing', 'success', 'failure', 'killed', 'unrunnable'];
export const TERMINAL_JOB_STATES: readonly JobState[] = ['success', 'failure', 'killed', 'unrunnable'];

export interface JobInput {
  name: string;
  repo: string;
  branch: string;
  /** The exact commit the job reads; "" when the branch has no commit yet. */
  commit: string;
}

export interface JobCounts {
  total: number;
  processed: number;
  skipped: number;
  failed: number;
  recovered: number;
}

export interface JobRecord {
  id: string;
  pipeline: string;
  specVersion: number;
  state: JobState;
  inputs: JobInput[];
  /** The open (then finished) output commit; null when none was made. */
  outputCommit: string | null;
  counts: JobCounts;
  /** Why the job failed, was killed or is unrunnable. */
  reason: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export type DatumState = 'success' | 'skipped' | 'failed' | 'recovered';
export const DATUM_STATES: readonly DatumState[] = ['success', 'skipped', 'failed', 'recovered'];

export interface OutputFile {
  path: string;
  size: number;
  hash: string;
  chunks: ChunkRef[];
}

export interface DatumInputRecord {
  name: string;
  repo: string;
  commit: string;
  path: string;
  hash: string;
}

export interface DatumRecord {
  id: string;
  job: string;
  hash: string;
  state: DatumState;
  inputs: DatumInputRecord[];
  outputs: OutputFile[];
  /** For a skipped datum: the job that processed it. */
  fromJob: string | null;
  tries: number;
  reason: string;
  startedAt: number;
  finishedAt: number;
}

export interface DoneRecord {
  job: string;
  datum: string;
  outputs: OutputFile[];
}

// ---- encodings ----

function checked<T>(obj: Json, read: (f: FieldReader) => T): Uint8Array {
  const bytes = encodeJson({ v: PPS_RECORD_VERSION, ...obj });
  try {
    read(decodeJson(bytes, 'record being written', PPS_RECORD_VERSION));
  } catch (err) {
    throw new StrataError('INTERNAL', `refusing to write an invalid pps record: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
  }
  return bytes;
}

const decoder = <T>(what: string, read: (f: FieldReader) => T) => (bytes: Uint8Array, key?: string): T =>
  read(decodeJson(bytes, key ? `${what} at ${JSON.stringify(key)}` : what, PPS_RECORD_VERSION));

function readPipeline(f: FieldReader): PipelineRecord {
  return {
    name: f.string('name'),
    version: f.count('version'),
    state: f.oneOf('state', PIPELINE_STATES),
    hashTransform: f.string('hashTransform'),
    reprocessSalt: f.string('reprocessSalt'),
    headJob: f.nullableString('headJob'),
    createdAt: f.count('createdAt'),
    updatedAt: f.count('updatedAt'),
  };
}
export const encodePipeline = (p: PipelineRecord): Uint8Array => checked({ ...p }, readPipeline);
export const decodePipeline = decoder('pipeline record', readPipeline);

function readSpec(f: FieldReader): SpecRecord {
  return { version: f.count('version'), json: f.string('json'), createdAt: f.count('createdAt') };
}
export const encodeSpec = (s: SpecRecord): Uint8Array => checked({ ...s }, readSpec);
export const decodeSpec = decoder('pipeline spec record', readSpec);

function readJob(f: FieldReader): JobRecord {
  const counts = f.array('counts', (c) => ({ total: c.count('total'), processed: c.count('processed'), skipped: c.count('skipped'), failed: c.count('failed'), recovered: c.count('recovered') }))[0];
  if (!counts) f.fail('counts', 'must hold one counts object');
  return {
    id: f.string('id'),
    pipeline: f.string('pipeline'),
    specVersion: f.count('specVersion'),
    state: f.oneOf('state', JOB_STATES),
    inputs: f.array('inputs', (i) => ({ name: i.string('name'), repo: i.string('repo'), branch: i.string('branch'), commit: i.string('commit') })),
    outputCommit: f.nullableString('outputCommit'),
    counts,
    reason: f.string('reason'),
    createdAt: f.count('createdAt'),
    startedAt: f.nullableCount('startedAt'),
    finishedAt: f.nullableCount('finishedAt'),
  };
}
// counts is stored as a one-element array so the generic FieldReader can read a nested object.
export const encodeJob = (j: JobRecord): Uint8Array => checked({ ...j, counts: [j.counts] }, readJob);
export const decodeJob = decoder('job record', readJob);

const readOutputs = (f: FieldReader): OutputFile[] =>
  f.array('outputs', (o) => ({ path: o.string('path'), size: o.count('size'), hash: o.string('hash'), chunks: o.array('chunks', (c) => ({ hash: parseHash(c.string('hash'), 'chunk hash'), size: c.count('size') })) }));

function readDatum(f: FieldReader): DatumRecord {
  return {
    id: f.string('id'),
    job: f.string('job'),
    hash: f.string('hash'),
    state: f.oneOf('state', DATUM_STATES),
    inputs: f.array('inputs', (i) => ({ name: i.string('name'), repo: i.string('repo'), commit: i.string('commit'), path: i.string('path'), hash: i.string('hash') })),
    outputs: readOutputs(f),
    fromJob: f.nullableString('fromJob'),
    tries: f.count('tries'),
    reason: f.string('reason'),
    startedAt: f.count('startedAt'),
    finishedAt: f.count('finishedAt'),
  };
}
export const encodeDatum = (d: DatumRecord): Uint8Array => checked({ ...d }, readDatum);
/**
 * Skipped datums are written by the thousand per job: the cost per datum of
 * their records is a target of issue 9. So a batch of them is stored in
 * columns (layout 2): the job, the time and each input's name, repo and
 * commit once per batch, and per datum only its id, hash, the job that
 * processed it and each input's source, path and hash. Their outputs are not
 * copied: they are the outputs of that earlier processing, read back from the
 * processed-datum index (store.ts resolves them). Built from a decoded done
 * record and computed inputs, so not read back on write. Layout 1 (whole
 * records, outputs included) is still read.
 */
export function encodeSkippedBatch(job: string, datums: readonly DatumRecord[]): Uint8Array {
  const sources: [string, string, string][] = [];
  const index = new Map<string, number>();
  const rows = datums.map((d) => {
    const ins: (string | number)[] = [];
    for (const i of d.inputs) {
      const key = `${i.name}\0${i.repo}\0${i.commit}`;
      let n = index.get(key);
      if (n === undefined) index.set(key, (n = sources.push([i.name, i.repo, i.commit]) - 1));
      ins.push(n, i.path, i.hash);
    }
    return [d.id, d.hash, d.fromJob ?? '', ins];
  });
  return encodeJson({ v: PPS_RECORD_VERSION, layout: 2, job, at: datums[0]?.startedAt ?? 0, sources, rows });
}

/** A skipped datum as stored: its outputs are to be read from the processed-datum index (`unresolved`). */
export type SkippedDatum = DatumRecord & { unresolved?: true };

export function decodeSkippedBatch(bytes: Uint8Array, key?: string): SkippedDatum[] {
  const f: FieldReader = decodeJson(bytes, key ? `skipped-datum batch at ${JSON.stringify(key)}` : 'skipped-datum batch', PPS_RECORD_VERSION);
  if (!f.has('layout')) return f.array('datums', (d) => readDatum(d));
  if (f.count('layout') !== 2) f.fail('layout', 'must be 1 or 2');
  const job = f.string('job');
  const at = f.count('at');
  const sources = f.rows('sources', (r, i) => [r.str(i, 0), r.str(i, 1), r.str(i, 2)] as const);
  return f.rows('rows', (r, i) => {
    const ins = r.list(i, 3);
    const inputs: DatumInputRecord[] = [];
    if (ins.length % 3 !== 0) f.fail(`rows[${i}][3]`, 'must hold source, path, hash triples');
    for (let k = 0; k < ins.length; k += 3) {
      const src = sources[ins[k] as number];
      if (!src || typeof ins[k + 1] !== 'string' || typeof ins[k + 2] !== 'string') f.fail(`rows[${i}][3]`, 'must hold source, path, hash triples');
      inputs.push({ name: src[0], repo: src[1], commit: src[2], path: ins[k + 1] as string, hash: ins[k + 2] as string });
    }
    const fromJob = r.str(i, 2);
    return { id: r.str(i, 0), job, hash: r.str(i, 1), state: 'skipped', inputs, outputs: [], fromJob: fromJob || null, tries: 0, reason: '', startedAt: at, finishedAt: at, unresolved: true };
  });
}
export const decodeDatum = decoder('datum record', readDatum);

function readDone(f: FieldReader): DoneRecord {
  return { job: f.string('job'), datum: f.string('datum'), outputs: readOutputs(f) };
}
// Not read back on write: the skip path writes these by the thousand and they are built from checked datum records.
export const encodeDone = (d: DoneRecord): Uint8Array => encodeJson({ v: PPS_RECORD_VERSION, job: d.job, datum: d.datum, outputs: d.outputs as unknown as Json[] });
export const decodeDone = decoder('datum-done record', readDone);
