// The `strata` CLI against the real server: repos, branches, commits, log,
// config, help, --json, and the error contract (one line on stderr, exit
// code by kind). The main flows run bin/strata.js in a child process, as a
// user does (`cli.run`); the long tail runs the same main() in-process
// (`cli.main`) so the suite stays fast on two cores.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND_TABLE } from '../../src/errors/index.ts';
import { createCli, jsonLines, type Cli, type CliResult } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let server: TestServer;
let tmp: TempDir;
let cli: Cli;

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-cli')]);
  cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
});

afterAll(async () => {
  await server?.cleanup();
  await tmp?.remove();
});

const spawned = (...args: string[]) => cli.run(args);
const inProcess = (...args: string[]) => cli.main(args);
const RECENT = /(just now|\d+ seconds? ago)/;

function ok(r: CliResult): CliResult {
  expect(r.stderr, 'stderr of a command that should succeed').toBe('');
  expect(r.code).toBe(0);
  return r;
}

/** A failure: exactly one line `strata: ...` on stderr, the exit code of its kind, nothing on stdout. */
function failed(r: CliResult, kind: keyof typeof KIND_TABLE, pattern: RegExp): void {
  expect(r.stderr).toMatch(/^strata: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack without --debug
  expect(r.code).toBe(KIND_TABLE[kind].exit);
  expect(r.out).toBe('');
}

async function head(ref: string): Promise<string> {
  return (JSON.parse(ok(await inProcess('commit', 'inspect', ref, '--json')).out) as { id: string }).id;
}

describe('repos and branches', () => {
  it('creates, lists, inspects and deletes repos, in human and JSON form', async () => {
    expect(ok(await spawned('repo', 'create', 'cats', '-d', 'cat pictures')).out).toBe('created repo cats\n');
    ok(await inProcess('repo', 'create', 'dogs'));
    const list = ok(await spawned('repo', 'list')).out.split('\n');
    expect(list[0]).toMatch(/^NAME\s+CREATED\s+SIZE\s+BRANCHES\s+DESCRIPTION$/);
    // Columns line up: each field starts where its header does.
    const at = list[0]!.indexOf('CREATED');
    expect(list.find((l) => l.startsWith('cats'))!.slice(at)).toMatch(new RegExp(`^${RECENT.source}\\s+0 B\\s+0\\s+cat pictures$`));
    const json = jsonLines<{ name: string }>(ok(await inProcess('repo', 'list', '--json')).out);
    expect(json.map((r) => r.name).sort()).toEqual(['cats', 'dogs']);
    expect(ok(await inProcess('repo', 'inspect', 'cats')).out).toMatch(/^name:\s+cats\ndescription:\s+cat pictures\ncreated:\s+/);
    expect(JSON.parse(ok(await inProcess('--json', 'repo', 'inspect', 'cats')).out)).toMatchObject({ name: 'cats', description: 'cat pictures', sizeBytes: 0 });
    expect(ok(await inProcess('repo', 'delete', 'dogs')).out).toBe('deleted repo dogs\n');
    expect(ok(await inProcess('repo', 'delete', 'cats', '--quiet')).out).toBe('');
  });

  it('creates branches from refs, lists, inspects and deletes them', async () => {
    ok(await inProcess('repo', 'create', 'br'));
    ok(await cli.main(['put', 'br@main:/a.txt', '-'], { input: 'v1' }));
    const first = await head('br@main');
    ok(await cli.main(['put', 'br@main:/a.txt', '-'], { input: 'v2' }));
    expect(ok(await spawned('branch', 'create', 'br@dev', '--from', 'br@main^')).out).toBe(`created branch br@dev at ${first}\n`);
    const list = ok(await inProcess('branch', 'list', 'br')).out;
    expect(list).toMatch(/^BRANCH\s+HEAD\s+CREATED\s+PROVENANCE\n/);
    expect(list).toMatch(new RegExp(`\\ndev\\s+${first}\\s+${RECENT.source}\\s+-\\n`));
    expect(JSON.parse(ok(await inProcess('branch', 'inspect', 'br@dev', '--json')).out)).toMatchObject({ repo: 'br', name: 'dev', head: first });
    ok(await inProcess('branch', 'delete', 'br@dev'));
    failed(await inProcess('branch', 'inspect', 'br@dev'), 'NotFound', /branch "dev" not found in repo "br"/);
  });
});

describe('commits', () => {
  it('start, put into the open commit, inspect (provenance, metadata), finish, wait, log', async () => {
    ok(await inProcess('repo', 'create', 'cm'));
    ok(await cli.main(['put', 'cm@main:/base.txt', '-'], { input: 'base' }));
    const id = ok(await spawned('commit', 'start', 'cm@main', '-m', 'batch', '--metadata', 'source=camera', '--provenance', 'br@main')).out.trim();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    ok(await cli.main(['put', `cm@${id}:/in-open.txt`, '-'], { input: 'x' }));
    const waiting = inProcess('commit', 'wait', `cm@${id}`);
    const shown = ok(await inProcess('commit', 'inspect', `cm@${id}`)).out;
    expect(shown).toMatch(/^state:\s+open \(user\)$/m);
    expect(shown).toMatch(/^metadata:\s+source=camera$/m);
    expect(shown).toMatch(/^provenance:\s+br@[0-9a-f]{32}$/m);
    expect(shown).toMatch(/^description:\s+batch$/m);
    expect(ok(await spawned('commit', 'finish', `cm@${id}`, '-m', 'batch 7')).out).toBe(`finished cm@${id} (2 files, 5 B)\n`);
    expect(ok(await waiting).out).toBe(`cm@${id} is finished\n`);
    const log = ok(await spawned('log', 'cm@main')).out.trim().split('\n');
    expect(log[0]).toMatch(/^COMMIT\s+FINISHED\s+SIZE\s+ORIGIN\s+DESCRIPTION$/);
    expect(log[1]).toMatch(new RegExp(`^${id}  ${RECENT.source}\\s+5 B  user      batch 7$`));
    expect(log).toHaveLength(3);
    const json = jsonLines<{ id: string; metadata: Record<string, string> }>(ok(await inProcess('log', 'cm@main', '--json', '-n', '1')).out);
    expect(json).toMatchObject([{ id, metadata: { source: 'camera' } }]);
  });

  it('subscribes, squashes and drops', async () => {
    const sub = spawned('commit', 'subscribe', 'cm@main', '-n', '1', '--json');
    let done = false;
    void sub.then(() => (done = true));
    // Commit until the subscriber (which may still be starting) has seen one.
    const made: string[] = [];
    for (let i = 0; !done && i < 60; i++) {
      ok(await cli.main(['put', `cm@main:/s${i}.txt`, '-'], { input: String(i) }));
      made.push(await head('cm@main'));
      await new Promise((r) => setTimeout(r, 250));
    }
    const [seen] = jsonLines<{ id: string; repo: string }>(ok(await sub).out);
    expect(made).toContain(seen!.id);
    const before = jsonLines(ok(await inProcess('log', 'cm@main', '--json')).out).length;
    expect(ok(await inProcess('commit', 'squash', 'cm@main^')).out).toBe('squashed cm@main^\n');
    expect(jsonLines(ok(await inProcess('log', 'cm@main', '--json')).out)).toHaveLength(before - 1);
    const parent = await head('cm@main^');
    ok(await inProcess('commit', 'drop', 'cm@main'));
    expect(await head('cm@main')).toBe(parent);
  });
});

describe('errors', () => {
  it('unknown repo: NotFound exit code, one line', async () => {
    failed(await spawned('repo', 'inspect', 'nope'), 'NotFound', /^strata: repo "nope" not found\n$/);
    failed(await inProcess('ls', 'nope@main'), 'NotFound', /repo "nope" not found/);
  });

  it('malformed refs, paths and names: InvalidArgument', async () => {
    failed(await spawned('ls', 'cm@main:/../x'), 'InvalidArgument', /".." components are not allowed/);
    failed(await inProcess('repo', 'create', 'bad name'), 'InvalidArgument', /invalid repo name "bad name"/);
    failed(await inProcess('log', 'cm@'), 'InvalidArgument', /a branch or commit id must follow "@"/);
    failed(await inProcess('commit', 'inspect', 'cm@main:/x'), 'InvalidArgument', /without ":\/path"/);
    failed(await inProcess('put', 'cm:/x', '-'), 'InvalidArgument', /expected "repo@branch"/);
    failed(await inProcess('branch', 'create', 'cm@main^'), 'InvalidArgument', /expected "repo@branch"/);
  });

  it('a commit id of the wrong length is a missing branch, with a hint', async () => {
    failed(await spawned('commit', 'inspect', 'cm@0123456789abcdef0123456789abcde'), 'NotFound', /branch or tag "0123456789abcdef0123456789abcde" not found in repo "cm" and no commit id starts with "0123456789abcdef0123456789abcde"/);
    failed(await inProcess('commit', 'inspect', 'cm@0123456789abcdef0123456789abcdef'), 'NotFound', /commit 0123456789abcdef0123456789abcdef not found/);
  });

  it('usage errors, unknown commands and options: exit 2, one line', async () => {
    failed(await spawned('bogus'), 'InvalidArgument', /unknown command 'bogus'/);
    failed(await inProcess('repo', 'create'), 'InvalidArgument', /missing required argument 'name'/);
    failed(await inProcess('ls', '--bogus', 'cm@main'), 'InvalidArgument', /unknown option '--bogus'/);
    failed(await inProcess('log', 'cm@main', '-n', 'x'), 'InvalidArgument', /--limit must be a whole number/);
    failed(await inProcess('--address', 'nohost', 'repo', 'list'), 'InvalidArgument', /invalid address "nohost"/);
    failed(await inProcess('commit', 'start', 'cm@main', '--metadata', 'novalue'), 'InvalidArgument', /expected KEY=VALUE/);
  });

  it('an unreachable server: Unavailable, one line naming the address; --debug adds the stack', async () => {
    // A window long enough for the refusal to arrive on a loaded machine (else: "no answer within 300 ms").
    const r = await spawned('--address', '127.0.0.1:1', '--connect-timeout', '1000', 'repo', 'list');
    failed(r, 'Unavailable', /^strata: cannot reach the server at 127\.0\.0\.1:1 \(connection refused\); is it running/);
    const d = await inProcess('--address', '127.0.0.1:1', '--connect-timeout', '0', '--debug', 'repo', 'create', 'x');
    expect(d.code).toBe(KIND_TABLE.Unavailable.exit);
    expect(d.stderr.split('\n')[0]).toMatch(/^strata: cannot reach/);
    expect(d.stderr).toMatch(/\[UNAVAILABLE Unavailable\]/);
    expect(d.stderr).toMatch(/\n\s+at /);
  });
});

describe('strata server', () => {
  it('runs the server in its own process (the pid it prints); SIGTERM stops it gracefully', async () => {
    const data = join(tmp.path, 'server-data');
    const child = cli.spawn(['server', '--data', data, '--grpc', '127.0.0.1:0', '--http', '127.0.0.1:0', '--s3', '127.0.0.1:0']);
    const logs: string[] = [];
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.stderr!.on('data', (b: Buffer) => logs.push(String(b)));
    const [pid, address] = await new Promise<[number, string]>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (b: Buffer) => {
        out += String(b);
        logs.push(String(b));
        // The log is JSON lines; the ready line names the pid and the bound gRPC address.
        for (const line of out.split('\n')) {
          const record = /^\{.*"msg":"strata server ready"/.test(line) ? (JSON.parse(line) as { pid: number; grpc: string }) : undefined;
          if (record) resolve([record.pid, record.grpc]);
        }
      });
      void exited.then((code) => reject(new Error(`strata server exited (${code}): ${logs.join('')}`)));
    });
    expect(pid).toBe(child.pid);
    expect(ok(await inProcess('--address', address, 'repo', 'create', 'served')).out).toBe('created repo served\n');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(logs.join('')).toMatch(/"msg":"stopped"/);
  });
});

describe('config, help', () => {
  it('config set/get stores the address; flags and STRATA_ADDRESS win over it', async () => {
    const configFile = join(tmp.path, 'own-config.json');
    const env = { STRATA_CONFIG: configFile, STRATA_ADDRESS: '' };
    expect(ok(await cli.run(['config', 'set', 'address', server.grpcAddress], { env })).out).toBe(`address = ${server.grpcAddress} (saved to ${configFile})\n`);
    expect(JSON.parse(await readFile(configFile, 'utf8'))).toEqual({ address: server.grpcAddress });
    ok(await cli.run(['repo', 'list'], { env })); // reaches the server through the config file
    expect(ok(await cli.main(['config', 'get', 'address'], { env })).out).toBe(`${server.grpcAddress}\n`);
    expect(JSON.parse(ok(await cli.main(['config', 'get', '--json'], { env })).out)).toMatchObject({ address: server.grpcAddress, source: configFile });
    expect(ok(await cli.main(['config', 'get', 'address', '--address', '10.0.0.1:1'], { env })).out).toBe('10.0.0.1:1\n');
    expect(ok(await cli.main(['config', 'get', 'address'], { env: { ...env, STRATA_ADDRESS: '10.0.0.2:2' } })).out).toBe('10.0.0.2:2\n');
    failed(await cli.main(['config', 'set', 'colour', 'red'], { env }), 'InvalidArgument', /unknown config key "colour"/);
    failed(await cli.main(['config', 'set', 'address', 'nope'], { env }), 'InvalidArgument', /expected HOST:PORT/);
  });

  it('--help on every command, with examples', async () => {
    expect(ok(await spawned('put', '--help')).out).toMatch(/^Usage: strata put \[options\] <dest> <local>\n[\s\S]*\nExamples:\n {2}\$ strata put /);
    const commands = [
      [], ['repo'], ['repo', 'create'], ['repo', 'list'], ['repo', 'inspect'], ['repo', 'delete'],
      ['branch'], ['branch', 'create'], ['branch', 'list'], ['branch', 'inspect'], ['branch', 'delete'],
      ['commit'], ['commit', 'start'], ['commit', 'finish'], ['commit', 'inspect'], ['commit', 'wait'], ['commit', 'squash'], ['commit', 'drop'], ['commit', 'subscribe'],
      ['log'], ['put'], ['get'], ['ls'], ['glob'], ['diff'], ['rm'], ['cp'], ['fsck'], ['gc'], ['config'], ['config', 'set'], ['config', 'get'],
    ]; // `strata server --help` comes from the server itself: test/e2e/cli-version.test.ts
    for (const c of commands) {
      const r = await cli.main([...c, '--help']);
      const name = `strata ${c.join(' ')}`;
      expect(r.code, name).toBe(0);
      expect(r.out, name).toMatch(new RegExp(`^Usage: strata${c.map((w) => ` ${w}(\\|\\w+)?`).join('')} `));
      expect(r.out, name).toMatch(/\nExamples:\n {2}\$ /);
    }
  });
});
