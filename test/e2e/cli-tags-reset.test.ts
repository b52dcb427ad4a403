// Tags and branch reset (issue 14), through the real CLI against the real
// server: `strata tag create|list|inspect|delete`, `repo@tag` wherever a
// commit is read, tags never move and cannot be written to, and
// `strata branch reset` moves a head by compare-and-set with clear errors.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWireCounter } from '../../bench/lib/api-wire.ts';
import { createClient, type StrataClient } from '../../client/sdk/index.ts';
import { createCli, jsonLines, type Cli, type CliResult } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let server: TestServer;
let tmp: TempDir;
let cli: Cli;
let sdk: StrataClient;

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-cli-tags')]);
  cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
  sdk = createClient({ address: server.grpcAddress });
});

afterAll(async () => {
  sdk?.close();
  await server?.cleanup();
  await tmp?.remove();
});

function ok(r: CliResult): CliResult {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r;
}

async function fails(r: Promise<CliResult>, code: number, message: string | RegExp): Promise<void> {
  const res = await r;
  expect(res.out).toBe('');
  if (typeof message === 'string') expect(res.stderr).toBe(`strata: ${message}\n`);
  else expect(res.stderr).toMatch(message);
  expect(res.code).toBe(code);
}

/** Puts `text` at `ref` and returns the new head's id. */
async function put(ref: string, text: string): Promise<string> {
  const local = join(tmp.path, 'f.txt');
  await writeFile(local, text);
  ok(await cli.main(['put', '-q', ref, local]));
  const repo = ref.split('@')[0]!;
  return (await sdk.inspectBranch(`${repo}@${ref.split('@')[1]!.split(':')[0]!}`)).head!;
}

describe('strata tag', () => {
  let first: string;
  let second: string;

  beforeAll(async () => {
    ok(await cli.main(['repo', 'create', 'tagged']));
    first = await put('tagged@main:/a.txt', 'one\n');
    second = await put('tagged@main:/a.txt', 'two\n');
  });

  it('creates, lists, inspects and deletes tags; JSON has the SDK shapes', async () => {
    const created = JSON.parse(ok(await cli.main(['tag', 'create', 'tagged@v1', 'tagged@main^', '--json'])).out);
    expect(created).toEqual(await sdk.inspectTag('tagged@v1'));
    expect(created).toMatchObject({ repo: 'tagged', name: 'v1', commit: first });
    expect(ok(await cli.main(['tag', 'create', 'tagged@v2'])).out).toBe(`created tag tagged@v2 at ${second}\n`); // default: REPO@main
    const listed = jsonLines(ok(await cli.main(['tag', 'list', 'tagged', '--json'])).out);
    expect(listed).toEqual(await sdk.listTags('tagged'));
    expect(listed.map((t) => [t.name, t.commit])).toEqual([['v1', first], ['v2', second]]);
    const human = ok(await cli.run(['tag', 'list', 'tagged'])).out;
    expect(human).toMatch(/^TAG\s+COMMIT\s+CREATED\nv1\s+[0-9a-f]{32}\s+.+\nv2\s+/);
    expect(ok(await cli.main(['tag', 'inspect', 'tagged@v1'])).out).toContain(`commit:  ${first}`);
    ok(await cli.main(['tag', 'delete', 'tagged@v2']));
    expect((await sdk.listTags('tagged')).map((t) => t.name)).toEqual(['v1']);
    await fails(cli.main(['tag', 'delete', 'tagged@v2']), 4, 'tag "v2" not found in repo "tagged"');
    await fails(cli.main(['tag', 'list', 'nope']), 4, 'repo "nope" not found');
  });

  it('repo@tag works wherever a commit is read', async () => {
    expect(ok(await cli.main(['get', 'tagged@v1:/a.txt'])).out).toBe('one\n');
    expect(jsonLines(ok(await cli.main(['log', 'tagged@v1', '--json'])).out).map((c) => c.id)).toEqual([first]);
    expect(JSON.parse(ok(await cli.main(['commit', 'inspect', 'tagged@v1', '--json'])).out).id).toBe(first);
    expect(jsonLines(ok(await cli.main(['diff', 'tagged@main', 'tagged@v1', '--json'])).out).map((d) => d.path)).toEqual(['/a.txt']);
    ok(await cli.main(['branch', 'create', 'tagged@from-tag', '--from', 'tagged@v1']));
    expect((await sdk.inspectBranch('tagged@from-tag')).head).toBe(first);
  });

  it('a tag never moves: creating it again, or a branch of its name, is refused; nothing changes', async () => {
    await fails(cli.main(['tag', 'create', 'tagged@v1', 'tagged@main']), 5, 'tag "v1" already exists in repo "tagged" (tags never move: delete it first)');
    await fails(cli.main(['tag', 'create', 'tagged@main', 'tagged@main']), 5, '"main" is already a branch of repo "tagged": branches and tags share one namespace');
    await fails(
      cli.main(['branch', 'create', 'tagged@v1']),
      5,
      '"v1" is already a tag of repo "tagged": tags are immutable; write to a branch (strata branch create REPO@BRANCH --from REPO@TAG)',
    );
    const local = join(tmp.path, 'w.txt');
    await writeFile(local, 'w\n');
    await fails(cli.main(['put', 'tagged@v1:/w.txt', local]), 5, /^strata: "v1" is already a tag of repo "tagged": tags are immutable/);
    await fails(cli.main(['commit', 'start', 'tagged@v1']), 5, /^strata: "v1" is already a tag of repo "tagged"/);
    expect((await sdk.inspectTag('tagged@v1')).commit).toBe(first);
    expect((await sdk.listBranches('tagged')).map((b) => b.name).sort()).toEqual(['from-tag', 'main']);
  });

  it('a write to repo@tag is refused before any byte moves (put of 24 MiB, put -r): a few KiB on the wire, the store does not grow', async () => {
    const storeBytes = async (): Promise<number> => Number(/^strata_store_bytes (\d+)$/m.exec(await (await fetch(`${server.httpUrl}/metrics`)).text())![1]);
    const big = join(tmp.path, 'big.bin');
    await writeFile(big, randomBytes(24 << 20));
    const dir = join(tmp.path, 'tree');
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < 20; i++) await writeFile(join(dir, `f${i}.txt`), randomBytes(100_000));
    const before = await storeBytes();
    // Through a relay that counts every byte each way: what a network would carry.
    const wire = await startWireCounter(server.grpcAddress);
    const viaRelay = createCli(wire.address, join(tmp.path, 'config.json'));
    try {
      const refused = /^strata: "v1" is already a tag of repo "tagged": tags are immutable; write to a branch \(strata branch create REPO@BRANCH --from REPO@TAG\)\n$/;
      await fails(viaRelay.main(['put', 'tagged@v1:/big.bin', big]), 5, refused);
      await fails(viaRelay.main(['put', '-r', 'tagged@v1:/tree', dir]), 5, refused);
      expect(wire.bytes().up).toBeLessThan(16 << 10); // connection set-up and the headers: no file bytes (2 MiB in 20 files, 24 MiB in one)
    } finally {
      await wire.close();
    }
    expect(await storeBytes()).toBe(before);
    expect((await sdk.inspectTag('tagged@v1')).commit).toBe(first);
  });

  it('refuses bad input with a clear line: open commits, tagged commits, bad names', async () => {
    const open = ok(await cli.main(['commit', 'start', 'tagged@main', '-q'])).out.trim();
    await fails(cli.main(['tag', 'create', 'tagged@wip', `tagged@${open}`]), 6, `commit ${open} of repo "tagged" is open; only a finished commit can be tagged`);
    ok(await cli.main(['commit', 'drop', `tagged@${open}`]));
    ok(await cli.main(['tag', 'create', 'tagged@head', 'tagged@main']));
    await fails(cli.main(['commit', 'drop', 'tagged@main']), 6, `commit ${second} of repo "tagged" has tag head; delete the tag before you drop it`);
    await fails(cli.main(['commit', 'squash', 'tagged@v1']), 6, `commit ${first} of repo "tagged" has tag v1; delete the tag before you squash it`);
    await fails(cli.main(['tag', 'create', 'tagged@v3', 'other@main']), 2, 'tag tagged@v3 cannot name a commit of repo "other"');
    await fails(cli.main(['tag', 'create', 'tagged@bad name']), 2, /^strata: invalid tag "tagged@bad name"|^strata: invalid ref/);
    await fails(cli.main(['tag', 'create', 'tagged@v9', 'tagged@main^9']), 4, /names no commit/);
    expect((await sdk.listTags('tagged')).map((t) => t.name)).toEqual(['head', 'v1']);
  });
});

describe('tags and repo delete', () => {
  it('a deleted repo takes its tags with it: a new repo of that name starts without them', async () => {
    ok(await cli.main(['repo', 'create', 'gone']));
    await put('gone@main:/a.txt', 'a\n');
    ok(await cli.main(['tag', 'create', 'gone@v1']));
    ok(await cli.main(['repo', 'delete', 'gone']));
    await fails(cli.main(['tag', 'list', 'gone']), 4, 'repo "gone" not found');
    ok(await cli.main(['repo', 'create', 'gone']));
    expect(await sdk.listTags('gone')).toEqual([]);
    await fails(cli.main(['get', 'gone@v1:/a.txt']), 4, /^strata: .*"v1".*\n$/);
    // The name is free again for a branch.
    ok(await cli.main(['branch', 'create', 'gone@v1']));
  });
});

describe('strata branch reset', () => {
  let c1: string;
  let c2: string;
  let c3: string;

  beforeAll(async () => {
    ok(await cli.main(['repo', 'create', 'resets']));
    c1 = await put('resets@main:/a.txt', '1\n');
    c2 = await put('resets@main:/a.txt', '2\n');
    c3 = await put('resets@main:/a.txt', '3\n');
  });

  it('moves the head back; the old head stays reachable by id; resetting forward undoes it', async () => {
    const r = ok(await cli.run(['branch', 'reset', 'resets@main', 'resets@main^2']));
    expect(r.out).toBe(`moved resets@main from ${c3} to ${c1}; undo: strata branch reset resets@main resets@${c3}\n`);
    expect(ok(await cli.main(['get', 'resets@main:/a.txt'])).out).toBe('1\n');
    expect(ok(await cli.main(['get', `resets@${c3}:/a.txt`])).out).toBe('3\n');
    const doc = JSON.parse(ok(await cli.main(['branch', 'reset', 'resets@main', `resets@${c3.slice(0, 8)}`, '--json'])).out);
    expect(doc).toEqual({ branch: await sdk.inspectBranch('resets@main'), previousHead: c1 });
    expect(doc.branch.head).toBe(c3);
    expect(jsonLines(ok(await cli.main(['log', 'resets@main', '--json'])).out).map((c) => c.id)).toEqual([c3, c2, c1]);
  });

  it('--expect-head is compare-and-set: a moved head is refused with the actual head, and nothing changes', async () => {
    await fails(
      cli.main(['branch', 'reset', 'resets@main', 'resets@main^', '--expect-head', c1]),
      6,
      `branch resets@main is at ${c3}, not ${c1}: it moved; check the new head and try again`,
    );
    expect((await sdk.inspectBranch('resets@main')).head).toBe(c3);
    ok(await cli.main(['branch', 'reset', 'resets@main', 'resets@main^', '--expect-head', c3]));
    expect((await sdk.inspectBranch('resets@main')).head).toBe(c2);
    await fails(cli.main(['branch', 'reset', 'resets@main', 'resets@main', '--expect-head', 'abc']), 2, /^strata: expected_head: invalid commit id "abc"/);
  });

  it('clear errors: missing branch, other repo, bad ref, open head', async () => {
    await fails(cli.main(['branch', 'reset', 'resets@nope', 'resets@main']), 4, 'branch "nope" not found in repo "resets"');
    ok(await cli.main(['repo', 'create', 'resets2']));
    await fails(cli.main(['branch', 'reset', 'resets@main', 'resets2@main']), 2, 'branch resets@main cannot be reset to a commit of repo "resets2"');
    await fails(cli.main(['branch', 'reset', 'resets@main^', 'resets@main']), 2, /^strata: invalid branch "resets@main\^"/);
    await fails(cli.main(['branch', 'reset', 'resets@main', 'resets@main^9']), 4, /names no commit/);
    const open = ok(await cli.main(['commit', 'start', 'resets@main', '-q'])).out.trim();
    await fails(cli.main(['branch', 'reset', 'resets@main', `resets@${c1}`]), 6, `branch resets@main has open commit ${open}; finish or drop it before a reset`);
    expect((await sdk.inspectBranch('resets@main')).head).toBe(open);
  });
});
