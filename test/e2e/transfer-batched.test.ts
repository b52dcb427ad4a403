// The batched data path end to end, against the real server process:
// put -r of many files (empty ones, nested directories, multi-chunk and
// duplicate files) on one stream, read back by chunk; the files cache of
// put -r (an unchanged file is not read, a touched one is, a file changed on
// the server since is put again, an unchanged tree makes no commit, even
// when some of its files had to be read); and
// GetChunks' errors (an unknown chunk is NOT_FOUND, a corrupt one DATA_LOSS,
// never wrong bytes).
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ChunkRef } from '../../client/sdk/index.ts';
import { createCli, type Cli, type CliResult } from '../helpers/cli.ts';
import { pfsClient, serverStream, startServer, unary, type CallError, type RawClient, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const sh = promisify(execFile);
let server: TestServer;
let tmp: TempDir;
let cli: Cli;
let raw: RawClient;

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-transfer')]);
  cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
  raw = pfsClient(server.grpcAddress);
  expect((await cli.main(['repo', 'create', 'data'])).code).toBe(0);
});

afterAll(async () => {
  raw?.close();
  await server?.cleanup();
  await tmp?.remove();
});

function ok(r: CliResult): CliResult {
  expect(r.stderr, 'stderr of a command that should succeed').toBe('');
  expect(r.code).toBe(0);
  return r;
}

interface PutJson {
  committed: boolean;
  commit: { id: string; parent?: string };
  stats: { files: number; bytes: number; sentBytes: number; skippedFiles: number; skippedBytes: number };
}

async function putTree(dest: string, dir: string, ...flags: string[]): Promise<PutJson> {
  return JSON.parse(ok(await cli.run(['put', '-r', ...flags, dest, dir, '--json'])).out) as PutJson;
}

async function headOf(branch = 'data@main'): Promise<string> {
  return (await unary(raw, 'InspectBranch', { branch })).head as string;
}

const digest = (b: Uint8Array): string => `${b.length}:${createHash('sha256').update(b).digest('hex')}`;

async function treeDigests(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(relative(dir, join(e.parentPath, e.name)), digest(await readFile(join(e.parentPath, e.name))));
  }
  return out;
}

/** Sets a file's mtime (and so its ctime) to `secondsAgo` in the past: old enough for the files cache to trust. */
async function age(path: string, secondsAgo: number): Promise<void> {
  const t = Date.now() / 1000 - secondsAgo;
  await utimes(path, t, t);
}

// CLI processes start slowly on a loaded machine; nothing here is timed.
describe('put -r on one stream', { timeout: 300_000 }, () => {
  it('puts many files (empty, nested, multi-chunk, duplicates) and get -o DIR reads back the same bytes', async () => {
    const src = join(tmp.path, 'many');
    const shared = randomBytes(3000);
    const expected = new Map<string, string>();
    for (let i = 0; i < 400; i++) {
      const rel = join(`d${i % 5}`, i % 3 === 0 ? join('deep', `e${i % 7}`) : '', `f${i}.bin`);
      const bytes = i % 40 === 0 ? Buffer.alloc(0) : i % 25 === 0 ? shared : i % 97 === 0 ? randomBytes(700_000) : randomBytes(1 + ((i * 131) % 9000));
      await mkdir(join(src, rel, '..'), { recursive: true });
      await writeFile(join(src, rel), bytes);
      expected.set(rel, digest(bytes));
    }
    const put = await putTree('data@main:/many', src, '--no-cache');
    expect(put.stats).toMatchObject({ files: 400, skippedFiles: 0 });
    const listed = (await serverStream(raw, 'WalkFile', { dir: 'data@main:/many' })).map((f) => f.path);
    expect(listed).toHaveLength(400);
    expect(listed.filter((p) => p.endsWith('f0.bin') || p.endsWith('f40.bin'))).toEqual(['/many/d0/deep/e0/f0.bin', '/many/d0/f40.bin']);
    const back = join(tmp.path, 'many-back');
    ok(await cli.run(['get', 'data@main:/many', '-o', back]));
    expect(await treeDigests(back)).toEqual(expected);
    // A multi-chunk file read alone goes by chunk (GetChunks) and arrives whole.
    const big = [...expected.keys()].find((k) => k.endsWith('f97.bin'))!;
    const one = join(tmp.path, 'f97.bin');
    ok(await cli.run(['get', `data@main:/many/${big}`, '-o', one]));
    expect(digest(await readFile(one))).toBe(expected.get(big));
    const range = ok(await cli.run(['get', `data@main:/many/${big}`, '--offset', '300000', '--length', '200000'])).stdout;
    expect(range.equals((await readFile(join(src, big))).subarray(300_000, 500_000))).toBe(true);
  });
});

describe('the files cache of put -r', { timeout: 300_000 }, () => {
  let src: string;

  beforeAll(async () => {
    src = join(tmp.path, 'cached');
    for (let i = 0; i < 30; i++) {
      const rel = join(i % 2 ? 'x/y' : '', `f${i}.txt`);
      await mkdir(join(src, rel, '..'), { recursive: true });
      await writeFile(join(src, rel), i === 0 ? '' : `file ${i} ${'z'.repeat(i * 100)}\n`);
      await age(join(src, rel), 3600);
    }
  });

  it('skips unchanged files and makes no commit when nothing changed', async () => {
    const first = await putTree('data@main:/c', src);
    expect(first.stats).toMatchObject({ files: 30, skippedFiles: 0 });
    const head = await headOf();
    expect(first.commit.id).toBe(head);
    const again = await putTree('data@main:/c', src);
    expect(again.stats).toMatchObject({ files: 0, bytes: 0, sentBytes: 0, skippedFiles: 30 });
    expect(again.commit.id).toBe(head);
    expect(await headOf()).toBe(head);
  });

  it('reads a file whose content and mtime changed, and only that one', async () => {
    const path = join(src, 'x/y/f5.txt');
    const before = await readFile(path);
    const changed = Buffer.from(before.toString().toUpperCase()); // same size: only the stat's mtime tells
    await writeFile(path, changed);
    await age(path, 1800);
    const r = await putTree('data@main:/c', src);
    expect(r.stats).toMatchObject({ files: 1, bytes: changed.length, skippedFiles: 29 });
    expect(ok(await cli.run(['get', 'data@main:/c/x/y/f5.txt'])).stdout.equals(changed)).toBe(true);
  });

  it('reads a touched file even when its bytes are the same, and makes no commit for it', async () => {
    const path = join(src, 'f4.txt');
    await age(path, 1200);
    const head = await headOf();
    const r = await putTree('data@main:/c', src);
    expect(r.stats).toMatchObject({ files: 1, bytes: (await readFile(path)).length, sentBytes: 0, skippedFiles: 29 });
    // Read and cut, and found to be the head's content: the one-off commit is dropped.
    expect(r).toMatchObject({ committed: false, commit: { id: head } });
    expect(await headOf()).toBe(head);
    // Recorded as read: the next put trusts it.
    expect((await putTree('data@main:/c', src)).stats).toMatchObject({ files: 0, skippedFiles: 30 });
  });

  it('puts a file again when the branch changed it since, though the local file did not change', async () => {
    const path = join(src, 'f2.txt');
    const theirs = join(tmp.path, 'theirs.txt');
    await writeFile(theirs, 'someone else wrote this\n');
    ok(await cli.run(['put', 'data@main:/c/f2.txt', theirs]));
    const r = await putTree('data@main:/c', src);
    expect(r.stats).toMatchObject({ files: 1, bytes: (await readFile(path)).length, skippedFiles: 29 });
    expect(ok(await cli.run(['get', 'data@main:/c/f2.txt'])).stdout.equals(await readFile(path))).toBe(true);
  });

  it('reads every file with --no-cache, and keeps one cache per destination', async () => {
    const head = await headOf();
    expect(await putTree('data@main:/c', src, '--no-cache')).toMatchObject({ committed: false, commit: { id: head }, stats: { files: 30, skippedFiles: 0 } });
    expect((await putTree('data@main:/other', src)).stats).toMatchObject({ files: 30, skippedFiles: 0 });
    expect((await putTree('data@main:/other', src)).stats).toMatchObject({ files: 0, skippedFiles: 30 });
  });

  it('does not trust a file whose mtime is not older than the put (a change in the same tick could hide behind it)', async () => {
    const path = join(src, 'f6.txt');
    await writeFile(path, 'fresh\n');
    await age(path, -3600); // in the future: never old enough, however long the puts take

    const changed = await putTree('data@main:/c', src);
    expect(changed).toMatchObject({ committed: true, stats: { files: 1, skippedFiles: 29 } });
    // Read again every time (never recorded), but the same bytes as the head make no commit.
    expect(await putTree('data@main:/c', src)).toMatchObject({ committed: false, commit: { id: changed.commit.id }, stats: { files: 1, skippedFiles: 29 } });
    expect(await headOf()).toBe(changed.commit.id);
  });
});

describe('GetChunks', { timeout: 300_000 }, () => {
  let chunks: { hash: string; sizeBytes: number }[];

  beforeAll(async () => {
    const bytes = Buffer.concat(Array.from({ length: 40 }, (_, i) => Buffer.from(`getchunks-${i}-${randomBytes(16).toString('hex')}\n`.repeat(2000))));
    await writeFile(join(tmp.path, 'gc.bin'), bytes);
    ok(await cli.run(['put', 'data@main:/gc.bin', join(tmp.path, 'gc.bin')]));
    chunks = (await unary(raw, 'InspectFile', { file: 'data@main:/gc.bin', includeChunks: true })).chunks;
    expect(chunks.length).toBeGreaterThan(3);
  });

  it('streams the chunks asked for, whole and in request order (repeats included)', async () => {
    const order = [chunks[2]!, chunks[0]!, chunks[2]!, chunks[1]!];
    const msgs = await serverStream<{ chunks: Buffer[] }>(raw, 'GetChunks', { hashes: order.map((c) => c.hash) });
    const got = msgs.flatMap((m) => m.chunks);
    expect(got.map((b) => createHash('sha256').update(b).digest('hex'))).toEqual(order.map((c) => c.hash));
  });

  it('get -o FILE (written a message of chunks per writev) gives the file, and any --offset/--length slice of it', async () => {
    const bytes = await readFile(join(tmp.path, 'gc.bin'));
    const out = join(tmp.path, 'gc-back.bin');
    ok(await cli.run(['get', 'data@main:/gc.bin', '-o', out]));
    expect(digest(await readFile(out))).toBe(digest(bytes));
    const first = Number(chunks[0]!.sizeBytes);
    for (const [offset, length] of [[0, 1], [first - 3, 10], [first, Number(chunks[1]!.sizeBytes)], [5, bytes.length], [bytes.length - 7, 100], [bytes.length + 5, 10]] as const) {
      ok(await cli.run(['get', 'data@main:/gc.bin', '--offset', String(offset), '--length', String(length), '-o', out]));
      expect(digest(await readFile(out)), `offset ${offset} length ${length}`).toBe(digest(bytes.subarray(offset, offset + length)));
    }
  });

  it('ListFile gives the chunk lists of files up to include_chunks_max_bytes, and they read back the file', async () => {
    const size = chunks.reduce((n, c) => n + Number(c.sizeBytes), 0);
    const listed = async (max: number): Promise<{ path: string; chunks: { hash: string; sizeBytes: number }[] } | undefined> =>
      (await serverStream<{ path: string; chunks: { hash: string; sizeBytes: number }[] }>(raw, 'ListFile', { dir: 'data@main:/', includeChunksMaxBytes: max })).find((f) => f.path === '/gc.bin');
    expect((await listed(size))?.chunks).toEqual(chunks);
    expect((await listed(size - 1))?.chunks).toEqual([]);
    expect((await listed(0))?.chunks).toEqual([]);
    const msgs = await serverStream<{ chunks: Buffer[] }>(raw, 'GetChunks', { hashes: (await listed(size))!.chunks.map((c) => c.hash) });
    expect(digest(Buffer.concat(msgs.flatMap((m) => m.chunks)))).toBe(digest(await readFile(join(tmp.path, 'gc.bin'))));
    const tooBig = (await serverStream(raw, 'ListFile', { dir: 'data@main:/', includeChunksMaxBytes: (16 << 20) + 1 }).catch((e: unknown) => e)) as CallError;
    expect(tooBig.status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(tooBig.status.details).toMatch(/include_chunks_max_bytes/);
  });

  it('answers NOT_FOUND (CHUNK_UNKNOWN) for a chunk it does not hold', async () => {
    const unknown = createHash('sha256').update('never stored').digest('hex');
    const err = (await serverStream(raw, 'GetChunks', { hashes: [chunks[0]!.hash, unknown] }).catch((e: unknown) => e)) as CallError;
    expect(err.status.code).toBe(grpc.status.NOT_FOUND);
    expect(err).toMatchObject({ code: 'CHUNK_UNKNOWN', kind: 'NotFound', data: { chunk: unknown, index: 1 } });
    const bad = (await serverStream(raw, 'GetChunks', { hashes: ['xyz'] }).catch((e: unknown) => e)) as CallError;
    expect(bad.status.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('answers DATA_LOSS (CHUNK_CORRUPT) for a chunk whose stored bytes changed, and sends none of them', async () => {
    const marker = `corrupt-me-${randomBytes(8).toString('hex')}`;
    const file = join(tmp.path, 'corrupt.txt');
    await writeFile(file, `${marker}\n`.repeat(100));
    ok(await cli.run(['put', 'data@main:/corrupt.txt', file]));
    const packs = (await sh('grep', ['-rl', marker, server.dataDir])).stdout.trim().split('\n');
    for (const pack of packs) {
      const bytes = await readFile(pack);
      bytes[bytes.indexOf(marker)]! ^= 0xff;
      await writeFile(pack, bytes);
    }
    const [chunk] = (await unary(raw, 'InspectFile', { file: 'data@main:/corrupt.txt', includeChunks: true })).chunks;
    let received = 0;
    const err = await (async () => {
      try {
        for await (const m of raw.GetChunks({ hashes: [chunk.hash] }) as AsyncIterable<{ chunks: Buffer[] }>) received += m.chunks.length;
      } catch (e) {
        return e as grpc.ServiceError;
      }
      throw new Error('expected GetChunks to fail');
    })();
    expect(received).toBe(0);
    expect(err.code).toBe(grpc.status.DATA_LOSS);
    expect(err.metadata.get('strata-error-code')).toEqual(['CHUNK_CORRUPT']);

    // A client that says it checks every chunk itself gets the stored bytes unhashed by the server...
    const sent: Buffer[] = [];
    for await (const m of raw.GetChunks({ hashes: [chunk.hash], clientVerifies: true }) as AsyncIterable<{ chunks: Buffer[] }>) sent.push(...m.chunks);
    expect(sent).toHaveLength(1);
    expect(createHash('sha256').update(sent[0]!).digest('hex')).not.toBe(chunk.hash);
    // ...and the SDK, which says so, turns them into DataLoss without handing a byte on.
    const sdk = createClient({ address: server.grpcAddress });
    try {
      const got: Buffer[] = [];
      const sdkErr = await (async () => {
        for await (const c of sdk.getChunks([{ hash: chunk.hash, size: Number(chunk.sizeBytes) }] as ChunkRef[])) got.push(c);
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(sdkErr).toMatchObject({ code: 'CHUNK_CORRUPT', kind: 'DataLoss' });
      expect(got).toEqual([]);
    } finally {
      sdk.close();
    }
    const out = join(tmp.path, 'corrupt-back.txt');
    const get = await cli.run(['get', 'data@main:/corrupt.txt', '-o', out]);
    expect(get.code).not.toBe(0);
    expect(get.stderr).toMatch(/chunk [0-9a-f]{64} as received is corrupt/);
    expect(existsSync(out)).toBe(false);
    const toStdout = await cli.run(['get', 'data@main:/corrupt.txt']);
    expect(toStdout.code).not.toBe(0);
    expect(toStdout.stdout.length).toBe(0); // one chunk, damaged: nothing of it is written
  });
});
