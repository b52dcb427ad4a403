// Reading and writing pps records in the MetaStore, with the not-found
// errors callers want. Keys come from src/meta/keys.ts; encodings from
// records.ts.
import { randomBytes } from 'node:crypto';
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

  putJob(j: rec.JobRecord): Promise<void> {
    return this.meta.put(keys.ppsJobKey(j.pipeline as RepoName, j.id), rec.encodeJob(j));
  }

  /** Every datum record of a job (processed ones and skipped batches), by id. */
  async datums(pipeline: string, job: string): Promise<rec.DatumRecord[]> {
    const out: rec.DatumRecord[] = [];
    for await (const [key, raw] of this.meta.scan({ prefix: keys.ppsDatumPrefix(pipeline as RepoName, job) })) out.push(rec.decodeDatum(raw, key));
    for await (const [key, raw] of this.meta.scan({ prefix: keys.ppsSkippedPrefix(pipeline as RepoName, job) })) out.push(...rec.decodeSkippedBatch(raw, key));
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async datum(pipeline: string, job: string, id: string): Promise<rec.DatumRecord> {
    const raw = await this.meta.get(keys.ppsDatumKey(pipeline as RepoName, job, id));
    if (raw) return rec.decodeDatum(raw);
    for await (const [key, batch] of this.meta.scan({ prefix: keys.ppsSkippedPrefix(pipeline as RepoName, job) })) {
      const found = rec.decodeSkippedBatch(batch, key).find((d) => d.id === id);
      if (found) return found;
    }
    throw new StrataError('DATUM_NOT_FOUND', `datum ${id} of job ${pipeline}@${job} not found`, { pipeline, job, datum: id });
  }

  /** Datum records and their done entries (success only), in one atomic batch (`write`: a fenced one); skipped datums share one key. */
  async putDatums(pipeline: string, datums: rec.DatumRecord[], write = (ops: BatchOp[]): Promise<unknown> => this.meta.batch(ops)): Promise<void> {
    const p = pipeline as RepoName;
    const ops: { type: 'put'; key: string; value: Uint8Array }[] = [];
    const skipped = datums.filter((d) => d.state === 'skipped');
    if (skipped.length > 0) ops.push({ type: 'put', key: keys.ppsSkippedKey(p, skipped[0]!.job, randomBytes(8).toString('hex')), value: rec.encodeSkippedBatch(skipped) });
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
    await this.meta.del(keys.ppsPipelineKey(p));
  }
}
