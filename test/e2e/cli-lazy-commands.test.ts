// The CLI evaluates only the module of the command typed
// (client/cli/command-modules.ts). Run as a user runs it (bin/strata.js in a
// child process, the built bundle, against a real server): each command still
// works after global options, and still gives its help and its errors; help,
// completion and a mistyped word still know every command.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND_TABLE } from '../../src/errors/index.ts';
import { createCli, type Cli, type CliResult } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let server: TestServer;
let tmp: TempDir;
let cli: Cli;

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-cli-lazy')]);
  cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
});

afterAll(async () => {
  await server?.cleanup();
  await tmp?.remove();
});

const run = (...args: string[]): Promise<CliResult> => cli.run(args);

function ok(r: CliResult): CliResult {
  expect(r.stderr, 'stderr of a command that should succeed').toBe('');
  expect(r.code).toBe(0);
  return r;
}

describe('CLI commands loaded on use', () => {
  it('a command after global options (with values) runs, and reads what another command wrote', async () => {
    ok(await run('--address', server.grpcAddress, '--connect-timeout', '5000', 'repo', 'create', 'lazy'));
    ok(await cli.run(['--address', server.grpcAddress, 'put', 'lazy@main:/a.txt', '-'], { input: 'one' }));
    ok(await cli.run(['put', 'lazy@main:/a.txt', '-'], { input: 'two' }));
    const diff = ok(await run('--address', server.grpcAddress, '-q', 'diff', 'lazy@main', 'lazy@main^'));
    expect(diff.out).toMatch(/^~ \/a\.txt/m);
    expect(ok(await run('--json', 'ls', 'lazy@main:/')).out).toMatch(/"path": ?"\/a\.txt"/);
    expect(ok(await run('get', 'lazy@main:/a.txt')).out).toBe('two');
  });

  it("each command's help", async () => {
    expect(ok(await run('diff', '--help')).out).toMatch(/^Usage: strata diff \[options\] <new_ref> \[old_ref\]/);
    expect(ok(await run('--address', 'x:1', 'get', '--help')).out).toMatch(/^Usage: strata get \[options\] <src>[\s\S]*--offset <bytes>/);
    expect(ok(await run('umount', '--help')).out).toMatch(/^Usage: strata unmount\|umount/);
    expect(ok(await run('help', 'diff')).out).toMatch(/^Usage: strata diff /);
    const all = ok(await run('--help')).out;
    for (const c of ['repo', 'put', 'get', 'diff', 'mount', 'run', 'pipeline', 'auth', 'completion']) expect(all).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });

  it('errors: a missing argument, a bad option, a mistyped command (with a suggestion), a missing repo', async () => {
    const usage = KIND_TABLE.InvalidArgument.exit;
    let r = await run('get');
    expect([r.code, r.stderr]).toEqual([usage, "strata: missing required argument 'src'\n"]);
    r = await run('get', '--bogus', 'lazy@main:/a.txt');
    expect([r.code, r.stderr]).toEqual([usage, "strata: unknown option '--bogus'\n"]);
    r = await run('dif', 'lazy@main', 'lazy@main^');
    expect(r.code).toBe(usage);
    expect(r.stderr).toMatch(/^strata: unknown command 'dif' \(Did you mean diff\?\)\n$/);
    r = await run('diff', 'nosuch@main', 'nosuch@main^');
    expect(r.code).toBe(KIND_TABLE.NotFound.exit);
    expect(r.stderr).toMatch(/^strata: [^\n]*nosuch[^\n]*\n$/);
  });

  it('completion scripts still name every command', async () => {
    const script = ok(await run('completion', 'bash')).out;
    for (const c of ['diff', 'mount', 'unmount', 'pipeline', 'datum', 'explain']) expect(script).toContain(c);
  });
});
