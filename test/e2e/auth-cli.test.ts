// The auth commands as a user types them (bin/strata.js in a child process)
// against the real server: activate prints the root token once and logs in,
// the config file keeps the token with mode 0600, STRATA_TOKEN wins over it,
// login reads a token from stdin, logout forgets it; tokens, roles, audit;
// --json everywhere; exit codes 12 (unauthenticated) and 8 (not allowed).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCli, jsonLines, type Cli, type CliResult } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let server: TestServer;
let tmp: TempDir;
let cli: Cli;
let configFile: string;

function ok(r: CliResult): CliResult {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r;
}

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-auth-cli')]);
  configFile = join(tmp.path, 'config.json');
  cli = createCli(server.grpcAddress, configFile);
}, 120_000);

afterAll(async () => {
  await server?.cleanup();
  await tmp?.remove();
});

describe('strata auth', () => {
  let root: string;
  let alice: string;

  it('whoami before activation: anonymous, auth off', async () => {
    expect(JSON.parse(ok(await cli.run(['auth', 'whoami', '--json'])).out)).toMatchObject({ subject: 'user:anonymous', authActive: false, admin: true });
  });

  it('activate prints the root token once and saves it in a 0600 config file', async () => {
    ok(await cli.run(['repo', 'create', 'images']));
    const out = JSON.parse(ok(await cli.run(['auth', 'activate', '--json'])).out) as { subject: string; token: string; savedTo: string };
    expect(out).toMatchObject({ subject: 'user:root', savedTo: configFile });
    root = out.token;
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(configFile, 'utf8'))).toMatchObject({ token: root });
    expect(ok(await cli.run(['auth', 'whoami'])).out).toMatch(/subject:\s+user:root/);
    // Shown once: the config listing never prints it.
    expect(ok(await cli.run(['config', 'get', '--json'])).out).not.toContain(root);
    const again = await cli.run(['auth', 'activate']);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/already active/);
  });

  it('token create --ttl, auth set/get, STRATA_TOKEN wins over the config file', async () => {
    alice = ok(await cli.run(['auth', 'token', 'create', 'alice', '--ttl', '12h', '-d', 'e2e'])).out.trim();
    expect(alice).toMatch(/^strata_/);
    ok(await cli.run(['auth', 'set', 'images', 'reader', 'alice']));
    // images was made while auth was off: nobody owns it (admins may do all anyway).
    expect(jsonLines(ok(await cli.run(['auth', 'get', 'images', '--json'])).out)).toEqual([{ subject: 'user:alice', repo: 'images', role: 'reader' }]);
    const env = { STRATA_TOKEN: alice };
    const me = JSON.parse(ok(await cli.run(['auth', 'whoami', '--json'], { env })).out) as { subject: string; expiresAtMs: number; roles: unknown[] };
    expect(me.subject).toBe('user:alice');
    expect(me.expiresAtMs).toBeGreaterThan(Date.now() + 11 * 3_600_000);
    const put = await cli.run(['put', 'images@main:/x.txt', '-'], { env, input: 'x' });
    expect(put.code).toBe(8);
    expect(put.stderr).toMatch(/user:alice may not write on repo "images": needs writer \(has reader\)/);
    expect((await cli.run(['auth', 'token', 'create', 'robot:ci'], { env })).code).toBe(8);
  });

  it('login reads a token from stdin and saves it; logout forgets it (then calls exit 12)', async () => {
    const own = createCli(server.grpcAddress, join(tmp.path, 'alice.json'));
    expect(ok(await own.run(['auth', 'login'], { input: `${alice}\n` })).out).toMatch(/logged in as user:alice/);
    expect((await stat(join(tmp.path, 'alice.json'))).mode & 0o777).toBe(0o600);
    expect(ok(await own.run(['repo', 'list', '--json'])).out).toContain('"images"');
    const bad = await own.run(['auth', 'login'], { input: 'strata_wrong\n' });
    expect(bad.code).toBe(12);
    ok(await own.run(['auth', 'logout']));
    expect(JSON.parse(await readFile(join(tmp.path, 'alice.json'), 'utf8'))).not.toHaveProperty('token');
    const after = await own.run(['repo', 'list']);
    expect(after.code).toBe(12);
    expect(after.stderr).toMatch(/no token/);
  });

  it('token list and revoke: the revoked token is refused at once', async () => {
    const tokens = jsonLines<{ id: string; subject: string; description: string }>(ok(await cli.run(['auth', 'token', 'list', '--json'])).out);
    const mine = tokens.find((t) => t.subject === 'user:alice')!;
    expect(mine.description).toBe('e2e');
    expect(JSON.stringify(tokens)).not.toContain(alice);
    ok(await cli.run(['auth', 'token', 'revoke', mine.id.slice(0, 10)]));
    const refused = await cli.run(['repo', 'list'], { env: { STRATA_TOKEN: alice } });
    expect(refused.code).toBe(12);
  });

  it('audit: JSON lines of writes and auth changes, filtered by user and time', async () => {
    const all = jsonLines<{ subject: string; method: string; repo: string; outcome: string }>(ok(await cli.run(['auth', 'audit', '--since', '1h', '--json'])).out);
    const seen = all.map((e) => `${e.subject} ${e.method} ${e.repo} ${e.outcome}`);
    expect(seen).toContain('user:root Activate  ok');
    expect(seen).toContain('user:root SetRole images ok');
    expect(seen).toContain('user:alice ModifyFile images denied');
    expect(seen).toContain('user:root RevokeToken  ok');
    const alices = jsonLines<{ subject: string }>(ok(await cli.run(['auth', 'audit', '--user', 'user:alice', '--json'])).out);
    expect(alices.length).toBeGreaterThan(0);
    expect(alices.every((e) => e.subject === 'user:alice')).toBe(true);
    expect(ok(await cli.run(['auth', 'audit', '--until', '2000-01-01T00:00:00Z', '--json'])).out).toBe('');
    expect((await cli.run(['auth', 'audit', '--since', 'yesterday'])).code).toBe(2);
  });
});
