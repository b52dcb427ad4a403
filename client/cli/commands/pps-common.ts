// What the pipeline commands share: a PPS client for the resolved address,
// `PIPELINE@JOB` parsing, and how jobs and datums are shown.
import { StrataError } from '../../../src/errors/index.ts';
import type { DatumInfo, JobInfo, PpsClient } from '../../sdk/index.ts';
import type { Context } from '../context.ts';
import { loadSdk } from '../sdk-loader.ts';
import { fields, relativeTime } from '../format.ts';

/** Runs `fn` with a PPS client on the address the global options name. */
export async function withPps<T>(ctx: Context, fn: (pps: PpsClient) => Promise<T>): Promise<T> {
  // Loaded on use, as ctx.client() loads the SDK: `strata --help` never pays for gRPC.
  const { createPpsClient } = await loadSdk();
  const pps = createPpsClient(await ctx.connection());
  try {
    return await fn(pps);
  } finally {
    pps.close();
  }
}

/** `PIPELINE@JOB` (a job id or a unique prefix of it). */
export function parseJobRef(text: string): { pipeline: string; job: string } {
  const at = text.indexOf('@');
  if (at <= 0 || at === text.length - 1) throw new StrataError('INVALID_ARGUMENT', `invalid job "${text}": expected PIPELINE@JOB, e.g. edges@3f2a (see strata job list)`, { input: text });
  return { pipeline: text.slice(0, at), job: text.slice(at + 1) };
}

export function countsText(j: JobInfo): string {
  const c = j.counts;
  return `${c.processed + c.skipped + c.failed + c.recovered}/${c.total} (processed ${c.processed}, skipped ${c.skipped}, failed ${c.failed}, recovered ${c.recovered})`;
}

const ms = (t: number): string => (t ? `${relativeTime(t)} (${new Date(t).toISOString()})` : '-');

export function jobFields(j: JobInfo): string {
  return fields([
    ['job', `${j.pipeline}@${j.id}`],
    ['state', j.state],
    ['spec version', String(j.specVersion)],
    ['datums', countsText(j)],
    ['inputs', j.inputs.map((i) => `${i.name}: ${i.repo}@${i.commit || `${i.branch} (no commit)`}`).join('\n') || '-'],
    ['output commit', j.outputCommit ? `${j.pipeline}@${j.outputCommit}` : '-'],
    ['created', ms(j.createdAtMs)],
    ['started', ms(j.startedAtMs)],
    ['finished', ms(j.finishedAtMs)],
    ['reason', j.reason || '-'],
  ]);
}

export const JOB_HEADER = ['JOB', 'STATE', 'DATUMS', 'SPEC', 'CREATED', 'REASON'];

export function jobRow(j: JobInfo): string[] {
  const c = j.counts;
  return [`${j.pipeline}@${j.id}`, j.state, `${c.processed}+${c.skipped}s/${c.total}${c.failed ? ` ${c.failed} failed` : ''}${c.recovered ? ` ${c.recovered} recovered` : ''}`, `v${j.specVersion}`, relativeTime(j.createdAtMs), j.reason];
}

export function datumFields(d: DatumInfo): string {
  return fields([
    ['datum', d.id],
    ['job', d.job],
    ['state', d.state + (d.fromJob ? ` (processed by job ${d.fromJob})` : '')],
    ['hash', d.hash],
    ['tries', String(d.tries)],
    ['inputs', d.inputs.map((i) => `${i.name}: ${i.repo}@${i.commit}:${i.path}`).join('\n') || '-'],
    ['outputs', d.outputs.map((o) => `${o.path} (${o.size} bytes)`).join('\n') || '-'],
    ['reason', d.reason || '-'],
  ]);
}
