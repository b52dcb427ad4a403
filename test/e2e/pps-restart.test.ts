// kill -9 of the server in the middle of a job: the datum commands die with
// it, and the next server on the same data directory resumes the job (the
// same job id; datums already recorded are not run again) to success. No
// job is left running.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, createPpsClient, type PpsClient, type StrataClient } from '../../client/sdk/index.ts';
import { spec, text } from '../helpers/pps.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let tmp: TempDir;
let server: TestServer | undefined;
let client: StrataClient | undefined;
let pps: PpsClient | undefined;

afterAll(async () => {
  client?.close();
  pps?.close();
  await server?.cleanup();
  await tmp?.remove();
});

async function connect(dataDir: string): Promise<void> {
  server = await startServer({ dataDir });
  client = createClient({ address: server.grpcAddress });
  pps = createPpsClient({ address: server.grpcAddress });
}

async function started(log: string): Promise<string[]> {
  return (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

describe('pipelines survive kill -9', () => {
  it('resumes the job the killed server was running', async () => {
    tmp = await createTempDir('strata-pps-restart');
    const dataDir = join(tmp.path, 'data');
    const log = join(tmp.path, 'started.log');
    const gate = join(tmp.path, 'gate');
    await writeFile(log, '');
    await connect(dataDir);
    await client!.createRepo('in');
    await client!.modify('in@main', async (m) => {
      for (const n of ['a', 'b', 'c']) await m.put(`/${n}`, Buffer.from(n));
    });
    // Each datum notes that it started, then waits for the gate file (which the first server never sees).
    const cmd = `f=$(ls /pfs/in); echo "$f" >> ${log}; while [ ! -e ${gate} ]; do sleep 0.1; done; cp /pfs/in/$f /pfs/out/$f`;
    const info = await pps!.createPipeline(spec('slow', { pfs: { repo: 'in', glob: '/*' } }, cmd, { parallelism_spec: { constant: 1 } }));
    const jobId = info.lastJob!.id;
    while ((await started(log)).length === 0) await new Promise((r) => setTimeout(r, 25));
    expect((await pps!.inspectJob('slow', jobId)).state).toBe('running');
    server!.child.kill('SIGKILL');
    await server!.stop();
    client!.close();
    pps!.close();
    await writeFile(gate, '');
    await connect(dataDir);
    const end = await pps!.waitJobDone('slow', jobId);
    expect(end.state, end.reason).toBe('success');
    expect(end.counts).toMatchObject({ total: 3, processed: 3 });
    for (const n of ['a', 'b', 'c']) expect(await text(client!, `slow@main:/${n}`)).toBe(n);
    // Nothing left running, and the output commit is the branch head.
    expect((await pps!.listJobs('slow')).map((j) => j.state)).toEqual(['success']);
    expect((await client!.inspectCommit('slow@main')).id).toBe(end.outputCommit);
  });
});
