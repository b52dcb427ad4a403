// The gRPC API end to end: the real server process, a raw client built from
// proto/, and every RPC's round trip (repos, branches, commits, files,
// chunk upload, tar, admin).
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientStream, modify, pfsClient, serverStream, startServer, streamBytes, unary, type RawClient, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let client: RawClient;

beforeAll(async () => {
  server = await startServer();
  client = pfsClient(server.grpcAddress);
});

afterAll(async () => {
  client?.close();
  await server?.cleanup();
});

const header = (target: string) => ({ header: { target } });
const putFile = (path: string, opts: { append?: boolean; sizeBytes?: number } = {}) => ({ putFile: { path, ...opts } });
const data = (bytes: Buffer | string) => ({ data: Buffer.from(bytes) });

/** A put of `bytes` as data messages of at most `size` bytes. */
function* put(path: string, bytes: Buffer, size = 1 << 20, opts: { append?: boolean } = {}) {
  yield putFile(path, { ...opts, sizeBytes: bytes.length });
  for (let at = 0; at < bytes.length; at += size) yield data(bytes.subarray(at, at + size));
}

async function untar(archive: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  Readable.from([archive]).pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    const parts: Buffer[] = [];
    for await (const b of entry) parts.push(b as Buffer);
    files.set(entry.header.name, Buffer.concat(parts));
  }
  return files;
}

const cat = randomBytes(300_000);
let first: { id: string };
let second: { id: string };

describe('repos', () => {
  it('creates, inspects and lists a repo', async () => {
    const created = await unary(client, 'CreateRepo', { name: 'images', description: 'pictures' });
    expect(created).toMatchObject({ name: 'images', description: 'pictures', sizeBytes: 0, branches: [] });
    expect(created.createdAtMs).toBeGreaterThan(0);
    expect(await unary(client, 'InspectRepo', { name: 'images' })).toMatchObject({ name: 'images' });
    const { repos } = await unary(client, 'ListRepo', {});
    expect(repos.map((r: { name: string }) => r.name)).toContain('images');
  });
});

describe('files in one-off commits', () => {
  it('ModifyFile puts several files in one commit', async () => {
    const info = await modify(client, [
      header('images@main'),
      ...put('/cats/1.png', cat, 64 << 10),
      putFile('cats/2.txt'),
      data('hel'),
      data('lo'),
      ...put('/dogs/a.txt', Buffer.from('woof')),
    ]);
    expect(info).toMatchObject({ repo: 'images', branch: 'main', state: 'COMMIT_STATE_FINISHED', origin: 'COMMIT_ORIGIN_AUTO', fileCount: 3 });
    expect(info.sizeBytes).toBe(cat.length + 5 + 4);
    expect(info.parent).toBeUndefined();
    expect(info.finishedAtMs).toBeGreaterThanOrEqual(info.startedAtMs);
    first = info;
    expect((await unary(client, 'InspectRepo', { name: 'images' })).sizeBytes).toBe(info.sizeBytes);
  });

  it('GetFile streams a file, with offset and length', async () => {
    expect(await streamBytes(client, 'GetFile', { file: 'images@main:/cats/1.png' })).toEqual(cat);
    expect(await streamBytes(client, 'GetFile', { file: 'images@main:/cats/1.png', offset: 100_000, length: 70_000 })).toEqual(cat.subarray(100_000, 170_000));
    expect(await streamBytes(client, 'GetFile', { file: 'images@main:/cats/1.png', offset: 299_990 })).toEqual(cat.subarray(299_990));
    expect(await streamBytes(client, 'GetFile', { file: 'images@main:/cats/1.png', offset: 400_000 })).toEqual(Buffer.alloc(0));
    expect(await streamBytes(client, 'GetFile', { file: 'images@main:/cats/1.png', length: 0 })).toEqual(Buffer.alloc(0));
    expect((await streamBytes(client, 'GetFile', { file: `images@${first.id}:/cats/2.txt` })).toString()).toBe('hello');
  });

  it('InspectFile, with and without chunks', async () => {
    const plain = await unary(client, 'InspectFile', { file: 'images@main:/cats/1.png' });
    expect(plain).toMatchObject({ path: '/cats/1.png', type: 'FILE_TYPE_FILE', sizeBytes: cat.length, commit: first.id, chunks: [] });
    expect(plain.hash).toMatch(/^[0-9a-f]{64}$/);
    const full = await unary(client, 'InspectFile', { file: 'images@main:/cats/1.png', includeChunks: true });
    expect(full.chunks.reduce((n: number, c: { sizeBytes: number }) => n + c.sizeBytes, 0)).toBe(cat.length);
    const dir = await unary(client, 'InspectFile', { file: 'images@main:/cats' });
    expect(dir).toMatchObject({ path: '/cats', type: 'FILE_TYPE_DIR', hash: '' });
  });

  it('ListFile, WalkFile and GlobFile stream entries in path order', async () => {
    const top = await serverStream(client, 'ListFile', { dir: 'images@main:/' });
    expect(top.map((f) => [f.path, f.type])).toEqual([
      ['/cats', 'FILE_TYPE_DIR'],
      ['/dogs', 'FILE_TYPE_DIR'],
    ]);
    expect((await serverStream(client, 'ListFile', { dir: 'images@main' })).length).toBe(2);
    const page = await serverStream(client, 'ListFile', { dir: 'images@main:/cats', limit: 1 });
    expect(page.map((f) => f.path)).toEqual(['/cats/1.png']);
    const next = await serverStream(client, 'ListFile', { dir: 'images@main:/cats', after: '/cats/1.png' });
    expect(next.map((f) => f.path)).toEqual(['/cats/2.txt']);
    const byName = await serverStream(client, 'ListFile', { dir: 'images@main:/', after: 'cats' });
    expect(byName.map((f) => f.path)).toEqual(['/dogs']);
    const walk = await serverStream(client, 'WalkFile', { dir: 'images@main:/' });
    expect(walk.map((f) => f.path)).toEqual(['/cats/1.png', '/cats/2.txt', '/dogs/a.txt']);
    const glob = await serverStream(client, 'GlobFile', { ref: 'images@main', pattern: '/**/*.txt' });
    expect(glob.map((f) => f.path)).toEqual(['/cats/2.txt', '/dogs/a.txt']);
  });

  it('appends, deletes a directory and copies in one commit; DiffFile shows the change', async () => {
    second = await modify(client, [
      header('images@main'),
      putFile('/cats/2.txt', { append: true }),
      data(' world'),
      { deleteFile: { path: '/dogs/' } },
      { copyFile: { src: `images@${first.id}:/dogs/a.txt`, dstPath: '/restored/a.txt' } },
    ]);
    expect(second).toMatchObject({ parent: first.id, fileCount: 3 });
    expect((await streamBytes(client, 'GetFile', { file: 'images@main:/cats/2.txt' })).toString()).toBe('hello world');
    expect((await streamBytes(client, 'GetFile', { file: 'images@main:/restored/a.txt' })).toString()).toBe('woof');
    const diff = await serverStream(client, 'DiffFile', { newRef: 'images@main' });
    expect(diff.map((d) => [d.type, d.path])).toEqual([
      ['DIFF_TYPE_MODIFIED', '/cats/2.txt'],
      ['DIFF_TYPE_DELETED', '/dogs/a.txt'],
      ['DIFF_TYPE_ADDED', '/restored/a.txt'],
    ]);
    const deleted = diff[1];
    expect(deleted.newSizeBytes).toBeUndefined();
    expect(deleted.oldSizeBytes).toBe(4);
    const back = await serverStream(client, 'DiffFile', { newRef: `images@${first.id}`, oldRef: 'images@main' });
    expect(back.map((d) => d.type)).toEqual(['DIFF_TYPE_MODIFIED', 'DIFF_TYPE_ADDED', 'DIFF_TYPE_DELETED']);
  });

  it('streams a 16 MiB file in and out in bounded messages', async () => {
    const big = randomBytes(16 << 20);
    await modify(client, [header('images@big'), ...put('/big.bin', big, 4 << 20)]);
    const msgs = await serverStream<{ data: Buffer }>(client, 'GetFile', { file: 'images@big:/big.bin' });
    expect(Math.max(...msgs.map((m) => m.data.length))).toBeLessThanOrEqual(1 << 20);
    expect(createHash('sha256').update(Buffer.concat(msgs.map((m) => m.data))).digest()).toEqual(createHash('sha256').update(big).digest());
    const mid = await streamBytes(client, 'GetFile', { file: 'images@big:/big.bin', offset: 10_000_001, length: 3_000_000 });
    expect(mid.equals(big.subarray(10_000_001, 13_000_001))).toBe(true); // toEqual walks 3 MB element by element
  });
});

describe('tar', () => {
  it('GetTar of a directory holds its files under their paths', async () => {
    const files = await untar(await streamBytes(client, 'GetTar', { ref: 'images@main:/cats' }));
    expect([...files.keys()]).toEqual(['cats/1.png', 'cats/2.txt']);
    expect(files.get('cats/1.png')).toEqual(cat);
    expect(files.get('cats/2.txt')!.toString()).toBe('hello world');
  });

  it('GetTar of a glob, of the root, and of one file', async () => {
    const txt = await untar(await streamBytes(client, 'GetTar', { ref: 'images@main', glob: '/**/*.txt' }));
    expect([...txt.keys()]).toEqual(['cats/2.txt', 'restored/a.txt']);
    const all = await untar(await streamBytes(client, 'GetTar', { ref: `images@${first.id}` }));
    expect([...all.keys()]).toEqual(['cats/1.png', 'cats/2.txt', 'dogs/a.txt']);
    const one = await untar(await streamBytes(client, 'GetTar', { ref: 'images@main:/restored/a.txt' }));
    expect([...one.entries()].map(([k, v]) => [k, v.toString()])).toEqual([['restored/a.txt', 'woof']]);
  });
});

describe('commits and branches', () => {
  it('ListCommit is the log, newest first, with to and limit', async () => {
    const log = await serverStream(client, 'ListCommit', { ref: 'images@main' });
    expect(log.map((c) => c.id)).toEqual([second.id, first.id]);
    expect((await serverStream(client, 'ListCommit', { ref: 'images@main', limit: 1 })).map((c) => c.id)).toEqual([second.id]);
    expect((await serverStream(client, 'ListCommit', { ref: 'images@main', to: 'images@main' })).map((c) => c.id)).toEqual([second.id]);
    expect((await serverStream(client, 'ListCommit', { ref: 'images@main^' })).map((c) => c.id)).toEqual([first.id]);
    expect((await unary(client, 'InspectCommit', { commit: 'images@main.1' })).id).toBe(first.id);
    expect((await unary(client, 'InspectCommit', { commit: 'images@main' })).children).toEqual([]);
    expect((await unary(client, 'InspectCommit', { commit: `images@${first.id}` })).children).toEqual([second.id]);
  });

  it('StartCommit, writes into the open commit, FinishCommit; provenance and subvenance', async () => {
    const open = await unary(client, 'StartCommit', {
      branch: 'images@dev',
      description: 'work in progress',
      provenance: ['images@main'],
      metadata: { tool: 'e2e' },
    });
    expect(open).toMatchObject({ branch: 'dev', state: 'COMMIT_STATE_OPEN', origin: 'COMMIT_ORIGIN_USER', metadata: { tool: 'e2e' } });
    expect(open.finishedAtMs).toBeUndefined();
    expect(open.provenance).toEqual([{ repo: 'images', id: second.id }]);
    const staged = await modify(client, [header(`images@${open.id}`), ...put('/x.txt', Buffer.from('x'))]);
    expect(staged).toMatchObject({ id: open.id, state: 'COMMIT_STATE_OPEN' });
    // A write to the branch also goes to its open (user) commit.
    await modify(client, [header('images@dev'), ...put('/y.txt', Buffer.from('y'))]);
    const done = await unary(client, 'FinishCommit', { commit: 'images@dev', description: 'done' });
    expect(done).toMatchObject({ id: open.id, state: 'COMMIT_STATE_FINISHED', description: 'done', fileCount: 2 });
    const { commits } = await unary(client, 'ListSubvenance', { commit: 'images@main' });
    expect(commits).toEqual([{ repo: 'images', id: open.id }]);
  });

  it('CreateBranch from a ref and with provenance; Inspect, List, Delete', async () => {
    const b = await unary(client, 'CreateBranch', { branch: 'images@old', from: 'images@main^' });
    expect(b).toMatchObject({ repo: 'images', name: 'old', head: first.id, provenance: [] });
    const empty = await unary(client, 'CreateBranch', { branch: 'images@derived', provenance: ['images@main'] });
    expect(empty.head).toBeUndefined();
    expect(empty.provenance).toEqual([{ repo: 'images', name: 'main' }]);
    expect(await unary(client, 'InspectBranch', { branch: 'images@old' })).toMatchObject({ head: first.id });
    const { branches } = await unary(client, 'ListBranch', { repo: 'images' });
    expect(branches.map((x: { name: string }) => x.name).sort()).toEqual(['big', 'derived', 'dev', 'main', 'old']);
    await unary(client, 'DeleteBranch', { branch: 'images@old' });
    await unary(client, 'DeleteBranch', { branch: 'images@derived' });
    expect((await unary(client, 'ListBranch', { repo: 'images' })).branches).toHaveLength(3);
  });

  it('WaitCommit resolves when the commit finishes', async () => {
    const open = await unary(client, 'StartCommit', { branch: 'images@waiting' });
    const waited = unary(client, 'WaitCommit', { commit: `images@${open.id}` });
    await new Promise((r) => setTimeout(r, 100));
    await unary(client, 'FinishCommit', { commit: 'images@waiting' });
    expect(await waited).toMatchObject({ id: open.id, state: 'COMMIT_STATE_FINISHED' });
  });

  it('SubscribeCommit streams commits as they finish', async () => {
    const call = client.SubscribeCommit({ branch: 'images@sub' });
    const seen: string[] = [];
    const got = new Promise<void>((resolve) =>
      call.on('data', (c: { id: string }) => {
        seen.push(c.id);
        if (seen.length === 2) resolve();
      }),
    );
    call.on('error', () => undefined); // the cancel below
    await new Promise((r) => setTimeout(r, 200));
    const a = await modify(client, [header('images@sub'), ...put('/a', Buffer.from('a'))]);
    const b = await modify(client, [header('images@sub'), ...put('/b', Buffer.from('b'))]);
    await got;
    call.cancel();
    expect(seen).toEqual([a.id, b.id]);
  });

  it('DropCommit and SquashCommit rewrite history', async () => {
    const ids = [];
    for (const name of ['1', '2', '3']) ids.push((await modify(client, [header('images@hist'), ...put(`/${name}`, Buffer.from(name))])).id);
    await unary(client, 'DropCommit', { commit: 'images@hist' });
    expect((await unary(client, 'InspectBranch', { branch: 'images@hist' })).head).toBe(ids[1]);
    await unary(client, 'SquashCommit', { commit: 'images@hist^' });
    const log = await serverStream(client, 'ListCommit', { ref: 'images@hist' });
    expect(log.map((c) => c.id)).toEqual([ids[1]]);
    expect((await serverStream(client, 'WalkFile', { dir: 'images@hist:/' })).map((f) => f.path)).toEqual(['/1', '/2']);
  });
});

describe('chunk upload', () => {
  it('MissingChunks, UploadChunks, then put_chunks names the file', async () => {
    const bytes = randomBytes(200_000);
    const pieces = [bytes.subarray(0, 70_000), bytes.subarray(70_000)];
    const chunks = pieces.map((p) => ({ hash: createHash('sha256').update(p).digest('hex'), data: p }));
    const hashes = chunks.map((c) => c.hash);
    expect((await unary(client, 'MissingChunks', { hashes })).missing).toEqual(hashes);
    const up = await clientStream(client, 'UploadChunks', [{ chunks: [chunks[0]] }, { chunks: [chunks[1], chunks[0]] }]);
    expect(up).toEqual({ chunks: 3, newChunks: 2, newBytes: bytes.length });
    expect((await unary(client, 'MissingChunks', { hashes })).missing).toEqual([]);
    const refs = chunks.map((c) => ({ hash: c.hash, sizeBytes: c.data.length }));
    await modify(client, [header('images@up'), { putChunks: { path: '/up.bin', chunks: refs } }, { putChunks: { path: '/up.bin', chunks: refs.slice(0, 1), append: true } }]);
    expect(await streamBytes(client, 'GetFile', { file: 'images@up:/up.bin' })).toEqual(Buffer.concat([bytes, pieces[0]!]));
  });

  it('put_chunks_batch stages each of its files in order, as separate put_chunks would', async () => {
    const pieces = [randomBytes(3_000), randomBytes(5_000), randomBytes(7_000)];
    const chunks = pieces.map((p) => ({ hash: createHash('sha256').update(p).digest('hex'), data: p }));
    const ref = (i: number) => ({ hash: chunks[i]!.hash, sizeBytes: pieces[i]!.length });
    const files = [
      { path: '/batch/a', chunks: [ref(0)] },
      { path: '/batch/b', chunks: [ref(1), ref(2)] },
      { path: '/batch/a', chunks: [ref(2)], append: true },
      { path: '/batch/c', chunks: [] },
    ];
    await modify(client, [header('images@batch'), { chunks: { chunks } }, { putChunksBatch: { files } }]);
    expect(await streamBytes(client, 'GetFile', { file: 'images@batch:/batch/a' })).toEqual(Buffer.concat([pieces[0]!, pieces[2]!]));
    expect(await streamBytes(client, 'GetFile', { file: 'images@batch:/batch/b' })).toEqual(Buffer.concat([pieces[1]!, pieces[2]!]));
    expect(await streamBytes(client, 'GetFile', { file: 'images@batch:/batch/c' })).toEqual(Buffer.alloc(0));
  });
});

describe('administration and clean-up', () => {
  it('Fsck finds no problems', async () => {
    const report = await unary(client, 'Fsck', { verifyData: true });
    expect(report.problems).toEqual([]);
    expect(report.commits).toBeGreaterThan(5);
    expect(report.data.problems).toEqual([]);
    expect((await unary(client, 'Fsck', {})).data).toBeUndefined();
  });

  it('GarbageCollect reports what it swept', async () => {
    const report = await unary(client, 'GarbageCollect', { graceMs: 0 });
    expect(report.commits).toBeGreaterThan(5);
    expect(report.liveChunks).toBeGreaterThan(0);
    expect(await streamBytes(client, 'GetFile', { file: 'images@main:/cats/1.png' })).toEqual(cat);
  });

  it('DeleteRepo removes the repo', async () => {
    await unary(client, 'CreateRepo', { name: 'scratch' });
    await unary(client, 'DeleteRepo', { name: 'scratch' });
    const { repos } = await unary(client, 'ListRepo', {});
    expect(repos.map((r: { name: string }) => r.name)).not.toContain('scratch');
  });
});
