// Unique commit-id prefixes (7 or more hex digits) through the real CLI and
// server wherever a commit id is accepted: reads (test/e2e/cli-edges.test.ts
// covers log, commit inspect, get, diff), and here the rest: ls, inspect
// REF:/PATH, branch create --from, branch reset, tag create, commit
// wait/finish/squash/drop, and writes to an open commit (put, rm, cp),
// which before stopped resolving and made a new branch named after the
// prefix. An ambiguous prefix is a clear error (exit 2) that changes nothing.
//
// Two ids that share 7 digits are 1 in 2^28 apart, so the repo with the
// ambiguous prefix is seeded first by the same server code run in this
// process with its id source replaced (vi.mock of newCommitId: the only
// fake here); the tests then run the real server process on that data
// directory, and the real CLI against it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCli, jsonLines, type Cli, type CliResult } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const forcedIds: string[] = [];
vi.mock(import('../../src/ids.ts'), async (original) => {
  const real = await original();
  return { ...real, newCommitId: () => (forcedIds.shift() ?? real.newCommitId()) as ReturnType<typeof real.newCommitId> };
});

const A = `abcdef1${'0'.repeat(25)}`;
const B = `abcdef1${'1'.repeat(25)}`;

let server: TestServer;
let tmp: TempDir;
let cli: Cli;
let local: string;

/** The repo "amb" with two commits whose ids share the prefix abcdef1, made by the server's own code. */
async function seed(dataDir: string): Promise<void> {
  const [{ startServer: startInProcess }, { loadConfig }, { createLogger }, { createClient }] = await Promise.all([
    import('../../server/main.ts'),
    import('../../server/config.ts'),
    import('../../server/log.ts'),
    import('../../client/sdk/index.ts'),
  ]);
  const config = loadConfig(['--data', dataDir, '--grpc', '127.0.0.1:0', '--http', '127.0.0.1:0', '--s3', '127.0.0.1:0'], {});
  const running = await startInProcess(config, createLogger({ level: 'silent' }));
  const client = createClient({ address: `127.0.0.1:${running.grpcPort}` });
  try {
    await client.createRepo('amb');
    forcedIds.push(A, B);
    for (const description of ['first', 'second']) {
      const c = await client.startCommit('amb@main', { description });
      await client.finishCommit(`amb@${c.id}`);
    }
    expect(forcedIds).toEqual([]);
  } finally {
    client.close();
    await running.stop();
  }
}

beforeAll(async () => {
  tmp = await createTempDir('strata-cli-prefix');
  const dataDir = join(tmp.path, 'data');
  await seed(dataDir);
  server = await startServer({ dataDir });
  cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
  local = join(tmp.path, 'f.txt');
  await writeFile(local, 'f\n');
}, 180_000);

afterAll(async () => {
  await server?.cleanup();
  await tmp?.remove();
});

function ok(r: CliResult): CliResult {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r;
}

const ids = async (ref: string): Promise<string[]> => jsonLines<{ id: string }>(ok(await cli.main(['log', ref, '--json'])).out).map((c) => c.id);
const branches = async (repo: string): Promise<string[]> => jsonLines<{ name: string }>(ok(await cli.main(['branch', 'list', repo, '--json'])).out).map((b) => b.name);
const inspect = async (ref: string): Promise<{ id: string; state: string; description: string }> => JSON.parse(ok(await cli.main(['commit', 'inspect', ref, '--json'])).out);

describe('an ambiguous prefix', () => {
  it('is an invalid argument (exit 2) naming the prefix and the commits, wherever a commit is read', async () => {
    const message = `strata: commit id prefix "abcdef1" in repo "amb" matches more than one commit (${A}, ${B}); give more digits\n`;
    for (const args of [['log', 'amb@abcdef1'], ['commit', 'inspect', 'amb@abcdef1'], ['ls', 'amb@abcdef1'], ['diff', 'amb@main', 'amb@abcdef1'], ['branch', 'create', 'amb@x', '--from', 'amb@abcdef1']]) {
      const r = await (args[0] === 'log' ? cli.run(args) : cli.main(args));
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toBe(message);
      expect(r.out).toBe('');
    }
    expect(await branches('amb')).toEqual(['main']);
  });

  it('refuses a write too, and nothing changes (no branch of that name appears)', async () => {
    const r = await cli.run(['put', 'amb@abcdef1:/f.txt', local]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^strata: commit id prefix "abcdef1" in repo "amb" matches more than one commit/);
    expect(await branches('amb')).toEqual(['main']);
    expect(await ids('amb@main')).toEqual([B, A]);
  });

  it('one more digit tells them apart (any case)', async () => {
    expect(await ids('amb@abcdef10')).toEqual([A]);
    expect((await inspect('amb@ABCDEF11')).id).toBe(B);
  });
});

describe('a unique prefix', () => {
  it('names the commit in ls, inspect REF:/PATH, branch create --from, branch reset, tag create and commit wait', async () => {
    ok(await cli.main(['repo', 'create', 'rd']));
    ok(await cli.main(['put', '-q', '-m', 'one', 'rd@main:/f.txt', local]));
    await writeFile(local, 'g\n');
    ok(await cli.main(['put', '-q', '-m', 'two', 'rd@main:/g.txt', local]));
    const [two, one] = await ids('rd@main');
    const p = one!.slice(0, 7);
    expect(jsonLines<{ path: string }>(ok(await cli.main(['ls', `rd@${p}`, '--json'])).out).map((f) => f.path)).toEqual(['/f.txt']);
    expect(JSON.parse(ok(await cli.main(['inspect', `rd@${p}:/f.txt`, '--json'])).out)).toMatchObject({ path: '/f.txt', commit: one, lastChanged: { id: one } });
    ok(await cli.main(['branch', 'create', 'rd@old', '--from', `rd@${p}`]));
    expect(await ids('rd@old')).toEqual([one]);
    ok(await cli.main(['branch', 'reset', 'rd@old', `rd@${two!.slice(0, 8)}`]));
    expect(await ids('rd@old')).toEqual([two, one]);
    ok(await cli.main(['tag', 'create', 'rd@v1', `rd@${p}`]));
    expect(JSON.parse(ok(await cli.main(['tag', 'inspect', 'rd@v1', '--json'])).out).commit).toBe(one);
    expect(JSON.parse(ok(await cli.main(['commit', 'wait', `rd@${p}`, '--json'])).out).id).toBe(one);
  });

  it('writes to an open commit by its prefix (put, cp, rm), which commit finish -m then finishes by prefix', async () => {
    ok(await cli.main(['repo', 'create', 'wr']));
    await writeFile(local, 'w\n');
    ok(await cli.main(['put', '-q', 'wr@main:/a.txt', local]));
    const id = ok(await cli.main(['commit', 'start', 'wr@main', '-q'])).out.trim();
    const p = id.slice(0, 7);
    ok(await cli.run(['put', '-q', `wr@${p}:/b.txt`, local]));
    ok(await cli.main(['cp', '-q', `wr@${p}:/b.txt`, `wr@${p}:/c.txt`]));
    ok(await cli.main(['rm', '-q', `wr@${p}:/a.txt`]));
    expect(await branches('wr')).toEqual(['main']); // no branch named after the prefix
    expect((await inspect(`wr@${p}`)).state).toBe('open');
    ok(await cli.main(['commit', 'finish', '-q', `wr@${p}`, '-m', 'by prefix']));
    expect(await inspect('wr@main')).toMatchObject({ id, state: 'finished', description: 'by prefix' });
    expect(jsonLines<{ path: string }>(ok(await cli.main(['ls', 'wr@main', '--json'])).out).map((f) => f.path)).toEqual(['/b.txt', '/c.txt']);
  });

  it('a write to a finished commit by its prefix is refused (exit 6), as by its full id, and makes no branch', async () => {
    const [head] = await ids('wr@main');
    for (const ref of [head!, head!.slice(0, 7)]) {
      const r = await cli.main(['put', `wr@${ref}:/d.txt`, local]);
      expect(r.code, ref).toBe(6);
      expect(r.stderr, ref).toBe(`strata: commit ${head} of repo "wr" is finished; finished commits never change\n`);
    }
    expect(await branches('wr')).toEqual(['main']);
    expect(await ids('wr@main')).toHaveLength(2);
  });

  it('squash and drop take a prefix', async () => {
    ok(await cli.main(['repo', 'create', 'sq']));
    for (const text of ['1', '2', '3']) {
      await writeFile(local, text);
      ok(await cli.main(['put', '-q', 'sq@main:/n.txt', local]));
    }
    const [c3, c2, c1] = await ids('sq@main');
    ok(await cli.main(['commit', 'squash', `sq@${c2!.slice(0, 7)}`]));
    expect(await ids('sq@main')).toEqual([c3, c1]);
    ok(await cli.main(['commit', 'drop', `sq@${c3!.slice(0, 7)}`]));
    expect(await ids('sq@main')).toEqual([c1]);
  });

  it('a branch of that name still wins over a prefix for writes', async () => {
    const [head] = await ids('wr@main');
    const p = head!.slice(0, 7);
    ok(await cli.main(['branch', 'create', `wr@${p}`, '--from', 'wr@main']));
    ok(await cli.main(['put', '-q', `wr@${p}:/e.txt`, local]));
    expect(await ids(`wr@${p}`)).toHaveLength(3);
    expect(await ids('wr@main')).toHaveLength(2);
  });
});
