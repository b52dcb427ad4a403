// `strata version`, `strata completion` and `strata server`'s own command
// line (flags parsed by commander: unknown flags exit 2 with the usage line;
// an address in use is one clear line), against the real server and CLI.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCli, type Cli } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const run = promisify(execFile);
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

let server: TestServer;
let tmp: TempDir;
let cli: Cli;

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-cli-version')]);
  cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
});

afterAll(async () => {
  await server?.cleanup();
  await tmp?.remove();
});

function onPath(tool: string): boolean {
  try {
    return (process.env.PATH ?? '').split(':').some((d) => {
      try {
        readFileSync(join(d, tool));
        return true;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

describe('strata version', () => {
  it("prints the CLI's version and the server's, as text and JSON", async () => {
    const r = await cli.run(['version']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`client: ${VERSION} (node ${process.version})\nserver: ${VERSION} (node ${process.version}) at ${server.grpcAddress}\n`);
    const json = JSON.parse((await cli.main(['version', '--json'])).out) as Record<string, Record<string, unknown>>;
    expect(json.client).toEqual({ version: VERSION, nodeVersion: process.version });
    expect(json.server).toMatchObject({ version: VERSION, nodeVersion: process.version, address: server.grpcAddress });
    expect(json.server!.startedAtMs).toBeLessThanOrEqual(Date.now());
  });

  it('--client-only needs no server; a down server is an error after the client line', async () => {
    const down = { STRATA_ADDRESS: '127.0.0.1:1' };
    const only = await cli.main(['version', '--client-only'], { env: down });
    expect(only.code).toBe(0);
    expect(only.out).toBe(`client: ${VERSION} (node ${process.version})\n`);
    const r = await cli.main(['--connect-timeout', '200', 'version'], { env: down });
    expect(r.code).toBe(10);
    expect(r.out).toBe(`client: ${VERSION} (node ${process.version})\n`);
    expect(r.stderr).toMatch(/^strata: cannot reach the server at 127\.0\.0\.1:1 \(connection refused\)[^\n]*\n$/);
  });
});

describe('strata completion', () => {
  async function script(shell: string): Promise<string> {
    const r = await cli.main(['completion', shell]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const file = join(tmp.path, `strata.${shell}`);
    await writeFile(file, r.out);
    return file;
  }

  it('bash: completes commands, subcommands (aliases too) and their flags', async () => {
    const file = await script('bash');
    const complete = async (...words: string[]): Promise<string[]> => {
      const program = `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _strata; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return (await run('bash', ['-c', program])).stdout.split('\n').filter((l) => l !== '');
    };
    expect(await complete('strata', 're')).toEqual(['repo']);
    expect(await complete('strata', 'repo', 'cr')).toEqual(['create']);
    expect(await complete('strata', 'branch', 'ls', '--j')).toEqual(['--json']);
    expect(await complete('strata', 'repo', 'create', '--desc')).toEqual(['--description']);
    expect(await complete('strata', 'completion', '')).toEqual(expect.arrayContaining(['--help', '--address']));
  });

  it.skipIf(!onPath('zsh') && !process.env.CI)('zsh: the script parses and defines the completion function', async () => {
    const file = await script('zsh');
    await run('zsh', ['-n', file]);
    const r = await run('zsh', ['-c', `autoload -U compinit && compinit -u -D; source ${file}; whence -w _strata`]);
    expect(r.stdout).toMatch(/_strata: function/);
  });

  it.skipIf(!onPath('fish') && !process.env.CI)('fish: completes commands and flags', async () => {
    const file = await script('fish');
    const complete = async (line: string): Promise<string[]> =>
      (await run('fish', ['--no-config', '-c', `source ${file}; complete -C '${line}'`])).stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t')[0]!);
    expect(await complete('strata rep')).toEqual(['repo']);
    expect(await complete('strata repo cr')).toEqual(['create']);
    expect(await complete('strata repo create --desc')).toEqual(['--description']);
  });

  it('an unknown shell is an invalid argument', async () => {
    const r = await cli.main(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('strata: unknown shell "tcsh": expected bash, zsh, fish\n');
  });
});

/** Node's own warnings (a dependency's deprecation notice) are not the server's output. */
function withoutNodeWarnings(stderr: string): string {
  return stderr.replace(/^\(node:\d+\) .*\n(\(Use `node --trace-warnings .*\n)?/gm, '');
}

describe('strata server command line', () => {
  it('an unknown flag, a missing value or a stray argument exits 2 with the usage line', async () => {
    const cases = [['--bogus'], ['--data'], ['extra'], ['--log-level', 'loud'], ['--pps-poll-ms', '50'], ['--pps-poll-ms', 'soon']];
    const results = await Promise.all(cases.map((args) => cli.run(['server', ...args, '--grpc', '127.0.0.1:0', '--http', '127.0.0.1:0', '--s3', '127.0.0.1:0'], { timeoutMs: 120_000 })));
    for (const [i, r] of results.entries()) {
      const name = cases[i]!.join(' ');
      expect(r.code, name).toBe(2);
      expect(withoutNodeWarnings(r.stderr), name).toMatch(/^strata server: [^\n]+\nusage: strata server \[options\] \(see strata server --help\)\n$/);
      expect(r.out).toBe('');
    }
    expect(results[4]!.stderr).toContain('invalid pipeline poll interval "50": expected 100 to 2147483647 milliseconds');
    expect(results[5]!.stderr).toContain('invalid pipeline poll interval "soon": expected a whole number of milliseconds');
  }, 240_000);

  it('--help lists every flag with its environment variable and exits 0', async () => {
    const r = await cli.run(['server', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: strata server \[options\]/);
    for (const flag of ['--data <dir>', '--grpc <host:port>', '--http <host:port>', '--s3-endpoint <url>', '--log-level <level>', 'STRATA_SHUTDOWN_GRACE_MS', '--pps-poll-ms <ms>', 'STRATA_PPS_POLL_MS']) expect(r.out).toContain(flag);
  });

  it('an address in use is one line naming the address and the flag, exit 6', async () => {
    const grpcTaken = await cli.run(['server', '--data', join(tmp.path, 'd1'), '--grpc', server.grpcAddress, '--http', '127.0.0.1:0', '--s3', '127.0.0.1:0'], { timeoutMs: 120_000 });
    expect(grpcTaken.code).toBe(6);
    expect(withoutNodeWarnings(grpcTaken.stderr)).toBe(`strata server: cannot listen for gRPC on ${server.grpcAddress}: the address is in use (another strata server?); choose another with --grpc HOST:PORT\n`);
    const http = server.httpUrl.replace('http://', '');
    const httpTaken = await cli.run(['server', '--data', join(tmp.path, 'd2'), '--grpc', '127.0.0.1:0', '--http', http, '--s3', '127.0.0.1:0'], { timeoutMs: 120_000 });
    expect(httpTaken.code).toBe(6);
    expect(withoutNodeWarnings(httpTaken.stderr)).toBe(`strata server: cannot listen for HTTP on ${http}: the address is in use (another strata server?); choose another with --http HOST:PORT\n`);
  }, 240_000);
});
