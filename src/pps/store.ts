// Reading and writing pps records in the MetaStore, with the not-found
// errors callers want. Keys come from src/meta/keys.ts; encodings from
// records.ts.
import { createHash, randomBytes } from 'node:crypto';
import { StrataError } from '../errors/index.ts';
import { parseRepoName, type RepoName } from '../ids.ts';
import * as keys from '../meta/keys.ts';
import { splitBatch, type BatchOp, type MetaStore } from '../meta/meta-store.ts';
import * as rec from './records.ts';

export class PpsStore {
  constructor(readonly meta: MetaStore) {}

  async pipeline(name: string): Promise<rec.PipelineRecord | undefined> {
    const raw = await this.meta.get(keys.ppsPipelineKey(name as RepoName));
    return raw && rec.decodePipeline(raw);
  }

  async requirePipeline(name: string): Promise<rec.PipelineRecord> {
    const p = await this.pipeline(name);
    if (!p) throw new StrataError('PIPELINE_NOT_FOUND', `pipeline "${name}" not found`, { pipeline: name });
    return p;
  }

  async pipelines(): Promise<rec.PipelineRecord[]> {
    const out: rec.PipelineRecord[] = [];
    for await (const [key, raw] of this.meta.scan({ prefix: keys.PPS_PIPELINE_PREFIX })) out.push(rec.decodePipeline(raw, key));
    return out;
  }

  putPipeline(p: rec.PipelineRecord): Promise<void> {
    return this.meta.put(keys.ppsPipelineKey(p.name as RepoName), rec.encodePipeline(p));
  }

  async spec(pipeline: string, version: number): Promise<rec.SpecRecord> {
    const raw = await this.meta.get(keys.ppsSpecKey(pipeline as RepoName, version));
    if (!raw) throw new StrataError('PIPELINE_NOT_FOUND', `pipeline "${pipeline}" has no spec version ${version}`, { pipeline, version });
    return rec.decodeSpec(raw);
  }

  putSpec(pipeline: string, s: rec.SpecRecord): Promise<void> {
    return this.meta.put(keys.ppsSpecKey(pipeline as RepoName, s.version), rec.encodeSpec(s));
  }

  async job(pipeline: string, id: string): Promise<rec.JobRecord | undefined> {
    const raw = await this.meta.get(keys.ppsJobKey(pipeline as RepoName, id));
    return raw && rec.decodeJob(raw);
  }

  async requireJob(pipeline: string, id: string): Promise<rec.JobRecord> {
    await this.requirePipeline(pipeline);
    const j = await this.job(pipeline, id);
    if (!j) throw new StrataError('JOB_NOT_FOUND', `job ${pipeline}@${id} not found`, { pipeline, job: id });
    return j;
  }

  /** A pipeline's jobs, newest first. */
  async jobs(pipeline: string): Promise<rec.JobRecord[]> {
    const out: rec.JobRecord[] = [];
    for await (const [key, raw] of this.meta.scan({ prefix: keys.ppsJobPrefix(pipeline as RepoName) })) out.push(rec.decodeJob(raw, key));
    return out.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  /** Saves a job's new state; its open-job index entry goes once the state is terminal. */
  async putJob(j: rec.JobRecord): Promise<void> {
    const p = j.pipeline as RepoName;
    const open = keys.ppsJobOpenKey(p, j.id);
    await this.meta.batch([
      { type: 'put', key: keys.ppsJobKey(p, j.id), value: rec.encodeJob(j) },
      rec.TERMINAL_JOB_STATES.includes(j.state) ? { type: 'del', key: open } : { type: 'put', key: open, value: EMPTY },
    ]);
  }

  /** Saves a new job with its index entries (creation order, open, inputs), in one batch. */
  async createJob(j: rec.JobRecord): Promise<void> {
    await this.meta.batch(jobIndexOps(j, true));
  }

  /**
   * Whether the job indexes of the pipeline are complete: true for pipelines
   * made by this version; older ones are indexed by the controller at start
   * (indexJobs), and read by a scan until then.
   */
  private async indexed(pipeline: string): Promise<boolean> {
    return (await this.meta.get(keys.ppsJobIndexedKey(pipeline as RepoName))) !== undefined;
  }

  /** Marks a new pipeline's (empty) job indexes complete. */
  markJobsIndexed(pipeline: string): Promise<void> {
    return this.meta.put(keys.ppsJobIndexedKey(pipeline as RepoName), INDEXED);
  }

  /** Builds the job indexes of a pipeline stored before they existed (one scan, once). */
  async indexJobs(pipeline: string): Promise<void> {
    if (await this.indexed(pipeline)) return;
    const all = await this.jobs(pipeline);
    // Oldest first, so the inputs index ends at the newest job on each input set.
    const ops = all.reverse().flatMap((j) => jobIndexOps(j, false));
    for (const part of splitBatch(ops, this.meta.limits)) await this.meta.batch(part);
    await this.markJobsIndexed(pipeline);
  }

  /** The pipeline's newest job (by creation time), read from the creation-order index. */
  async newestJob(pipeline: string): Promise<rec.JobRecord | undefined> {
    if (!(await this.indexed(pipeline))) return (await this.jobs(pipeline))[0];
    for await (const [key] of this.meta.scan({ prefix: keys.ppsJobTimePrefix(pipeline as RepoName), reverse: true, limit: 1 })) {
      return this.job(pipeline, keys.lastKeyComponent(key));
    }
    return undefined;
  }

  /** Jobs not in a terminal state (a crash or a former leader left them), from the open-job index. */
  async unfinishedJobs(pipeline: string): Promise<rec.JobRecord[]> {
    if (!(await this.indexed(pipeline))) return (await this.jobs(pipeline)).filter((j) => !rec.TERMINAL_JOB_STATES.includes(j.state));
    const out: rec.JobRecord[] = [];
    for await (const [key] of this.meta.scan({ prefix: keys.ppsJobOpenPrefix(pipeline as RepoName) })) {
      const j = await this.job(pipeline, keys.lastKeyComponent(key));
      if (j && !rec.TERMINAL_JOB_STATES.includes(j.state)) out.push(j);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  /** The newest job (unrunnable ones aside) on exactly these input commits at this spec version. */
  async jobOn(pipeline: string, specVersion: number, inputs: readonly rec.JobInput[]): Promise<rec.JobRecord | undefined> {
    if (!(await this.indexed(pipeline))) {
      const key = inputsHash(specVersion, inputs);
      return (await this.jobs(pipeline)).find((j) => j.state !== 'unrunnable' && inputsHash(j.specVersion, j.inputs) === key);
    }
    const raw = await this.meta.get(keys.ppsJobInputsKey(pipeline as RepoName, inputsHash(specVersion, inputs)));
    return raw && this.job(pipeline, new TextDecoder().decode(raw));
  }

  /** Jobs whose id starts with `prefix` (at most `limit`), read by key: ids are the last key component. */
  async jobsByPrefix(pipeline: string, prefix: string, limit: number): Promise<rec.JobRecord[]> {
    const out: rec.JobRecord[] = [];
    for await (const [key, raw] of this.meta.scan({ prefix: `${keys.ppsJobPrefix(pipeline as RepoName)}${prefix}`, limit })) out.push(rec.decodeJob(raw, key));
    return out;
  }

  /** Every datum record of a job (processed ones and skipped batches), by id, skipped ones with their outputs. */
  async datums(pipeline: string, job: string): Promise<rec.DatumRecord[]> {
    const out: rec.DatumRecord[] = [];
    const skipped: rec.SkippedDatum[] = [];
    for await (const [key, raw] of this.meta.scan({ prefix: keys.ppsDatumPrefix(pipeline as RepoName, job) })) out.push(rec.decodeDatum(raw, key));
    for await (const [key, raw] of this.meta.scan({ prefix: keys.ppsSkippedPrefix(pipeline as RepoName, job) })) skipped.push(...rec.decodeSkippedBatch(raw, key));
    const unresolved = skipped.filter((d) => d.unresolved);
    if (unresolved.length > 0) {
      const done = unresolved.length > 64 ? await this.done(pipeline) : undefined;
      for (const d of unresolved) await this.resolveSkipped(pipeline, d, done);
    }
    out.push(...skipped);
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** One datum; a skipped one is looked for first in `batch` (a DatumPageEntry's), then in every batch of the job. */
  async datum(pipeline: string, job: string, id: string, batch?: string): Promise<rec.DatumRecord> {
    const raw = await this.meta.get(keys.ppsDatumKey(pipeline as RepoName, job, id));
    if (raw) return rec.decodeDatum(raw);
    if (batch !== undefined && /^[A-Za-z0-9_-]{1,64}$/.test(batch)) {
      const key = keys.ppsSkippedKey(pipeline as RepoName, job, batch);
      const stored = await this.meta.get(key);
      const found = stored && rec.decodeSkippedBatch(stored, key).find((d) => d.id === id);
      if (found) return found.unresolved ? this.resolveSkipped(pipeline, found) : found;
    }
    for await (const [key, batch] of this.meta.scan({ prefix: keys.ppsSkippedPrefix(pipeline as RepoName, job) })) {
      const found = rec.decodeSkippedBatch(batch, key).find((d) => d.id === id);
      if (found) return found.unresolved ? this.resolveSkipped(pipeline, found) : found;
    }
    throw new StrataError('DATUM_NOT_FOUND', `datum ${id} of job ${pipeline}@${job} not found`, { pipeline, job, datum: id });
  }

  /**
   * A skipped datum's outputs: those of the job that processed it, from the
   * processed-datum index (`done`, or one read by its hash); if that entry
   * names another processing (the hash was processed again, as every_job
   * does), from that job's own datum record.
   */
  async resolveSkipped(pipeline: string, d: rec.SkippedDatum, done?: Map<string, rec.DoneRecord>): Promise<rec.DatumRecord> {
    delete d.unresolved;
    const p = pipeline as RepoName;
    let entry = done?.get(d.hash);
    if (!done) {
      const raw = await this.meta.get(keys.ppsDoneKey(p, d.hash));
      entry = raw && rec.decodeDone(raw);
    }
    if (entry && entry.job === d.fromJob && entry.datum === d.id) d.outputs = entry.outputs;
    else if (d.fromJob) {
      const raw = await this.meta.get(keys.ppsDatumKey(p, d.fromJob, d.id));
      if (!raw) throw new StrataError('META_CORRUPT', `skipped datum ${d.id} of job ${pipeline}@${d.job} names job ${d.fromJob}, which has no record of it`, { pipeline, job: d.job, datum: d.id });
      d.outputs = rec.decodeDatum(raw).outputs;
    }
    return d;
  }

  /** Datum records and their done entries (success only), in one atomic batch (`write`: a fenced one); skipped datums share one key. */
  async putDatums(pipeline: string, datums: rec.DatumRecord[], write = (ops: BatchOp[]): Promise<unknown> => this.meta.batch(ops)): Promise<void> {
    const p = pipeline as RepoName;
    const ops: { type: 'put'; key: string; value: Uint8Array }[] = [];
    const skipped = datums.filter((d) => d.state === 'skipped');
    if (skipped.length > 0) ops.push({ type: 'put', key: keys.ppsSkippedKey(p, skipped[0]!.job, randomBytes(8).toString('hex')), value: rec.encodeSkippedBatch(skipped[0]!.job, skipped) });
    for (const d of datums) {
      if (d.state === 'skipped') continue;
      ops.push({ type: 'put', key: keys.ppsDatumKey(p, d.job, d.id), value: rec.encodeDatum(d) });
      if (d.state === 'success') ops.push({ type: 'put', key: keys.ppsDoneKey(p, d.hash), value: rec.encodeDone({ job: d.job, datum: d.id, outputs: d.outputs }) });
    }
    if (ops.length > 0) await write(ops);
  }

  /** Every datum hash processed successfully, with where and what it wrote. */
  async done(pipeline: string): Promise<Map<string, rec.DoneRecord>> {
    const out = new Map<string, rec.DoneRecord>();
    for await (const [key, raw] of this.meta.scan({ prefix: keys.ppsDonePrefix(pipeline as RepoName) })) out.set(keys.lastKeyComponent(key), rec.decodeDone(raw, key));
    return out;
  }

  putLog(pipeline: string, job: string, datum: string, text: string): Promise<void> {
    return this.meta.put(keys.ppsLogKey(pipeline as RepoName, job, datum), new TextEncoder().encode(text));
  }

  /** Several datums' logs, in as few batches as the store allows (each log is written whole or not at all). */
  async putLogs(pipeline: string, job: string, logs: { datum: string; text: string }[]): Promise<void> {
    const enc = new TextEncoder();
    const ops = logs.map((l) => ({ type: 'put' as const, key: keys.ppsLogKey(pipeline as RepoName, job, l.datum), value: enc.encode(l.text) }));
    for (const part of splitBatch(ops, this.meta.limits)) await this.meta.batch(part);
  }

  /** One datum's stored log, or undefined (skipped datums have none). */
  async log(pipeline: string, job: string, datum: string): Promise<string | undefined> {
    const raw = await this.meta.get(keys.ppsLogKey(pipeline as RepoName, job, datum));
    return raw && new TextDecoder().decode(raw);
  }

  /** Stored logs: [job, datum, text] in key order. */
  async *logs(pipeline: string, job?: string): AsyncGenerator<{ job: string; datum: string; text: string }> {
    const prefix = keys.ppsLogPrefix(pipeline as RepoName, job);
    const dec = new TextDecoder();
    for await (const [key, raw] of this.meta.scan({ prefix })) {
      const [j, d] = key.slice(keys.ppsLogPrefix(pipeline as RepoName).length).split('/');
      yield { job: j!, datum: d!, text: dec.decode(raw) };
    }
  }

  async deletePipeline(name: string): Promise<void> {
    const p = parseRepoName(name);
    for (const prefix of keys.ppsPipelinePrefixes(p)) {
      let batch: { type: 'del'; key: string }[] = [];
      for await (const [key] of this.meta.scan({ prefix })) {
        batch.push({ type: 'del', key });
        if (batch.length >= 1000) (await this.meta.batch(batch), (batch = []));
      }
      if (batch.length > 0) await this.meta.batch(batch);
    }
    await this.meta.del(keys.ppsJobIndexedKey(p));
    await this.meta.del(keys.ppsPipelineKey(p));
  }
}

const EMPTY = new Uint8Array(0);
const INDEXED = new TextEncoder().encode('1');

/** What names a job's input set: the spec version and every input's exact commit. */
export function inputsHash(specVersion: number, inputs: readonly rec.JobInput[]): string {
  const h = createHash('sha256').update(String(specVersion));
  for (const i of inputs) h.update(`\n${i.name}\0${i.repo}\0${i.branch}\0${i.commit}`);
  return h.digest('hex');
}

/** The record and index entries of a job; `withRecord` false: only the index entries (indexJobs). */
function jobIndexOps(j: rec.JobRecord, withRecord: boolean): BatchOp[] {
  const p = j.pipeline as RepoName;
  const ops: BatchOp[] = [{ type: 'put', key: keys.ppsJobTimeKey(p, j.createdAt, j.id), value: EMPTY }];
  if (withRecord) ops.push({ type: 'put', key: keys.ppsJobKey(p, j.id), value: rec.encodeJob(j) });
  if (!rec.TERMINAL_JOB_STATES.includes(j.state)) ops.push({ type: 'put', key: keys.ppsJobOpenKey(p, j.id), value: EMPTY });
  if (j.state !== 'unrunnable') ops.push({ type: 'put', key: keys.ppsJobInputsKey(p, inputsHash(j.specVersion, j.inputs)), value: new TextEncoder().encode(j.id) });
  return ops;
}
