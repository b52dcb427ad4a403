// `strata run` end to end: the real server, the real CLI in child
// processes, real commands seeing /pfs/<input> and /pfs/out at those
// literal paths. One commit per successful run, with the exact input
// commits as provenance and the run in its metadata; nothing committed when
// the command fails; the content cache spares the second download; inputs
// cannot be written. The tests run one after another: in a container the
// default isolation uses the real /pfs, which one run holds at a time.
import { chmod, chown, mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type CommitInfo, type StrataClient } from '../../client/sdk/index.ts';
import { bwrapWorks } from '../../client/run/isolation.ts';
import { createCli, type Cli, type CliResult } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let server: TestServer;
let client: StrataClient;
let tmp: TempDir;
let cli: Cli;
let env: NodeJS.ProcessEnv;
const heads: Record<string, string> = {};
const hasBwrap = bwrapWorks();

beforeAll(async () => {
  tmp = await createTempDir('strata-run'); // first, so afterAll removes it even when the server fails to start
  server = await startServer();
  client = createClient({ address: server.grpcAddress });
  cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
  env = { XDG_CACHE_HOME: join(tmp.path, 'cache'), XDG_STATE_HOME: join(tmp.path, 'state'), RUN_TEST_GREETING: 'hello' };
  for (const repo of ['images', 'labels', 'counts']) await client.createRepo(repo);
  await client.modify('images@main', async (m) => {
    await m.put('/a.txt', Buffer.from('1\n2\n3\n'));
    await m.put('/b.txt', Buffer.from('only\n'));
  });
  await client.modify('labels@main', async (m) => {
    await m.put('/x.csv', Buffer.from('k,v\n1,2\n'));
    await m.put('/y.csv', Buffer.from('k,v\n'));
    await m.put('/skip.txt', Buffer.from('not a csv\n'));
    await m.put('/deep/z.csv', Buffer.from('k,v\n'));
  });
  await client.createRepo('many');
  await client.modify('many@main', async (m) => {
    for (let i = 0; i < 100; i++) await m.put(`/d${i % 4}/f${i}.txt`, Buffer.from(`file ${i}\n`.repeat((i % 3) + 1)));
  });
  for (const repo of ['images', 'labels']) heads[repo] = (await client.inspectCommit(`${repo}@main`)).id;
});

afterAll(async () => {
  client?.close();
  await server?.cleanup();
  await tmp?.remove();
});

function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return cli.run(['run', ...args], { env: { ...env, ...extraEnv } });
}

/** Commits on a branch (0 when it does not exist yet). */
async function countOf(branch: string): Promise<number> {
  let n = 0;
  try {
    for await (const _ of client.log(branch)) n++;
  } catch {
    return 0;
  }
  return n;
}

async function text(file: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of client.get(file)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function calls(method: string): Promise<number> {
  const body = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const m = new RegExp(`grpc_server_handled_total\\{grpc_service="strata.pfs.v1.PfsService",grpc_method="${method}",grpc_type="[a-z_]+",grpc_code="OK"\\} (\\d+)`).exec(body);
  return m ? Number(m[1]) : 0;
}

const getFileCalls = (): Promise<number> => calls('GetFile');

async function lastRunLog(): Promise<Record<string, any>> {
  const lines = (await readFile(join(tmp.path, 'state', 'strata', 'runs.jsonl'), 'utf8')).trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

const isolations = ['auto', ...(hasBwrap ? ['bwrap'] : [])];

describe('strata run', () => {
  it('commits /pfs/out once, with the exact input commits as provenance and the run as metadata', async () => {
    const cmd = ['/bin/sh', '-c', 'wc -l /pfs/data/* /pfs/labels/* > /pfs/out/counts.txt; echo "greeting=$RUN_TEST_GREETING"'];
    const r = await run(['--input', 'data=images@main:/', '--input', 'labels=labels@main:/*.csv', '--output', 'counts@main', '--env', 'RUN_TEST_GREETING', '--', ...cmd]);
    expect(r.stderr).not.toMatch(/strata: /);
    expect(r.code, r.stderr).toBe(0);
    expect(r.out).toContain('greeting=hello'); // the command's stdout, passed on
    const printed = r.out.trim().split('\n').pop()!;
    const c = await client.inspectCommit('counts@main');
    expect(printed).toBe(`counts@${c.id}`);
    expect(await countOf('counts@main')).toBe(1);

    expect(c.provenance).toEqual([
      { repo: 'images', id: heads.images },
      { repo: 'labels', id: heads.labels },
    ]);
    const md = c.metadata;
    expect(JSON.parse(md['run.cmd']!)).toEqual(cmd);
    expect(md['run.exit_code']).toBe('0');
    expect(JSON.parse(md['run.env']!)).toEqual({ RUN_TEST_GREETING: 'hello' });
    expect(JSON.parse(md['run.inputs']!)).toEqual([
      { name: 'data', ref: 'images@main', commit: `images@${heads.images}`, glob: '/' },
      { name: 'labels', ref: 'labels@main', commit: `labels@${heads.labels}`, glob: '/*.csv' },
    ]);
    expect(Date.parse(md['run.finished']!)).toBeGreaterThanOrEqual(Date.parse(md['run.started']!));
    expect(md['run.stdout']).toBe('greeting=hello\n');
    expect(md['run.host']).toBeTruthy();
    expect(md['run.strata_version']).toMatch(/^\d+\.\d+\.\d+/);

    // Only the csv files of labels (the glob), every file of images.
    const counted = (await text('counts@main:/counts.txt')).trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    expect(counted).toEqual(['3 /pfs/data/a.txt', '1 /pfs/data/b.txt', '2 /pfs/labels/x.csv', '1 /pfs/labels/y.csv', '7 total']);

    // What people see: provenance and the run, one metadata key per line.
    const shown = await cli.run(['commit', 'inspect', 'counts@main']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.out).toContain(`provenance:  images@${heads.images}, labels@${heads.labels}`);
    expect(shown.out).toMatch(/^\s+run\.exit_code=0$/m);
    expect(shown.out).toContain(`run.cmd=${JSON.stringify(cmd)}`);
  });

  it.each(isolations)('runs a Pachyderm-style command with literal /pfs paths unchanged (isolation %s)', async (isolation) => {
    const branch = `counts@literal-${isolation}`;
    const r = await run(['-i', 'data=images@main', '-i', 'labels=labels@main:/deep', '-o', branch, '--isolation', isolation, '--', '/usr/bin/wc', '/pfs/data/a.txt', '/pfs/labels/deep/z.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.out).toMatch(/3\s+3\s+6 \/pfs\/data\/a\.txt/);
    expect(r.out).toMatch(/1\s+1\s+4 \/pfs\/labels\/deep\/z\.csv/);
    const c = await client.inspectCommit(branch);
    expect(c.fileCount).toBe(0); // nothing written to /pfs/out: an empty output commit
    expect(c.metadata['run.isolation']).toMatch(isolation === 'auto' ? /./ : /^bwrap/);

    const copied = await run(['-i', 'data=images@main', '-o', branch, '--isolation', isolation, '--', '/bin/cp', '-r', '/pfs/data', '/pfs/out/']);
    expect(copied.code, copied.stderr).toBe(0);
    const files: string[] = [];
    for await (const f of client.walk(`${branch}:/`)) files.push(f.path);
    expect(files).toEqual(['/data/a.txt', '/data/b.txt']);
  });

  it('commits nothing when the command fails, and reports and records the failure', async () => {
    const before = (await client.inspectCommit('counts@main')).id;
    const r = await run(['-i', 'data=images@main:/', '-o', 'counts@main', '--', '/bin/sh', '-c', 'echo partial > /pfs/out/p.txt; echo "it broke: disk on fire" >&2; exit 3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('it broke: disk on fire'); // teed as it happened
    expect(r.stderr).toMatch(/strata: run failed: the command exited with code 3; nothing was committed; stderr: it broke: disk on fire/);
    expect((await client.inspectCommit('counts@main')).id).toBe(before);
    expect((await client.inspectBranch('counts@main')).head).toBe(before); // no open commit left either
    const logged = await lastRunLog();
    expect(logged).toMatchObject({ outcome: 'failed', exit_code: 3, output: 'counts@main', command: ['/bin/sh', '-c', expect.any(String)] });
    expect(logged.stderr_tail).toContain('it broke: disk on fire');
    expect(await readFile(join(logged.logs, 'stderr.log'), 'utf8')).toContain('disk on fire');

    const missing = await run(['-i', 'data=images@main:/', '-o', 'counts@main', '--', '/no/such/program']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/run failed/);
    expect((await client.inspectCommit('counts@main')).id).toBe(before);
  });

  it('refuses an output repo that does not exist, naming it, before running anything', async () => {
    const marker = join(tmp.path, 'ran');
    const r = await run(['-i', 'data=images@main:/', '-o', 'nosuchrepo@main', '--', '/bin/sh', '-c', `touch ${marker}`]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/output repo "nosuchrepo" does not exist/);
    await expect(readFile(marker)).rejects.toThrow();
  });

  it('--eager downloads once; a second run links from the content cache', async () => {
    const cacheEnv = { STRATA_CACHE_DIR: join(tmp.path, 'eager-cache') };
    const args = ['--eager', '-i', 'data=images@main:/', '-i', 'labels=labels@main:/', '-o', 'counts@eager', '--', '/bin/sh', '-c', 'cat /pfs/data/* /pfs/labels/*.csv > /pfs/out/all.txt'];
    const calls0 = await getFileCalls();
    const first = await run(args, cacheEnv);
    expect(first.code, first.stderr).toBe(0);
    const calls1 = await getFileCalls();
    // Six files, five distinct contents (y.csv and deep/z.csv are equal): five downloads.
    expect(calls1 - calls0).toBe(5);
    expect(first.stderr).toContain('materialized 6 files: 5 downloaded');

    const second = await run(args, cacheEnv);
    expect(second.code, second.stderr).toBe(0);
    expect((await getFileCalls()) - calls1).toBe(0);
    expect(second.stderr).toContain('materialized 6 files: 0 downloaded, 6 linked from the cache');
    expect(await text('counts@eager:/all.txt')).toBe('1\n2\n3\nonly\nk,v\n1,2\nk,v\n');
    const blobs = await readdir(join(cacheEnv.STRATA_CACHE_DIR, 'blobs'));
    expect(blobs.length).toBeGreaterThan(0);
  });

  it('keeps the content cache to its owner: directories 0700, entries 0400, an old 0755 cache closed', async () => {
    const dir = join(tmp.path, 'private-cache');
    await mkdir(join(dir, 'blobs'), { recursive: true, mode: 0o755 }); // as an older strata left it
    await chmod(dir, 0o755);
    await chmod(join(dir, 'blobs'), 0o755);
    const r = await run(['--eager', '-i', 'data=images@main:/', '-o', 'counts@private', '--', '/bin/sh', '-c', 'cat /pfs/data/* > /pfs/out/all.txt'], { STRATA_CACHE_DIR: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('materialized 2 files: 2 downloaded');
    const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(dir, 'work'))).toBe(0o700);
    const subdirs = await readdir(join(dir, 'blobs'));
    expect(subdirs.length).toBe(2);
    for (const sub of subdirs) {
      expect(await mode(join(dir, 'blobs', sub))).toBe(0o700);
      for (const entry of await readdir(join(dir, 'blobs', sub))) expect(await mode(join(dir, 'blobs', sub, entry))).toBe(0o400);
    }
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a content cache directory owned by another user, before fetching or running anything', async () => {
    const dir = join(tmp.path, 'foreign-cache');
    await mkdir(dir, { mode: 0o755 });
    await chown(dir, 65534, 65534);
    const marker = join(tmp.path, 'foreign-ran');
    const calls0 = await getFileCalls();
    const r = await run(['--eager', '-i', 'data=images@main:/', '-o', 'counts@foreign', '--', '/bin/sh', '-c', `touch ${marker}`], { STRATA_CACHE_DIR: dir });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain(`the run cache directory ${dir} belongs to uid 65534`);
    expect(await getFileCalls()).toBe(calls0);
    await expect(readFile(marker)).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
    expect((await stat(dir)).mode & 0o777).toBe(0o755);
    expect(await countOf('counts@foreign')).toBe(0);
  });

  it('--eager fetches many missing files in one tar stream, and links them all the second time', async () => {
    const cacheEnv = { STRATA_CACHE_DIR: join(tmp.path, 'bulk-cache') };
    const args = ['--eager', '-i', 'many=many@main:/', '-o', 'counts@bulk', '--', '/bin/sh', '-c', 'cat /pfs/many/*/* | wc -l > /pfs/out/lines.txt'];
    const [tars0, files0] = [await calls('GetTar'), await getFileCalls()];
    const first = await run(args, cacheEnv);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('materialized 100 files: 100 downloaded');
    const [tars1, files1] = [await calls('GetTar'), await getFileCalls()];
    expect([tars1 - tars0, files1 - files0]).toEqual([1, 0]);

    const second = await run(args, cacheEnv);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('materialized 100 files: 0 downloaded, 100 linked from the cache');
    expect([(await calls('GetTar')) - tars1, (await getFileCalls()) - files1]).toEqual([0, 0]);
    expect((await text('counts@bulk:/lines.txt')).trim()).toBe('199'); // 34*1 + 33*2 + 33*3
  });

  it.each(isolations)('gives the command read-only inputs (isolation %s)', async (isolation) => {
    // Each attempt must fail; the script says which one did not.
    // /pfs/data is served lazily (FUSE), /pfs/sel eagerly (a glob): both must refuse.
    const attempts = ['data', 'sel'].flatMap((d) => [`echo changed > /pfs/${d}/a.txt`, `touch /pfs/${d}/new.txt`, `rm /pfs/${d}/b.txt`, `chmod u+w /pfs/${d}/a.txt`, `mv /pfs/${d}/a.txt /pfs/${d}/c.txt`]);
    const script = `bad=0; for a in ${attempts.map((a) => `'${a}'`).join(' ')}; do if sh -c "$a" 2>&1; then echo "WROTE: $a"; bad=1; fi; done; cat /pfs/data/a.txt > /pfs/out/a.txt; exit $bad`;
    const cacheEnv = { STRATA_CACHE_DIR: join(tmp.path, `ro-cache-${isolation}`) };
    const r = await run(['-i', 'data=images@main:/', '-i', 'sel=images@main:/*.txt', '-o', 'counts@readonly', '--isolation', isolation, '--', '/bin/sh', '-c', script], cacheEnv);
    expect(r.out).not.toContain('WROTE');
    expect((await client.inspectCommit('counts@readonly')).metadata['run.materialize']).toBe('data=lazy sel=eager');
    expect(r.code, r.stderr).toBe(0);
    expect(r.out).toMatch(/Read-only file system|Permission denied/);
    expect(await text('counts@readonly:/a.txt')).toBe('1\n2\n3\n');
    // Nothing leaked into the cache the inputs are linked from.
    const again = await run(['-i', 'data=images@main:/*', '-o', 'counts@readonly', '--isolation', isolation, '--', '/bin/sh', '-c', 'cat /pfs/data/* > /pfs/out/a.txt'], cacheEnv);
    expect(again.code, again.stderr).toBe(0);
    expect(await text('counts@readonly:/a.txt')).toBe('1\n2\n3\nonly\n');
  });

  it('serves a whole-commit input lazily: the command fetches only what it reads', async () => {
    const [tars0, files0] = [await calls('GetTar'), await getFileCalls()];
    const r = await run(['-i', 'many=many@main:/', '-o', 'counts@lazy', '--', '/bin/sh', '-c', 'ls /pfs/many/d1 | wc -l > /pfs/out/n.txt; cat /pfs/many/d1/f1.txt >> /pfs/out/n.txt']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('served lazily by a read-only FUSE mount: /pfs/many');
    expect(await text('counts@lazy:/n.txt')).toBe('25\nfile 1\nfile 1\n');
    const [tars1, files1] = [await calls('GetTar'), await getFileCalls()];
    expect(tars1 - tars0).toBe(0);
    expect(files1 - files0).toBeLessThanOrEqual(2 + 1); // f1.txt (one chunk, maybe a readahead), and our own get above
    expect((await client.inspectCommit('counts@lazy')).metadata['run.materialize']).toBe('many=lazy');
  });

  it('commits nothing when strata run is killed (-9), and the next run recovers its leftovers', async () => {
    const started = join(tmp.path, 'killed-started');
    const child = cli.spawn(['run', '-i', 'data=images@main:/', '-i', 'sel=images@main:/*.txt', '-o', 'counts@killed', '--', '/bin/sh', '-c', `echo $$ > ${started}; exec sleep 30`], { env });
    child.stdout!.resume();
    child.stderr!.resume();
    const deadline = Date.now() + 20_000;
    while (!(await readFile(started, 'utf8').catch(() => '')).trim()) {
      if (Date.now() > deadline) throw new Error('the command never started');
      await new Promise((r) => setTimeout(r, 50));
    }
    const exited = new Promise((r) => child.once('close', r));
    child.kill('SIGKILL');
    await exited;
    // The command dies with strata (setpriv --pdeathsig, bwrap --die-with-parent).
    const orphan = Number((await readFile(started, 'utf8')).trim());
    const gone = async (): Promise<boolean> => {
      for (let i = 0; i < 100; i++, await new Promise((r) => setTimeout(r, 50))) {
        try {
          process.kill(orphan, 0);
        } catch {
          return true;
        }
      }
      return false;
    };
    expect(await gone()).toBe(true);
    await expect(client.inspectBranch('counts@killed')).rejects.toMatchObject({ kind: 'NotFound' });

    // The next run finds the leftovers (a stale FUSE mount, a claimed /pfs or a work dir) and cleans them.
    const next = await run(['-i', 'data=images@main:/', '-i', 'sel=images@main:/*.txt', '-o', 'counts@killed', '--', '/bin/sh', '-c', 'cat /pfs/data/a.txt /pfs/sel/b.txt > /pfs/out/x.txt']);
    expect(next.stderr).not.toMatch(/strata: /);
    expect(next.code, next.stderr).toBe(0);
    expect(await text('counts@killed:/x.txt')).toBe('1\n2\n3\nonly\n');
  });

  it('stores large logs as files in the output commit and points to them from metadata', async () => {
    const r = await run(['-q', '-i', 'data=images@main:/', '-o', 'counts@logs', '--', '/bin/sh', '-c', 'i=0; while [ $i -lt 2000 ]; do echo "line $i of a long log"; i=$((i+1)); done']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.out).toMatch(/^counts@[0-9a-f]{32}\n$/); // --quiet: only the answer
    const c: CommitInfo = await client.inspectCommit('counts@logs');
    expect(c.metadata['run.stdout_file']).toBe('/.strata/run/stdout.log');
    expect(c.metadata['run.stdout']).toBeUndefined();
    expect(Number(c.metadata['run.stdout_bytes'])).toBeGreaterThan(16 << 10);
    const log = await text('counts@logs:/.strata/run/stdout.log');
    expect(log.split('\n')[1999]).toBe('line 1999 of a long log');
  });
});
