// Chunk RPCs under auth, on the real server process over gRPC (LevelDB and
// the local chunk store on disk). Chunks are shared by every repo and a hash
// is no secret, so knowing one must not be proof of access: a reader of repo
// a who learns the hashes of repo b's chunks cannot read them (GetChunks
// without a file, or naming a file of b, or a file of a the chunks are not
// in), cannot make them part of a file of a (put_chunks of chunks not sent on
// the stream), and cannot learn whether the store holds some content
// (MissingChunks, UploadChunks' new_chunks). What a reader may do still works:
// the SDK's chunked put and read, and GetChunks of a's own file.
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashChunk } from '../../src/chunking/index.ts';
import { createAuthClient, createClient, type AuthClient, type StrataClient } from '../../client/sdk/index.ts';
import { clientStream, modify, pfsClient, serverStream, startServer, unary, type CallError, type RawClient, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let root: { pfs: StrataClient; auth: AuthClient };
let rootRaw: RawClient;
let aliceRaw: RawClient;
let alicePfs: StrataClient;
const opened: { close(): void }[] = [];

/** b's secret: several chunks, and a one-chunk file whose content is easy to guess. */
const secret = randomBytes(600_000);
const guessable = Buffer.from('salary of bob: 123456\n');
let secretChunks: { hash: string; sizeBytes: number }[];

function raw(token: string): RawClient {
  const interceptor: grpc.Interceptor = (options, next) =>
    new grpc.InterceptingCall(next(options), {
      start(metadata, listener, go) {
        metadata.set('authorization', `Bearer ${token}`);
        go(metadata, listener);
      },
    });
  const c = pfsClient(server.grpcAddress, { interceptors: [interceptor] });
  opened.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<CallError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, 'the call should have failed').toBeDefined();
  return err as CallError;
}

async function bytesOf(pfs: StrataClient, file: string, opts: Parameters<StrataClient['get']>[1] = {}): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of pfs.get(file, opts)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

beforeAll(async () => {
  server = await startServer();
  const anon = createAuthClient({ address: server.grpcAddress });
  opened.push(anon);
  const { rootToken } = await anon.activate();
  root = { pfs: createClient({ address: server.grpcAddress, token: rootToken }), auth: createAuthClient({ address: server.grpcAddress, token: rootToken }) };
  opened.push(root.pfs, root.auth);
  rootRaw = raw(rootToken);
  for (const repo of ['a', 'b']) await root.pfs.createRepo(repo);
  await root.pfs.put('b@main:/secret.bin', secret);
  await root.pfs.put('b@main:/salary.txt', guessable);
  await root.pfs.put('a@main:/public.txt', Buffer.from('a public file of repo a'));
  secretChunks = (await root.pfs.inspectFile('b@main:/secret.bin', { includeChunks: true })).chunks!.map((c) => ({ hash: c.hash, sizeBytes: c.size }));
  expect(secretChunks.length).toBeGreaterThan(2);
  const alice = (await root.auth.createToken('alice')).token;
  await root.auth.setRole('a', 'writer', 'alice');
  aliceRaw = raw(alice);
  alicePfs = createClient({ address: server.grpcAddress, token: alice });
  opened.push(alicePfs);
}, 120_000);

afterAll(async () => {
  for (const c of opened) c.close();
  await server?.cleanup();
});

describe('a hash is not proof of access', () => {
  it('GetChunks of b chunks by a reader of a: refused without a file, naming a file of b, or naming a file of a they are not in', async () => {
    const hashes = secretChunks.map((c) => c.hash);
    const bare = await failure(serverStream(aliceRaw, 'GetChunks', { hashes }));
    expect(bare).toMatchObject({ code: 'NOT_AUTHORIZED' });
    expect(bare.status.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(bare.message).toContain('name the file');
    const ofB = await failure(serverStream(aliceRaw, 'GetChunks', { hashes, file: 'b@main:/secret.bin' }));
    expect(ofB).toMatchObject({ code: 'NOT_AUTHORIZED', data: expect.objectContaining({ repo: 'b' }) });
    const ofA = await failure(serverStream(aliceRaw, 'GetChunks', { hashes, file: 'a@main:/public.txt' }));
    expect(ofA).toMatchObject({ code: 'NOT_AUTHORIZED' });
    expect(ofA.message).toContain('is not a chunk of a@main:/public.txt');
    // The admin may read by hash alone.
    const msgs = await serverStream<{ chunks: Buffer[] }>(rootRaw, 'GetChunks', { hashes });
    expect(Buffer.concat(msgs.flatMap((m) => m.chunks)).equals(secret)).toBe(true);
  });

  it('put_chunks naming b chunks not sent on the stream is refused and commits nothing, so the bytes never reach a', async () => {
    const head = (await unary(aliceRaw, 'InspectBranch', { branch: 'a@main' })).head;
    const err = await failure(modify(aliceRaw, [{ header: { target: 'a@main' } }, { putChunks: { path: '/stolen.bin', chunks: secretChunks } }]));
    expect(err).toMatchObject({ code: 'NOT_AUTHORIZED' });
    expect(err.message).toContain('was not sent on this stream');
    const batch = await failure(modify(aliceRaw, [{ header: { target: 'a@main' } }, { putChunksBatch: { files: [{ path: '/stolen.bin', chunks: secretChunks }] } }]));
    expect(batch).toMatchObject({ code: 'NOT_AUTHORIZED' });
    expect(batch.message).toContain('put_chunks_batch.files[0].chunks[0]');
    expect((await unary(aliceRaw, 'InspectBranch', { branch: 'a@main' })).head).toBe(head);
    expect(await serverStream(aliceRaw, 'GlobFile', { ref: 'a@main', pattern: '/stolen.bin' })).toEqual([]);
    // Chunks stored earlier by a separate UploadChunks call are no proof either (the store already held them).
    const one = secret.subarray(0, secretChunks[0]!.sizeBytes);
    await clientStream(aliceRaw, 'UploadChunks', [{ chunks: [{ hash: secretChunks[0]!.hash, data: one }] }]);
    const again = await failure(modify(aliceRaw, [{ header: { target: 'a@main' } }, { putChunks: { path: '/stolen.bin', chunks: secretChunks.slice(1, 2) } }]));
    expect(again).toMatchObject({ code: 'NOT_AUTHORIZED' });
  });

  it('the store is no oracle: MissingChunks and UploadChunks tell a non-admin nothing about what other repos hold', async () => {
    const guessHash = hashChunk(guessable).toString('hex');
    const hashes = [guessHash, ...secretChunks.map((c) => c.hash)];
    expect((await unary(aliceRaw, 'MissingChunks', { hashes })).missing).toEqual(hashes);
    expect((await unary(rootRaw, 'MissingChunks', { hashes })).missing).toEqual([]);
    // Uploading a guess of b's file: reported as new for alice, as already stored for the admin.
    const upload = [{ chunks: [{ hash: guessHash, data: guessable }] }];
    expect(await clientStream(aliceRaw, 'UploadChunks', upload)).toMatchObject({ chunks: 1, newChunks: 1, newBytes: guessable.length });
    expect(await clientStream(rootRaw, 'UploadChunks', upload)).toMatchObject({ chunks: 1, newChunks: 0, newBytes: 0 });
    // Bad hashes are still rejected for everyone.
    expect(await failure(unary(aliceRaw, 'MissingChunks', { hashes: ['xyz'] }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('what a reader and writer of a may still do', () => {
  it('GetChunks of the chunks of a file of a, naming it', async () => {
    const info = await alicePfs.inspectFile('a@main:/public.txt', { includeChunks: true });
    const file = `a@${info.commit}:/public.txt`;
    const msgs = await serverStream<{ chunks: Buffer[] }>(aliceRaw, 'GetChunks', { hashes: info.chunks!.map((c) => c.hash), file });
    expect(Buffer.concat(msgs.flatMap((m) => m.chunks)).toString()).toBe('a public file of repo a');
  });

  it('GetChunks of the chunks of several files of a in one call (file + files); refused if one file is of b or a hash is in none of them', async () => {
    await alicePfs.put('a@main:/two.txt', Buffer.from('a second file of repo a'));
    const one = await alicePfs.inspectFile('a@main:/public.txt', { includeChunks: true });
    const two = await alicePfs.inspectFile('a@main:/two.txt', { includeChunks: true });
    const refs = [`a@${two.commit}:/public.txt`, `a@${two.commit}:/two.txt`];
    const hashes = [...one.chunks!, ...two.chunks!].map((c) => c.hash);
    const msgs = await serverStream<{ chunks: Buffer[] }>(aliceRaw, 'GetChunks', { hashes, file: refs[0], files: [refs[1]] });
    expect(msgs.flatMap((m) => m.chunks).map(String)).toEqual(['a public file of repo a', 'a second file of repo a']);
    const onlyFiles = await serverStream<{ chunks: Buffer[] }>(aliceRaw, 'GetChunks', { hashes, files: refs });
    expect(onlyFiles.flatMap((m) => m.chunks).length).toBe(2);
    const withB = await failure(serverStream(aliceRaw, 'GetChunks', { hashes: [...hashes, secretChunks[0]!.hash], file: refs[0], files: [refs[1], 'b@main:/secret.bin'] }));
    expect(withB).toMatchObject({ code: 'NOT_AUTHORIZED', data: expect.objectContaining({ repo: 'b' }) });
    const stray = await failure(serverStream(aliceRaw, 'GetChunks', { hashes: [...hashes, secretChunks[0]!.hash], files: refs }));
    expect(stray).toMatchObject({ code: 'NOT_AUTHORIZED' });
    expect(stray.message).toContain('is not a chunk of any of the 2 files named');
  });

  it('a chunk a and b share is readable through a file of a (whoever holds a file of a holds those bytes)', async () => {
    await alicePfs.put('a@main:/copy-of-secret.bin', secret); // alice has the bytes: she sends them all
    const info = await alicePfs.inspectFile('a@main:/copy-of-secret.bin', { includeChunks: true });
    expect(info.chunks!.map((c) => c.hash)).toEqual(secretChunks.map((c) => c.hash));
    const got = await bytesOf(alicePfs, 'a@main:/copy-of-secret.bin', { chunks: info.chunks, chunksFile: `a@${info.commit}:/copy-of-secret.bin` });
    expect(got.equals(secret)).toBe(true);
  });

  it('the SDK chunked put (all chunks sent, put_chunks of them) and chunked read, twice over the same content', async () => {
    const data = randomBytes(400_000);
    for (const path of ['/x.bin', '/x-again.bin']) {
      const res = await alicePfs.modify('a@main', async (m) => void (await m.put(path, data)));
      expect(res.commit.id).toMatch(/^[0-9a-f]{32}$/);
      // The store said nothing was there, so every chunk went over the wire, the second time too.
      expect(res.stats.reusedChunks).toBe(0);
      const info = await alicePfs.inspectFile(`a@main:${path}`, { includeChunks: true });
      expect(info.chunks!.length).toBeGreaterThan(1);
      expect(res.stats.sentChunks).toBe(info.chunks!.length);
      expect((await bytesOf(alicePfs, `a@main:${path}`, { chunks: info.chunks })).equals(data)).toBe(true);
    }
    // Read through GetFile too; and the SDK getChunks with the file named.
    const info = await alicePfs.inspectFile('a@main:/x.bin', { includeChunks: true });
    const parts: Buffer[] = [];
    for await (const c of alicePfs.getChunks(info.chunks!, { file: `a@${info.commit}:/x.bin` })) parts.push(c);
    expect(Buffer.concat(parts).length).toBe(400_000);
  });
});
