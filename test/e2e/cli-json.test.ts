// --json across the CLI (issue 14), against the real server: every list and
// stream prints JSON lines (one object per item), every inspect one JSON
// document, and each object has the shape of the SDK's type for it (the
// CLI output equals what the SDK returns for the same question).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type StrataClient } from '../../client/sdk/index.ts';
import { createCli, jsonLines, type Cli, type CliResult } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let server: TestServer;
let tmp: TempDir;
let cli: Cli;
let sdk: StrataClient;

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-cli-json')]);
  cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
  sdk = createClient({ address: server.grpcAddress });
  await sdk.createRepo('js', { description: 'json' });
  await sdk.createRepo('js2');
  const local = join(tmp.path, 'a.txt');
  await writeFile(local, 'a\n');
  for (const path of ['/a.txt', '/d/b.txt']) expect((await cli.main(['put', '-q', `js@main:${path}`, local])).code).toBe(0);
  await sdk.createBranch('js@dev', { from: 'js@main^' });
  await sdk.createTag('js@v1', 'js@main');
});

afterAll(async () => {
  sdk?.close();
  await server?.cleanup();
  await tmp?.remove();
});

async function json(args: string[]): Promise<string> {
  const r: CliResult = await cli.main([...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.out;
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('--json', () => {
  it('lists are JSON lines of the SDK types', async () => {
    const cases: [string[], () => Promise<unknown[]>][] = [
      [['repo', 'list'], () => sdk.listRepos()],
      [['branch', 'list', 'js'], () => sdk.listBranches('js')],
      [['tag', 'list', 'js'], () => sdk.listTags('js')],
      [['log', 'js@main'], () => all(sdk.log('js@main'))],
      [['ls', 'js@main:/'], () => all(sdk.list('js@main:/'))],
      [['ls', '-r', 'js@main:/'], () => all(sdk.walk('js@main:/'))],
      [['glob', 'js@main:/**/*.txt'], () => all(sdk.glob('js@main', '/**/*.txt'))],
      [['diff', 'js@main', 'js@dev'], () => all(sdk.diff('js@main', 'js@dev'))],
    ];
    for (const [args, expected] of cases) {
      const out = await json(args);
      expect(out.endsWith('\n'), args.join(' ')).toBe(true);
      expect(jsonLines(out), args.join(' ')).toEqual(await expected());
    }
    // An empty list is no lines at all (not "[]", not a human note).
    expect(await json(['tag', 'list', 'js2'])).toBe('');
  });

  it('inspects are one JSON document of the SDK type', async () => {
    const cases: [string[], () => Promise<unknown>][] = [
      [['repo', 'inspect', 'js'], () => sdk.inspectRepo('js')],
      [['branch', 'inspect', 'js@main'], () => sdk.inspectBranch('js@main')],
      [['tag', 'inspect', 'js@v1'], () => sdk.inspectTag('js@v1')],
      [['commit', 'inspect', 'js@v1'], () => sdk.inspectCommit('js@v1')],
    ];
    for (const [args, expected] of cases) expect(JSON.parse(await json(args)), args.join(' ')).toEqual(await expected());
    // inspect REF:/PATH is the SDK's FileInfo plus the repo and the commit that last changed the file.
    const file = JSON.parse(await json(['inspect', 'js@main:/d/b.txt']));
    expect(file).toMatchObject({ ...(await sdk.inspectFile('js@main:/d/b.txt')), repo: 'js' });
    expect(file.lastChanged.id).toBe((await sdk.inspectCommit('js@main')).id);
  });
});
