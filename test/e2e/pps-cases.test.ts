// Pipelines on the real server over gRPC (SDK): an edges+montage style
// cross pipeline, datum counts of cross/union/join/outer join/group,
// failing datums with retries and logs, downstream `unrunnable`, err_cmd
// recovery, datum and job timeouts, spec updates with and without
// reprocessing, output collisions, rerun --verify of a non-deterministic
// command, stop/start, a reset input branch, and bad specs refused naming
// the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createPpsClient, isStrataError, type PpsClient, type StrataClient } from '../../client/sdk/index.ts';
import { jobFor, jobForHead, paths, spec, text } from '../helpers/pps.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let client: StrataClient;
let pps: PpsClient;

beforeAll(async () => {
  // The leader's safety-net poll is set far out, so every job here comes from an event (a commit, a reset) or a call:
  // a test of an event cannot pass because the poll caught what the event missed.
  server = await startServer({ args: ['--pps-poll-ms', '600000'] });
  client = createClient({ address: server.grpcAddress });
  pps = createPpsClient({ address: server.grpcAddress });
});

afterAll(async () => {
  client?.close();
  pps?.close();
  await server?.cleanup();
});

async function repoWith(name: string, files: Record<string, string>): Promise<string> {
  await client.createRepo(name);
  const r = await client.modify(`${name}@main`, async (m) => {
    for (const [p, data] of Object.entries(files)) await m.put(p, Buffer.from(data));
  });
  return r.commit.id;
}

async function refused(p: Promise<unknown>): Promise<{ code: string; data: Record<string, unknown>; message: string }> {
  try {
    await p;
  } catch (err) {
    if (isStrataError(err)) return { code: err.code, data: err.data, message: err.message };
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('pipelines end to end', () => {
  it('edges + montage: a cross of the images with their edges', async () => {
    await repoWith('images', { '/1.png': 'one', '/2.png': 'two' });
    await pps.createPipeline(spec('edges', { pfs: { repo: 'images', glob: '/*' } }, 'for f in /pfs/images/*; do tr a-z A-Z < "$f" > /pfs/out/$(basename "$f"); done', { transform: { image: 'pachyderm/opencv' } }));
    await pps.createPipeline(
      spec('montage', { cross: [{ pfs: { repo: 'images', glob: '/' } }, { pfs: { repo: 'edges', glob: '/' } }] }, 'cat /pfs/images/* /pfs/edges/* | tr -d "\\n" > /pfs/out/montage.txt', { transform: { image: 'v4tech/imagemagick' } }),
    );
    const edges = await jobForHead(client, pps, 'edges', 'images@main');
    expect(edges).toMatchObject({ state: 'success', counts: { total: 2, processed: 2 } });
    const montage = await jobForHead(client, pps, 'montage', 'edges@main');
    expect(montage).toMatchObject({ state: 'success', counts: { total: 1, processed: 1 } });
    expect(await text(client, 'montage@main:/montage.txt')).toBe('onetwoONETWO');
    await client.put('images@main:/3.png', Buffer.from('six'));
    expect((await jobForHead(client, pps, 'edges', 'images@main')).counts).toMatchObject({ total: 3, processed: 1, skipped: 2 });
    await jobForHead(client, pps, 'montage', 'edges@main');
    expect(await text(client, 'montage@main:/montage.txt')).toBe('onetwosixONETWOSIX');
  });

  it('gives the command Pachyderm\'s environment, stdin, working_dir, accept_return_code and empty_files', async () => {
    const c = await repoWith('envin', { '/d/x.txt': 'some bytes' });
    const stdin = [
      'pwd > /pfs/out/pwd',
      'env | grep -E "^(envin|envin_COMMIT|PACH_DATUM_ID|PACH_JOB_ID|PACH_OUTPUT_COMMIT_ID|PPS_PIPELINE_NAME|STRATA_DATUM_ID|STRATA_JOB_ID|STRATA_PIPELINE|GREETING)=" | sort > /pfs/out/env',
      'wc -c < /pfs/envin/d/x.txt | tr -d " " > /pfs/out/size',
      'exit 3',
    ];
    const info = await pps.createPipeline(
      spec('envp', { pfs: { repo: 'envin', glob: '/*', empty_files: true } }, ['sh'], { transform: { stdin, env: { GREETING: 'hi' }, working_dir: '/tmp', accept_return_code: [3] } }),
    );
    const job = await jobFor(pps, 'envp', c);
    expect(job.state, job.reason).toBe('success');
    const [datum] = await (async () => {
      const out = [];
      for await (const d of pps.listDatums('envp', job.id)) out.push(d);
      return out;
    })();
    const head = await client.inspectCommit('envp@main');
    const env = Object.fromEntries((await text(client, 'envp@main:/env')).trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
    expect(env).toEqual({
      envin: '/pfs/envin/d', envin_COMMIT: c, GREETING: 'hi', PACH_DATUM_ID: datum!.id, PACH_JOB_ID: info.lastJob!.id, PACH_OUTPUT_COMMIT_ID: head.id,
      PPS_PIPELINE_NAME: 'envp', STRATA_DATUM_ID: datum!.id, STRATA_JOB_ID: info.lastJob!.id, STRATA_PIPELINE: 'envp',
    });
    expect(await text(client, 'envp@main:/pwd')).toBe('/tmp\n');
    expect(await text(client, 'envp@main:/size')).toBe('0\n'); // empty_files: the name, no bytes
  });

  it('datum counts of cross, union, join, outer join and group', async () => {
    await repoWith('left', { '/k1.txt': '1', '/k2.txt': '2', '/k3.txt': '3' });
    await repoWith('right', { '/k1.csv': 'a', '/k2.csv': 'b', '/k4.csv': 'd' });
    await repoWith('groups', { '/x-1': '', '/x-2': '', '/y-1': '' });
    const cases: [string, unknown, number][] = [
      ['cnt-cross', { cross: [{ pfs: { repo: 'left', glob: '/*' } }, { pfs: { repo: 'right', glob: '/*' } }] }, 9],
      ['cnt-union', { union: [{ pfs: { repo: 'left', glob: '/*', name: 'in' } }, { pfs: { repo: 'right', glob: '/*', name: 'in' } }] }, 6],
      ['cnt-join', { join: [{ pfs: { repo: 'left', glob: '/(*).txt', join_on: '$1' } }, { pfs: { repo: 'right', glob: '/(*).csv', join_on: '$1' } }] }, 2],
      ['cnt-outer', { join: [{ pfs: { repo: 'left', glob: '/(*).txt', join_on: '$1', outer_join: true } }, { pfs: { repo: 'right', glob: '/(*).csv', join_on: '$1' } }] }, 3],
      ['cnt-group', { group: [{ pfs: { repo: 'groups', glob: '/(*)-*', group_by: '$1' } }] }, 2],
      ['cnt-empty-cross', { cross: [{ pfs: { repo: 'left', glob: '/*' } }, { pfs: { repo: 'right', glob: '/nothing*' } }] }, 0],
    ];
    for (const [name, input, expected] of cases) {
      const info = await pps.createPipeline(spec(name, input, 'true'));
      const job = await pps.waitJobDone(name, info.lastJob!.id);
      expect(job.state, `${name}: ${job.reason}`).toBe('success');
      expect(job.counts.total, name).toBe(expected);
    }
    // A join datum sees both matching files under their input names.
    const [job] = await pps.listJobs('cnt-join');
    const datums = [];
    for await (const d of pps.listDatums('cnt-join', job!.id)) datums.push(d.inputs.map((i) => `${i.name}:${i.path}`).join(' '));
    expect(datums.sort()).toEqual(['left:/k1.txt right:/k1.csv', 'left:/k2.txt right:/k2.csv']);
  });

  it('a failing datum is retried datum_tries times with its log kept; the job fails and downstream is unrunnable; a fixed input reuses the good datum', async () => {
    const first = await repoWith('flaky', { '/good': 'g', '/bad': 'b' });
    const cmd = 'echo "working on $(ls /pfs/flaky)"; if [ -e /pfs/flaky/bad ]; then echo boom >&2; exit 1; fi; cp /pfs/flaky/* /pfs/out/';
    await pps.createPipeline(spec('fails', { pfs: { repo: 'flaky', glob: '/*' } }, cmd, { datum_tries: 2 }));
    await pps.createPipeline(spec('after', { pfs: { repo: 'fails', glob: '/' } }, 'cp -r /pfs/fails/. /pfs/out/'));
    const job = await jobFor(pps, 'fails', first);
    expect(job).toMatchObject({ state: 'failure', counts: { total: 2, processed: 1, failed: 1 } });
    expect(job.reason).toMatch(/1 datum failed/);
    expect(job.outputCommit).toBe('');
    expect((await client.inspectBranch('fails@main')).head ?? null).toBeNull();
    const bad = [];
    for await (const d of pps.listDatums('fails', job.id)) if (d.state === 'failed') bad.push(d);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ tries: 2, inputs: [expect.objectContaining({ path: '/bad' })] });
    const logs = [];
    for await (const l of pps.logs('fails', { job: job.id, datum: bad[0]!.id.slice(0, 10) })) logs.push(l.text);
    expect(logs.join('').match(/boom/g)).toHaveLength(2);
    expect(logs.join('')).toMatch(/try 2 failed: exit code 1/);
    // Downstream learns that its upstream failed.
    let unrunnable;
    while (!(unrunnable = (await pps.listJobs('after')).find((j) => j.state === 'unrunnable'))) await new Promise((r) => setTimeout(r, 25));
    expect(unrunnable.reason).toContain(`fails@${job.id}`);
    // Removing the bad file: the good datum of the failed job is reused, not run again.
    const fixed = (await client.modify('flaky@main', (m) => m.delete('/bad'))).commit.id;
    const ok = await jobFor(pps, 'fails', fixed);
    expect(ok).toMatchObject({ state: 'success', counts: { total: 1, processed: 0, skipped: 1 } });
    expect(await jobForHead(client, pps, 'after', 'fails@main')).toMatchObject({ state: 'success' });
    expect(await text(client, 'after@main:/good')).toBe('g');
  });

  it('logs --follow streams a job\'s output and ends with the job', async () => {
    const c = await repoWith('chatty', { '/a': 'a', '/b': 'b' });
    const info = await pps.createPipeline(spec('talks', { pfs: { repo: 'chatty', glob: '/*' } }, 'for i in 1 2 3; do echo "line $i of $(ls /pfs/chatty)"; sleep 0.2; done'));
    expect(info.lastJob!.inputs[0]!.commit).toBe(c);
    const lines: string[] = [];
    for await (const l of pps.logs('talks', { job: info.lastJob!.id, follow: true })) lines.push(l.text);
    const text = lines.join('');
    for (const f of ['a', 'b']) for (const i of [1, 2, 3]) expect(text).toContain(`line ${i} of ${f}`);
    expect((await pps.inspectJob('talks', info.lastJob!.id)).state).toBe('success');
  });

  it('err_cmd that exits 0 marks the datum recovered and the job succeeds', async () => {
    const c = await repoWith('rec', { '/x': 'x' });
    await pps.createPipeline(spec('recovers', { pfs: { repo: 'rec', glob: '/*' } }, 'exit 7', { datum_tries: 1, transform: { err_cmd: ['sh', '-c', 'echo handled >&2'] } }));
    const job = await jobFor(pps, 'recovers', c);
    expect(job).toMatchObject({ state: 'success', counts: { total: 1, recovered: 1, failed: 0 } });
  });

  it('datum_timeout kills a datum; job_timeout fails the job', async () => {
    const c = await repoWith('slow', { '/a': 'a' });
    await pps.createPipeline(spec('dtimeout', { pfs: { repo: 'slow', glob: '/*' } }, 'sleep 60', { datum_tries: 1, datum_timeout: '1s' }));
    const d = await jobFor(pps, 'dtimeout', c);
    expect(d.state).toBe('failure');
    for await (const x of pps.listDatums('dtimeout', d.id)) expect(x.reason).toMatch(/timed out after 1000 ms/);
    await pps.createPipeline(spec('jtimeout', { pfs: { repo: 'slow', glob: '/*' } }, 'sleep 60', { job_timeout: '2s' }));
    const j = await jobFor(pps, 'jtimeout', c);
    expect(j).toMatchObject({ state: 'failure' });
    expect(j.reason).toMatch(/job_timeout/);
  });

  it('spec updates: a changed transform reprocesses, --no-reprocess keeps outputs, --reprocess reruns all', async () => {
    await repoWith('src', { '/a': 'a', '/b': 'b', '/c': 'c' });
    const input = { pfs: { repo: 'src', glob: '/*' } };
    const v1 = await pps.createPipeline(spec('upd', input, 'for f in /pfs/src/*; do cp $f /pfs/out/; done'));
    expect((await pps.waitJobDone('upd', v1.lastJob!.id)).counts).toMatchObject({ processed: 3 });
    const changed = 'for f in /pfs/src/*; do (cat $f; echo 2) > /pfs/out/$(basename $f); done';
    const keep = await pps.createPipeline(spec('upd', input, changed), { update: true, reprocess: 'none' });
    const kept = await pps.waitJobDone('upd', keep.lastJob!.id);
    expect(kept).toMatchObject({ specVersion: 2, counts: { total: 3, processed: 0, skipped: 3 } });
    expect(await text(client, 'upd@main:/a')).toBe('a');
    expect((await client.inspectCommit('upd@main')).metadata['pps.spec_version']).toBe('2');
    const third = await pps.createPipeline(spec('upd', input, `${changed} # v3`), { update: true });
    expect((await pps.waitJobDone('upd', third.lastJob!.id)).counts).toMatchObject({ processed: 3, skipped: 0 });
    expect(await text(client, 'upd@main:/a')).toBe('a2\n');
    const again = await pps.createPipeline(spec('upd', input, `${changed} # v3`), { update: true, reprocess: 'all' });
    expect((await pps.waitJobDone('upd', again.lastJob!.id)).counts).toMatchObject({ processed: 3 });
  });

  it('two datums writing one path fail the job, naming both datums and the path', async () => {
    const c = await repoWith('clash', { '/1': '1', '/2': '2' });
    await pps.createPipeline(spec('collide', { pfs: { repo: 'clash', glob: '/*' } }, 'echo x > /pfs/out/same.txt'));
    const job = await jobFor(pps, 'collide', c);
    expect(job.state).toBe('failure');
    const ids = [];
    for await (const d of pps.listDatums('collide', job.id)) ids.push(d.id);
    expect(job.reason).toContain('/same.txt');
    for (const id of ids) expect(job.reason).toContain(id);
  });

  it('rerun --verify tells a non-deterministic command from a deterministic one', async () => {
    const c = await repoWith('seed', { '/s': 's' });
    await pps.createPipeline(spec('noisy', { pfs: { repo: 'seed', glob: '/' } }, 'cp /pfs/seed/s /pfs/out/same; head -c 16 /dev/urandom > /pfs/out/random'));
    const job = await jobFor(pps, 'noisy', c);
    const report = await pps.rerunJob('noisy', job.id, { verify: true });
    expect(report.files.map((f) => [f.path, f.verdict])).toEqual([
      ['/random', 'different'],
      ['/same', 'identical'],
    ]);
    expect(report).toMatchObject({ identical: 1, different: 1, datums: 1 });
  });

  it('a stopped pipeline makes no jobs until started again', async () => {
    await repoWith('paused-in', { '/a': 'a' });
    const info = await pps.createPipeline(spec('paused', { pfs: { repo: 'paused-in', glob: '/*' } }, 'cp /pfs/paused-in/* /pfs/out/'));
    await pps.waitJobDone('paused', info.lastJob!.id);
    expect((await pps.stopPipeline('paused')).state).toBe('paused');
    const c = (await client.put('paused-in@main:/b', Buffer.from('b'))).commit.id;
    expect((await pps.listJobs('paused')).some((j) => j.inputs.some((i) => i.commit === c))).toBe(false);
    await pps.startPipeline('paused');
    expect(await jobFor(pps, 'paused', c)).toMatchObject({ state: 'success', counts: { processed: 1, skipped: 1 } });
    expect(await paths(client, 'paused@main:/')).toEqual(['/a', '/b']);
    await pps.deletePipeline('paused');
    await expect(pps.inspectPipeline('paused')).rejects.toThrow(/not found/);
    await expect(client.inspectRepo('paused')).rejects.toThrow(/not found/);
  });

  it('a reset of the input branch to a commit no job read makes a job for it, skipping the datums already done', async () => {
    await repoWith('reset-in', { '/a': 'a' });
    const info = await pps.createPipeline(spec('reset', { pfs: { repo: 'reset-in', glob: '/*' } }, 'cp /pfs/reset-in/* /pfs/out/'));
    await pps.waitJobDone('reset', info.lastJob!.id);
    await client.createBranch('reset-in@side', { from: 'reset-in@main' });
    const b = (await client.put('reset-in@main:/b', Buffer.from('b'))).commit.id;
    expect(await jobFor(pps, 'reset', b)).toMatchObject({ state: 'success', counts: { processed: 1, skipped: 1 } });
    // Made on another branch, so no 'finished' event reaches a pipeline on main: only the reset can.
    const c = (await client.put('reset-in@side:/c', Buffer.from('c'))).commit.id;
    expect((await pps.listJobs('reset')).some((j) => j.inputs.some((i) => i.commit === c))).toBe(false);
    await client.resetBranch('reset-in@main', `reset-in@${c}`);
    expect(await jobFor(pps, 'reset', c)).toMatchObject({ state: 'success', counts: { total: 2, processed: 1, skipped: 1 } });
    expect(await paths(client, 'reset@main:/')).toEqual(['/a', '/c']);
  });

  it('a reset back to input commits a job already ran on makes no second job; the output branch goes back to that job\'s output', async () => {
    const c1 = await repoWith('back-in', { '/a': 'a' });
    const info = await pps.createPipeline(spec('back', { pfs: { repo: 'back-in', glob: '/*' } }, 'cp /pfs/back-in/* /pfs/out/'));
    const j1 = await pps.waitJobDone('back', info.lastJob!.id);
    expect(j1).toMatchObject({ state: 'success', inputs: [{ commit: c1 }] });
    const c2 = (await client.put('back-in@main:/b', Buffer.from('b'))).commit.id;
    const j2 = await jobFor(pps, 'back', c2);
    expect(await paths(client, 'back@main:/')).toEqual(['/a', '/b']);
    await client.resetBranch('back-in@main', `back-in@${c1}`);
    // The reset's event puts J1's output back as the head; no job runs for it.
    while ((await client.inspectCommit('back@main')).id !== j1.outputCommit) await new Promise((r) => setTimeout(r, 25));
    expect(await paths(client, 'back@main:/')).toEqual(['/a']);
    // A start looks at the inputs as they are (as the poll and a restart do): they are J1's, so still no job.
    await pps.stopPipeline('back');
    await pps.startPipeline('back');
    // A commit after the start: its job is queued behind whatever the start did, so when it ends the start's decision is in the list.
    const c3 = (await client.put('back-in@main:/c', Buffer.from('c'))).commit.id;
    const j3 = await jobFor(pps, 'back', c3);
    expect(j3).toMatchObject({ state: 'success', counts: { total: 2, processed: 1, skipped: 1 } });
    const jobs = await pps.listJobs('back');
    expect(jobs.map((j) => j.id).sort()).toEqual([j1.id, j2.id, j3.id].sort());
    expect(jobs.filter((j) => j.inputs.some((i) => i.commit === c1))).toHaveLength(1);
    // The new output commit follows J1's: /b (J2's) is not in it.
    expect(await paths(client, 'back@main:/')).toEqual(['/a', '/c']);
    expect((await client.inspectCommit('back@main')).parent).toBe(j1.outputCommit);
  });

  it('refuses bad specs with INVALID_PIPELINE_SPEC naming the field, and missing input repos', async () => {
    const unknown = await refused(pps.createPipeline(JSON.stringify({ pipeline: { name: 'bad' }, transform: { cmd: ['true'], imagee: 'x' }, input: { pfs: { repo: 'left', glob: '/' } } })));
    expect(unknown).toMatchObject({ code: 'INVALID_PIPELINE_SPEC', data: { field: 'transform.imagee' } });
    const combo = await refused(pps.createPipeline(spec('bad', { pfs: { repo: 'left', glob: '/', join_on: '$1' } }, 'true')));
    expect(combo).toMatchObject({ code: 'INVALID_PIPELINE_SPEC', data: { field: 'input.pfs.join_on' } });
    const missing = await refused(pps.createPipeline(spec('bad', { pfs: { repo: 'nope', glob: '/' } }, 'true')));
    expect(missing.code).toBe('REPO_NOT_FOUND');
    await expect(client.inspectRepo('bad')).rejects.toThrow(/not found/);
    const dup = await refused(pps.createPipeline(spec('edges', { pfs: { repo: 'images', glob: '/*' } }, 'true')));
    expect(dup.code).toBe('PIPELINE_EXISTS');
  });
});
