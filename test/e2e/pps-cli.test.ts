// Every pipeline, job, datum and logs command of the CLI as a user runs it
// (bin/strata.js in a child process against the real server), in text and
// with --json: pipeline create|update (--reprocess, --no-reprocess)|list|
// inspect|stop|start|delete, job list|inspect|wait (progress on stderr while
// the job runs)|stop, datum list|inspect, logs --job/--datum/-f.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type StrataClient } from '../../client/sdk/index.ts';
import { createCli, jsonLines, type Cli } from '../helpers/cli.ts';
import { spec } from '../helpers/pps.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let server: TestServer;
let client: StrataClient;
let cli: Cli;
let tmp: TempDir;

beforeAll(async () => {
  tmp = await createTempDir('strata-pps-cli');
  server = await startServer({ args: ['--pps-poll-ms', '600000'] });
  client = createClient({ address: server.grpcAddress });
  cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
  await client.createRepo('words');
  await client.modify('words@main', async (m) => {
    for (const n of ['a', 'b', 'c']) await m.put(`/${n}`, Buffer.from(`${n}\n`));
  });
});

afterAll(async () => {
  client?.close();
  await server?.cleanup();
  await tmp?.remove();
});

async function ok(args: string[]): Promise<string> {
  const r = await cli.run(args, { timeoutMs: 150_000 }); // a job wait can take long on a loaded machine
  expect(r.code, `strata ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.out;
}

/** Waits for `cond`, failing after 90 s with what it waited for (a failure names the step, never hangs). */
async function until(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + 90_000;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function specFile(name: string, json: string): Promise<string> {
  const file = join(tmp.path, `${name}.json`);
  await writeFile(file, json);
  return file;
}

type Job = { id: string; pipeline: string; state: string; specVersion: number; counts: Record<string, number>; outputCommit: string };

describe('pipeline commands', () => {
  it('create, update with --no-reprocess and --reprocess, list, inspect, stop, start, delete', async () => {
    const v1 = await specFile('up1', spec('up', { pfs: { repo: 'words', glob: '/*' } }, 'cp /pfs/words/* /pfs/out/'));
    expect(await ok(['pipeline', 'create', '-f', v1])).toMatch(/^created pipeline up \(version 1\); job up@[0-9a-f]{32} /);
    const [first] = jsonLines<Job>(await ok(['job', 'list', '-p', 'up', '--json']));
    expect(JSON.parse(await ok(['job', 'wait', `up@${first!.id}`, '--json']))).toMatchObject({ state: 'success', counts: { processed: 3 } });

    const v2 = await specFile('up2', spec('up', { pfs: { repo: 'words', glob: '/*' } }, 'for f in /pfs/words/*; do tr a-z A-Z < $f > /pfs/out/$(basename $f); done'));
    const kept = JSON.parse(await ok(['pipeline', 'update', '-f', v2, '--no-reprocess', '--json']));
    expect(kept).toMatchObject({ name: 'up', version: 2 });
    expect(JSON.parse(await ok(['job', 'wait', `up@${kept.lastJob.id}`, '--json']))).toMatchObject({ specVersion: 2, counts: { processed: 0, skipped: 3 } });
    const all = JSON.parse(await ok(['pipeline', 'update', '-f', v2, '--reprocess', '--json']));
    expect(JSON.parse(await ok(['job', 'wait', `up@${all.lastJob.id}`, '--json']))).toMatchObject({ specVersion: 3, counts: { processed: 3, skipped: 0 } });
    const both = await cli.run(['pipeline', 'update', '-f', v2, '--reprocess', '--no-reprocess']);
    expect(both.code).not.toBe(0);
    expect((JSON.parse(await ok(['pipeline', 'inspect', 'up', '--json'])) as { version: number }).version).toBe(3); // the refused update changed nothing

    const list = await ok(['pipeline', 'list']);
    expect(list).toMatch(/^NAME\s+STATE\s+VERSION\s+INPUTS\s+LAST JOB/);
    expect(list).toMatch(/\nup\s+running\s+3\s+words@main\s+success/);
    expect(jsonLines<{ name: string }>(await ok(['pipeline', 'list', '--json'])).map((p) => p.name)).toContain('up');
    const text = await ok(['pipeline', 'inspect', 'up']);
    expect(text).toMatch(/pipeline:\s+up/);
    expect(text).toMatch(/version:\s+3/);
    expect(text).toMatch(/inputs:\s+words@main/);
    const inspected = JSON.parse(await ok(['pipeline', 'inspect', 'up', '--json']));
    expect(JSON.parse(inspected.specJson).transform.cmd[2]).toContain('tr a-z A-Z');

    expect(await ok(['pipeline', 'stop', 'up'])).toBe('pipeline up is paused\n');
    const c = (await client.put('words@main:/d', Buffer.from('d\n'))).commit.id;
    expect(jsonLines<Job & { inputs: { commit: string }[] }>(await ok(['job', 'list', '-p', 'up', '--json'])).some((j) => j.inputs.some((i) => i.commit === c))).toBe(false);
    expect(JSON.parse(await ok(['pipeline', 'start', 'up', '--json']))).toMatchObject({ name: 'up', state: 'running' });
    let job: Job | undefined;
    while (!(job = jsonLines<Job & { inputs: { commit: string }[] }>(await ok(['job', 'list', '-p', 'up', '--json'])).find((j) => j.inputs.some((i) => i.commit === c)))) await new Promise((r) => setTimeout(r, 50));
    expect(await ok(['job', 'wait', `up@${job.id.slice(0, 8)}`])).toMatch(/state:\s+success/);
    expect(await ok(['get', 'up@main:/d'])).toBe('D\n');

    expect(await ok(['pipeline', 'delete', 'up', '--keep-repo'])).toBe('deleted pipeline up\n');
    expect(await ok(['get', 'up@main:/a'])).toBe('A\n'); // the output repo stays
    const gone = await cli.run(['pipeline', 'inspect', 'up']);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/pipeline "up" not found/);
  }, 400_000); // ~20 CLI processes, 1-4 s each on a loaded machine
});

describe('job, datum and logs commands', () => {
  it('job wait shows progress while the job runs; job stop kills it; datum list/inspect and logs --job/--datum/-f', async () => {
    const gate = join(tmp.path, 'gate');
    await client.createRepo('gwords'); // its own input: the test above added a file to words
    await client.modify('gwords@main', async (m) => {
      for (const n of ['a', 'b', 'c']) await m.put(`/${n}`, Buffer.from(`${n}\n`));
    });
    // /a ends at once; /b and /c wait for the gate, so the job is running with one datum done.
    const cmd = `f=$(ls /pfs/gwords); echo "datum $f says hello"; cp /pfs/gwords/$f /pfs/out/; [ "$f" = a ] || while [ ! -e ${gate} ]; do sleep 0.1; done`;
    const out = await ok(['pipeline', 'create', '-f', await specFile('gated', spec('gated', { pfs: { repo: 'gwords', glob: '/*' } }, cmd, { parallelism_spec: { constant: 1 } })), '--json']);
    const id = (JSON.parse(out) as { lastJob: Job }).lastJob.id;

    const waiter = cli.spawn(['job', 'wait', `gated@${id}`]);
    let stderr = '';
    let stdout = '';
    waiter.stdout!.on('data', (b: Buffer) => (stdout += String(b)));
    const exited = new Promise<number | null>((r) => waiter.once('close', (code) => r(code)));
    // Progress on stderr, a line per change (not a terminal), while the job waits at the gate with /a done.
    waiter.stderr!.on('data', (b: Buffer) => (stderr += String(b)));
    await until(`job wait's progress line (stderr so far: ${JSON.stringify(stderr)})`, () => /job gated@[0-9a-f]{12}: running 1\/3 \(processed 1, skipped 0, failed 0, recovered 0\)\n/.test(stderr));
    expect(stdout).toBe(''); // still waiting: the job has not ended

    // A job running in the list (all pipelines), inspected by a prefix of its id.
    const all = jsonLines<Job>(await ok(['job', 'list', '--json']));
    expect(all.find((j) => j.id === id)).toMatchObject({ pipeline: 'gated', state: 'running' });
    expect(await ok(['job', 'list'])).toMatch(new RegExp(`gated@${id}\\s+running\\s+1\\+0s/3`));
    expect(JSON.parse(await ok(['job', 'inspect', `gated@${id.slice(0, 6)}`, '--json']))).toMatchObject({ id, state: 'running', counts: { total: 3, processed: 1 } });

    // Follow the logs of the job from another process while it is stopped.
    const follower = cli.spawn(['logs', '--pipeline', 'gated', '--job', id, '-f']);
    let followed = '';
    follower.stdout!.on('data', (b: Buffer) => (followed += String(b)));
    const followEnd = new Promise<number | null>((r) => follower.once('close', (code) => r(code)));
    // It prints the stored log of /a first (what /b printed before it connected is in no stored log yet).
    await until('the stored log of /a from logs -f', () => followed.includes('datum a says hello'));

    expect(await ok(['job', 'stop', `gated@${id}`])).toBe(`job gated@${id} killed\n`);
    expect(await exited).toBe(1); // job wait exits 1 unless the job succeeded
    expect(stdout).toMatch(/state:\s+killed/);
    expect(await followEnd).toBe(0); // -f ends with the job
    await writeFile(gate, '');

    const rows = (await ok(['datum', 'list', `gated@${id}`])).trim().split('\n');
    expect(rows[0]).toMatch(/^DATUM\s+STATE\s+TRIES\s+INPUTS\s+REASON/);
    expect(rows.slice(1)).toEqual([expect.stringMatching(/^[0-9a-f]{12}\s+success\s+1\s+gwords:\/a/)]);
    const [d] = jsonLines<{ id: string; state: string }>(await ok(['datum', 'list', `gated@${id}`, '--json']));
    const inspected = JSON.parse(await ok(['datum', 'inspect', `gated@${id}`, d!.id.slice(0, 10), '--json']));
    expect(inspected).toMatchObject({ id: d!.id, state: 'success', inputs: [expect.objectContaining({ path: '/a' })], outputs: [expect.objectContaining({ path: '/a', size: 2 })] });
    expect(await ok(['datum', 'inspect', `gated@${id}`, d!.id])).toMatch(/outputs:\s+\/a \(2 bytes\)/);

    const logs = await ok(['logs', '--pipeline', 'gated', '--job', id, '--datum', d!.id.slice(0, 8)]);
    expect(logs).toContain('datum a says hello');
    expect(logs).not.toContain('datum b');
    const lines = jsonLines<{ job: string; datum: string; text: string }>(await ok(['logs', '--pipeline', 'gated', '--job', id, '--json']));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatchObject({ job: id, datum: d!.id });
  }, 400_000);
});
