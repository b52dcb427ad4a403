// Pipeline test helpers over the SDK: wait for the job that reads a given
// input commit (the controller makes it asynchronously), specs as JSON.
import type { JobInfo, PpsClient, StrataClient } from '../../client/sdk/index.ts';

/** The job of `pipeline` whose inputs include `commit`, once it has ended. */
export async function jobFor(pps: PpsClient, pipeline: string, commit: string): Promise<JobInfo> {
  for (;;) {
    const job = (await pps.listJobs(pipeline)).find((j) => j.inputs.some((i) => i.commit === commit));
    if (job) return pps.waitJobDone(pipeline, job.id);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The job reading the current head of `repo@branch`. */
export async function jobForHead(client: StrataClient, pps: PpsClient, pipeline: string, branch: string): Promise<JobInfo> {
  return jobFor(pps, pipeline, (await client.inspectCommit(branch)).id);
}

export function spec(name: string, input: unknown, cmd: string | string[], extra: Record<string, unknown> = {}): string {
  const command = typeof cmd === 'string' ? ['sh', '-c', cmd] : cmd;
  const { transform, ...rest } = extra as { transform?: Record<string, unknown> };
  return JSON.stringify({ pipeline: { name }, transform: { cmd: command, ...transform }, input, ...rest });
}

export async function text(client: StrataClient, file: string): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of client.get(file)) parts.push(Buffer.from(c as Buffer));
  return Buffer.concat(parts).toString('utf8');
}

export async function paths(client: StrataClient, dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const f of client.walk(dir)) out.push(f.path);
  return out;
}
