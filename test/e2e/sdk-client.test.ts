// The SDK against the real server process: every method's round trip, and
// errors arriving as the same StrataError (code, kind, data) the server threw.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, StrataError, type CommitInfo, type StrataClient } from '../../client/sdk/index.ts';
import { collect, seededBytes, sha256 } from '../helpers/bytes.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let server: TestServer;
let client: StrataClient;
let tmp: TempDir;

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-sdk')]);
  client = createClient({ address: server.grpcAddress });
});

afterAll(async () => {
  client?.close();
  await server?.cleanup();
  await tmp?.remove();
});

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function failure(p: Promise<unknown> | (() => unknown)): Promise<StrataError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(StrataError);
    return err as StrataError;
  }
  throw new Error('expected a failure');
}

const text = (s: string) => Buffer.from(s);
// Deep equality of multi-MiB buffers is slow in vitest; compare digests (and lengths).
const digest = (b: Uint8Array) => `${b.length}:${sha256(b).toString('hex')}`;

async function tarNames(archive: Readable): Promise<string[]> {
  const names: string[] = [];
  const extract = tar.extract();
  const feeding = pipeline(archive, extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    names.push(entry.header.name);
    entry.resume();
  }
  await feeding;
  return names;
}

describe('repos and branches', () => {
  it('creates, inspects, lists and deletes repos', async () => {
    const repo = await client.createRepo('sdk-repos', { description: 'for tests' });
    expect(repo).toMatchObject({ name: 'sdk-repos', description: 'for tests', branches: [], sizeBytes: 0 });
    expect(await client.inspectRepo('sdk-repos')).toEqual(repo);
    expect((await client.listRepos()).map((r) => r.name)).toContain('sdk-repos');
    await client.deleteRepo('sdk-repos');
    const err = await failure(client.inspectRepo('sdk-repos'));
    expect(err).toMatchObject({ code: 'REPO_NOT_FOUND', kind: 'NotFound', data: { repo: 'sdk-repos' } });
    expect(err.message).toBe('repo "sdk-repos" not found');
  });

  it('creates branches from refs, lists, inspects and deletes them', async () => {
    await client.createRepo('sdk-branches');
    const first = await client.put('sdk-branches@main:/a', text('1'));
    await client.put('sdk-branches@main:/a', text('2'));
    const dev = await client.createBranch('sdk-branches@dev', { from: 'sdk-branches@main^' });
    expect(dev).toMatchObject({ repo: 'sdk-branches', name: 'dev', head: first.commit.id, provenance: [] });
    expect((await client.listBranches('sdk-branches')).map((b) => b.name).sort()).toEqual(['dev', 'main']);
    expect((await client.inspectBranch('sdk-branches@dev')).head).toBe(first.commit.id);
    const empty = await client.createBranch('sdk-branches@empty');
    expect(empty.head).toBeUndefined();
    await client.deleteBranch('sdk-branches@dev');
    expect(await failure(client.inspectBranch('sdk-branches@dev'))).toMatchObject({ code: 'BRANCH_NOT_FOUND', kind: 'NotFound' });
    expect(await failure(client.createRepo('sdk-branches'))).toMatchObject({ code: 'REPO_EXISTS', kind: 'AlreadyExists' });
  });
});

describe('commits', () => {
  let opened: CommitInfo;

  it('starts a commit with provenance and metadata, writes into it, finishes it', async () => {
    await client.createRepo('sdk-commits');
    const base = await client.put('sdk-commits@main:/base.txt', text('base'));
    opened = await client.startCommit('sdk-commits@main', { description: 'batch', metadata: { source: 'camera' }, provenance: ['sdk-commits@main'] });
    expect(opened).toMatchObject({ state: 'open', origin: 'user', description: 'batch', metadata: { source: 'camera' }, parent: base.commit.id });
    expect(opened.provenance).toEqual([{ repo: 'sdk-commits', id: base.commit.id }]);
    const staged = await client.put(`sdk-commits@${opened.id}:/in-open.txt`, text('staged'));
    expect(staged.commit).toMatchObject({ id: opened.id, state: 'open' });
    const waiting = client.waitCommit(`sdk-commits@${opened.id}`);
    const done = await client.finishCommit(`sdk-commits@${opened.id}`, { description: 'batch 7' });
    expect(done).toMatchObject({ id: opened.id, state: 'finished', description: 'batch 7', fileCount: 2 });
    expect((await waiting).state).toBe('finished');
    expect((await client.inspectCommit('sdk-commits@main')).id).toBe(opened.id);
    expect(await client.subvenance(`sdk-commits@${base.commit.id}`)).toEqual([{ repo: 'sdk-commits', id: opened.id }]);
  });

  it('logs newest first, with limit and to', async () => {
    await client.put('sdk-commits@main:/c.txt', text('c'));
    const log = await all(client.log('sdk-commits@main'));
    expect(log).toHaveLength(3);
    expect(log[1]!.id).toBe(opened.id);
    expect(log[0]!.parent).toBe(opened.id);
    expect((await all(client.log('sdk-commits@main', { limit: 1 }))).map((c) => c.id)).toEqual([log[0]!.id]);
    expect((await all(client.log('sdk-commits@main', { to: `sdk-commits@${opened.id}` }))).map((c) => c.id)).toEqual([log[0]!.id, opened.id]);
  });

  it('subscribes to commits as they finish', async () => {
    const stop = new AbortController();
    const seen: CommitInfo[] = [];
    const sub = (async () => {
      for await (const c of client.subscribe('sdk-commits@main', { signal: stop.signal })) {
        seen.push(c);
        if (seen.length === 2) break;
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    const a = await client.put('sdk-commits@main:/s1', text('1'));
    const b = await client.put('sdk-commits@main:/s2', text('2'));
    await sub;
    expect(seen.map((c) => c.id)).toEqual([a.commit.id, b.commit.id]);
  });

  it('squashes and drops commits', async () => {
    const before = await all(client.log('sdk-commits@main'));
    await client.squashCommit('sdk-commits@main^');
    const after = await all(client.log('sdk-commits@main'));
    expect(after).toHaveLength(before.length - 1);
    expect((await collect(client.get('sdk-commits@main:/s1'))).toString()).toBe('1');
    await client.dropCommit('sdk-commits@main');
    expect((await client.inspectCommit('sdk-commits@main')).id).toBe(after[1]!.id);
    expect(await failure(client.inspectFile('sdk-commits@main:/s2'))).toMatchObject({ code: 'FILE_NOT_FOUND', kind: 'NotFound' });
  });

  it('waits with a deadline', async () => {
    const open = await client.startCommit('sdk-commits@main');
    const err = await failure(client.waitCommit(`sdk-commits@${open.id}`, { deadlineMs: 300 }));
    expect(err).toMatchObject({ code: 'DEADLINE_EXCEEDED', kind: 'Unavailable' });
    await client.finishCommit(`sdk-commits@${open.id}`);
  });
});

describe('files', () => {
  const big = seededBytes('sdk-files', 3 << 20);

  it('puts from a Buffer, a Readable, a local path and an async iterable', async () => {
    await client.createRepo('sdk-files');
    const local = join(tmp.path, 'local.bin');
    await writeFile(local, big);
    await client.put('sdk-files@main:/buffer.bin', big);
    await client.put('sdk-files@main:/readable.txt', Readable.from([text('hello '), text('world')]));
    await client.put('sdk-files@main:/path.bin', local);
    await client.put('sdk-files@main:/iter.txt', (async function* () {
      yield text('a');
      yield text('b');
    })());
    await client.put('sdk-files@main:/raw.bin', local, { dedup: false });
    for (const p of ['/buffer.bin', '/path.bin', '/raw.bin']) expect(digest(await collect(client.get(`sdk-files@main:${p}`)))).toBe(digest(big));
    expect((await collect(client.get('sdk-files@main:/readable.txt'))).toString()).toBe('hello world');
    expect((await collect(client.get('sdk-files@main:/iter.txt'))).toString()).toBe('ab');
  });

  it('appends, with and without dedup', async () => {
    await client.put('sdk-files@main:/log.txt', text('one\n'));
    await client.put('sdk-files@main:/log.txt', text('two\n'), { append: true });
    await client.put('sdk-files@main:/log.txt', text('three\n'), { append: true, dedup: false });
    expect((await collect(client.get('sdk-files@main:/log.txt'))).toString()).toBe('one\ntwo\nthree\n');
  });

  it('gets ranges, to a file, and as a tar', async () => {
    expect(digest(await collect(client.get('sdk-files@main:/buffer.bin', { offset: 1_000_000, length: 1234 })))).toBe(digest(big.subarray(1_000_000, 1_001_234)));
    expect(await collect(client.get('sdk-files@main:/buffer.bin', { offset: big.length - 10 }))).toEqual(big.subarray(big.length - 10));
    const out = join(tmp.path, 'got.bin');
    expect(await client.getTo('sdk-files@main:/buffer.bin', out)).toEqual({ bytes: big.length });
    expect(digest(await readFile(out))).toBe(digest(big));
    expect(await tarNames(client.getTar('sdk-files@main', { glob: '/*.txt' }))).toEqual(['iter.txt', 'log.txt', 'readable.txt']);
    expect(await tarNames(client.getTar('sdk-files@main:/log.txt'))).toEqual(['log.txt']);
  });

  it('a get that fails errors its Readable with the StrataError', async () => {
    const err = await failure(collect(client.get('sdk-files@main:/nope')));
    expect(err).toMatchObject({ code: 'FILE_NOT_FOUND', kind: 'NotFound' });
  });

  it('inspects, lists, walks, globs and diffs', async () => {
    await client.modify('sdk-files@main', async (m) => {
      await m.put('/dir/a.csv', text('a'));
      await m.put('/dir/sub/b.csv', text('b'));
    });
    const info = await client.inspectFile('sdk-files@main:/buffer.bin', { includeChunks: true });
    expect(info).toMatchObject({ path: '/buffer.bin', type: 'file', sizeBytes: big.length });
    expect(info.chunks!.reduce((n, c) => n + c.size, 0)).toBe(big.length);
    expect((await all(client.list('sdk-files@main:/dir'))).map((f) => [f.path, f.type])).toEqual([['/dir/a.csv', 'file'], ['/dir/sub', 'dir']]);
    expect((await all(client.list('sdk-files@main:/dir', { limit: 1 }))).map((f) => f.path)).toEqual(['/dir/a.csv']);
    expect((await all(client.walk('sdk-files@main:/dir'))).map((f) => f.path)).toEqual(['/dir/a.csv', '/dir/sub/b.csv']);
    expect((await all(client.glob('sdk-files@main', '/**/*.csv'))).map((f) => f.path)).toEqual(['/dir/a.csv', '/dir/sub/b.csv']);
    const diff = await all(client.diff('sdk-files@main', 'sdk-files@main^'));
    expect(diff.map((d) => [d.type, d.path])).toEqual([['added', '/dir/a.csv'], ['added', '/dir/sub/b.csv']]);
    expect(diff[0]).toMatchObject({ newSizeBytes: 1 });
  });

  it('modify puts, deletes and copies in one commit', async () => {
    const before = await client.inspectCommit('sdk-files@main');
    const { commit, stats } = await client.modify('sdk-files@main', async (m) => {
      await m.put('/new.txt', text('new'));
      await m.delete('/dir/');
      await m.copy('sdk-files@main:/log.txt', '/copy.txt');
    });
    expect(commit.parent).toBe(before.id);
    expect(stats.files).toBe(1);
    const diff = await all(client.diff('sdk-files@main'));
    expect(diff.map((d) => `${d.type} ${d.path}`)).toEqual(['added /copy.txt', 'deleted /dir/a.csv', 'deleted /dir/sub/b.csv', 'added /new.txt']);
    await client.deleteFile('sdk-files@main:/copy.txt');
    await client.copyFile('sdk-files@main^:/copy.txt', 'sdk-files@main:/copy2.txt');
    expect((await collect(client.get('sdk-files@main:/copy2.txt'))).toString()).toBe('one\ntwo\nthree\n');
  });

  it('a session that throws commits nothing', async () => {
    const head = await client.inspectCommit('sdk-files@main');
    const err = await client
      .modify('sdk-files@main', async (m) => {
        await m.put('/half.txt', text('x'));
        throw new Error('changed my mind');
      })
      .then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toBe('changed my mind');
    expect((await client.inspectCommit('sdk-files@main')).id).toBe(head.id);
  });

  it('a failed operation fails the session with the server error, and nothing is committed', async () => {
    const head = await client.inspectCommit('sdk-files@main');
    const err = await failure(
      client.modify('sdk-files@main', async (m) => {
        await m.put('/ok.txt', text('x'));
        await m.delete('/does/not/exist');
      }),
    );
    expect(err).toMatchObject({ code: 'FILE_NOT_FOUND', kind: 'NotFound' });
    expect((await client.inspectCommit('sdk-files@main')).id).toBe(head.id);
  });
});

describe('errors', () => {
  it('rejects malformed refs and paths before calling, with the parser codes', async () => {
    expect(await failure(() => client.put('sdk-files@main:/../x', text('x')))).toMatchObject({ code: 'INVALID_PATH', kind: 'InvalidArgument' });
    expect(await failure(() => client.inspectFile('sdk-files@main'))).toMatchObject({ code: 'INVALID_REF' });
    expect(await failure(() => client.inspectCommit('bad repo@main'))).toMatchObject({ code: 'INVALID_REPO_NAME' });
    expect(await failure(() => client.put('sdk-files@main^:/x', text('x')))).toMatchObject({ code: 'INVALID_REF' });
    expect(await failure(() => client.list('sdk-files@:/'))).toMatchObject({ code: 'INVALID_REF' });
  });

  it('carries the server codes for what only the server knows', async () => {
    expect(await failure(client.inspectCommit('sdk-files@0123456789abcdef0123456789abcdef'))).toMatchObject({ code: 'COMMIT_NOT_FOUND', kind: 'NotFound' });
    // Hex of the wrong length is a branch name, not a commit id.
    expect(await failure(client.inspectCommit('sdk-files@0123456789abcdef0123456789abcde'))).toMatchObject({ code: 'BRANCH_NOT_FOUND' });
    expect(await failure(client.inspectFile('sdk-files@main:/buffer.bin/x'))).toMatchObject({ kind: 'NotFound' });
    expect(await failure(all(client.glob('sdk-files@main', '')))).toMatchObject({ code: 'INVALID_GLOB', kind: 'InvalidArgument' });
    expect(await failure(client.dropCommit('nope@main'))).toMatchObject({ code: 'REPO_NOT_FOUND' });
  });

  it('fsck and gc', async () => {
    const report = await client.fsck({ verifyData: true });
    expect(report.problems).toEqual([]);
    expect(report.data?.problems).toEqual([]);
    expect(report.commits).toBeGreaterThan(5);
    const gc = await client.gc();
    expect(gc.liveChunks).toBeGreaterThan(0);
  });
});
