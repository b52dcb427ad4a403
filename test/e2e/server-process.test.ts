// `strata server` is one process: the pid it prints is the server itself, so
// a kill -9 of that pid leaves nothing running and nothing locked, and the
// next server starts on the same data directory with every commit intact.
// `strata --version` answers without loading the CLI or talking to a server.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { STRATA_BIN } from '../helpers/cli.ts';
import { closeClient, pfsClient, unary, startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const servers: TestServer[] = [];
const dirs: TempDir[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.cleanup()));
  await Promise.all(dirs.splice(0).map((d) => d.remove()));
});

/** Pids of live processes whose command line names this data directory. */
function processesUsing(dataDir: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(dataDir) && !/^\s*\d+\s+Z/.test(line))
    .map((line) => Number.parseInt(line, 10));
}

describe('strata server process', () => {
  it('prints its own pid; kill -9 of it leaves no process and no lock behind', async () => {
    const dir = await createTempDir('strata-one-process');
    dirs.push(dir);
    const first = await startServer({ dataDir: dir.path });
    servers.push(first);
    expect(first.pid).toBe(first.child.pid);
    // Started with no S3 gateway keys: the open gateway is announced.
    // It names the address the gateway got, not the ":0" it was asked for.
    const warning = first.logs.find((l) => l.includes('"level":"warn"') && l.includes('S3 GATEWAY IS OPEN'));
    expect(warning).toContain(`anyone who can reach ${new URL(first.s3Url).host} `);
    const client = pfsClient(first.grpcAddress);
    await unary(client, 'CreateRepo', { name: 'kept' });
    closeClient(client);

    process.kill(first.pid, 'SIGKILL');
    expect((await first.stop()).signal).toBe('SIGKILL');
    expect(processesUsing(dir.path)).toEqual([]);

    const second = await startServer({ dataDir: dir.path });
    servers.push(second);
    const again = pfsClient(second.grpcAddress);
    expect(await unary(again, 'InspectRepo', { name: 'kept' })).toMatchObject({ name: 'kept' });
    closeClient(again);
  });
});

describe('strata --version', () => {
  it("prints the package's version, with no server to talk to", () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      // execFileSync throws unless the exit code is 0.
      const out = execFileSync(process.execPath, [STRATA_BIN, flag], { encoding: 'utf8', env: { ...process.env, STRATA_ADDRESS: '127.0.0.1:1' } });
      expect(out, flag).toBe(`strata ${version}\n`);
    }
  });
});
