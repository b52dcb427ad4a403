// A pipeline's robot identity on the real server process with auth active
// (src/pps/robot.ts): the pipeline's command runs the real strata CLI with
// the STRATA_TOKEN the job gives it, over gRPC to the same server. It may
// read its input and write its own output repo; reading a repo that is not
// its input, writing its input, or writing any other repo is refused with
// PermissionDenied (exit 8) and changes nothing; the token dies with the
// job. test/integration/pps-robot.test.ts checks the roles in process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClient, createClient, createPpsClient, KIND_TABLE, type AuthClient, type PpsClient, type StrataClient } from '../../client/sdk/index.ts';
import { STRATA_BIN } from '../helpers/cli.ts';
import { jobFor, spec, text } from '../helpers/pps.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let root: { pfs: StrataClient; auth: AuthClient; pps: PpsClient };

beforeAll(async () => {
  server = await startServer();
  const anon = createAuthClient({ address: server.grpcAddress });
  const { rootToken } = await anon.activate();
  anon.close();
  const opts = { address: server.grpcAddress, token: rootToken };
  root = { pfs: createClient(opts), auth: createAuthClient(opts), pps: createPpsClient(opts) };
  for (const repo of ['words', 'secret', 'elsewhere']) await root.pfs.createRepo(repo);
  await root.pfs.put('secret@main:/s.txt', Buffer.from('not for the pipeline\n'));
  await root.pfs.put('elsewhere@main:/e.txt', Buffer.from('untouched\n'));
}, 120_000);

afterAll(async () => {
  root?.pfs.close();
  root?.auth.close();
  root?.pps.close();
  await server?.cleanup();
});

/** Runs one CLI command inside the datum; its exit code and stderr go to /pfs/out/<name>.code and .err. */
const attempt = (name: string, args: string): string => `"$NODE" "$CLI" ${args} > /pfs/out/${name}.out 2> /pfs/out/${name}.err; echo $? > /pfs/out/${name}.code`;

async function head(branch: string): Promise<string> {
  return (await root.pfs.inspectCommit(branch)).id;
}

describe('a pipeline under auth, on the real server', () => {
  it("its code reads its input and writes its output with the job's token, and cannot read or write any other repo", async () => {
    const words = (await root.pfs.put('words@main:/a.txt', Buffer.from('alpha\n'))).commit.id;
    const before = { secret: await head('secret@main'), elsewhere: await head('elsewhere@main'), words };
    const script = [
      attempt('read-input', 'get words@main:/a.txt'),
      attempt('read-secret', 'get secret@main:/s.txt'),
      attempt('write-input', 'put words@main:/evil.txt /pfs/words/a.txt'),
      attempt('write-elsewhere', 'put elsewhere@main:/evil.txt /pfs/words/a.txt'),
      attempt('write-own-output', 'put robo@scratch:/note.txt /pfs/words/a.txt'),
      'printf %s "$STRATA_TOKEN" > /pfs/out/token',
    ].join('\n');
    await root.pps.createPipeline(
      spec('robo', { pfs: { repo: 'words', glob: '/' } }, script, {
        // The config file is one that does not exist: only STRATA_TOKEN and STRATA_ADDRESS speak for the command.
        transform: { env: { NODE: process.execPath, CLI: STRATA_BIN, STRATA_ADDRESS: server.grpcAddress, STRATA_CONFIG: '/nonexistent/strata-config.json' } },
      }),
    );
    const job = await jobFor(root.pps, 'robo', words);
    expect(job.state, job.reason).toBe('success');
    const out = async (f: string): Promise<string> => text(root.pfs, `robo@main:/${f}`);
    const denied = String(KIND_TABLE.PermissionDenied.exit);

    // Its input: readable.
    expect((await out('read-input.code')).trim()).toBe('0');
    expect(await out('read-input.out')).toBe('alpha\n');
    // Not its input: refused, naming the robot, and no byte of it in the output.
    expect((await out('read-secret.code')).trim()).toBe(denied);
    expect(await out('read-secret.err')).toMatch(/robot:pipeline-robo may not read on repo "secret"/);
    expect(await out('read-secret.out')).toBe('');
    // Its input is read-only to it, and every repo but its output is closed to writes.
    expect((await out('write-input.code')).trim()).toBe(denied);
    expect(await out('write-input.err')).toMatch(/robot:pipeline-robo may not write on repo "words"/);
    expect((await out('write-elsewhere.code')).trim()).toBe(denied);
    expect(await out('write-elsewhere.err')).toMatch(/robot:pipeline-robo may not write on repo "elsewhere"/);
    // Its own output repo: writable (the robot is its writer).
    expect((await out('write-own-output.code')).trim()).toBe('0');
    expect(await text(root.pfs, 'robo@scratch:/note.txt')).toBe('alpha\n');

    // The refused writes changed nothing.
    expect(await head('secret@main')).toBe(before.secret);
    expect(await head('elsewhere@main')).toBe(before.elsewhere);
    expect(await head('words@main')).toBe(before.words);
    await expect(root.pfs.inspectFile('words@main:/evil.txt')).rejects.toMatchObject({ kind: 'NotFound' });
    await expect(root.pfs.inspectFile('elsewhere@main:/evil.txt')).rejects.toMatchObject({ kind: 'NotFound' });

    // The token the command had was revoked when the job ended.
    const token = await out('token');
    expect(token).not.toBe('');
    const afterJob = createClient({ address: server.grpcAddress, token });
    try {
      await expect(afterJob.inspectCommit('words@main')).rejects.toMatchObject({ kind: 'Unauthenticated' });
    } finally {
      afterJob.close();
    }
  });
});
