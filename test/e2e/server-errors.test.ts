// Every error path of the gRPC API, end to end: the status code, the
// `strata-error-code` and `strata-error-data` trailers, the decoded error,
// and that the failed request changed nothing.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientStream, modify, pfsClient, serverStream, startServer, streamBytes, unary, type CallError, type RawClient, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let client: RawClient;
let head: string;

beforeAll(async () => {
  server = await startServer();
  client = pfsClient(server.grpcAddress);
  await unary(client, 'CreateRepo', { name: 'data' });
  head = (await modify(client, [{ header: { target: 'data@main' } }, { putFile: { path: '/dir/a.txt' } }, { data: Buffer.from('a') }])).id;
});

afterAll(async () => {
  client?.close();
  await server?.cleanup();
});

async function failure(p: Promise<unknown>): Promise<CallError> {
  try {
    await p;
  } catch (err) {
    return err as CallError;
  }
  throw new Error('expected the call to fail');
}

function trailer(err: CallError, key: string): string | undefined {
  const v = err.status.metadata?.get(key)[0];
  return v === undefined ? undefined : String(v);
}

/** The branch is where it was: same head, one commit, nothing open. */
async function unchanged(): Promise<void> {
  expect((await unary(client, 'InspectBranch', { branch: 'data@main' })).head).toBe(head);
  expect(await serverStream(client, 'ListCommit', { ref: 'data@main' })).toHaveLength(1);
  expect((await serverStream(client, 'WalkFile', { dir: 'data@main:/' })).map((f) => f.path)).toEqual(['/dir/a.txt']);
}

describe('status, code and data on the wire', () => {
  it('unknown repo -> NOT_FOUND with REPO_NOT_FOUND and its data', async () => {
    const err = await failure(unary(client, 'InspectRepo', { name: 'nope' }));
    expect(err.status.code).toBe(grpc.status.NOT_FOUND);
    expect(trailer(err, 'strata-error-code')).toBe('REPO_NOT_FOUND');
    expect(JSON.parse(trailer(err, 'strata-error-data')!)).toEqual({ repo: 'nope' });
    expect(err).toMatchObject({ name: 'StrataError', code: 'REPO_NOT_FOUND', kind: 'NotFound', data: { repo: 'nope' } });
    expect(err.message).toContain('nope');
    const viaFile = await failure(streamBytes(client, 'GetFile', { file: 'nope@main:/x' }));
    expect(viaFile).toMatchObject({ code: 'REPO_NOT_FOUND', status: { code: grpc.status.NOT_FOUND } });
  });

  it('each kind gets its status', async () => {
    expect(await failure(unary(client, 'CreateRepo', { name: 'data' }))).toMatchObject({ code: 'REPO_EXISTS', status: { code: grpc.status.ALREADY_EXISTS } });
    expect(await failure(unary(client, 'InspectBranch', { branch: 'data@nobranch' }))).toMatchObject({ code: 'BRANCH_NOT_FOUND', status: { code: grpc.status.NOT_FOUND } });
    expect(await failure(unary(client, 'InspectCommit', { commit: `data@${'0'.repeat(32)}` }))).toMatchObject({ code: 'COMMIT_NOT_FOUND', status: { code: grpc.status.NOT_FOUND } });
    expect(await failure(unary(client, 'FinishCommit', { commit: 'data@main' }))).toMatchObject({ code: 'COMMIT_FINISHED', status: { code: grpc.status.FAILED_PRECONDITION } });
    expect(await failure(unary(client, 'InspectCommit', { commit: 'data@main^5' }))).toMatchObject({ kind: 'NotFound', status: { code: grpc.status.NOT_FOUND } });
    expect(await failure(streamBytes(client, 'GetFile', { file: 'data@main:/dir' }))).toMatchObject({ code: 'PATH_IS_DIRECTORY', status: { code: grpc.status.FAILED_PRECONDITION } });
    expect(await failure(streamBytes(client, 'GetFile', { file: 'data@main:/missing' }))).toMatchObject({ code: 'FILE_NOT_FOUND', status: { code: grpc.status.NOT_FOUND } });
    await unary(client, 'CreateRepo', { name: 'down' });
    await unary(client, 'CreateBranch', { branch: 'down@main', provenance: ['data@main'] });
    expect(await failure(unary(client, 'DeleteRepo', { name: 'data' }))).toMatchObject({ code: 'REPO_HAS_DEPENDENTS', status: { code: grpc.status.FAILED_PRECONDITION } });
    await unary(client, 'DeleteRepo', { name: 'down' });
    await unchanged();
  });

  it('data with non-ASCII text survives the trailer', async () => {
    const err = await failure(unary(client, 'InspectFile', { file: 'data@main:/ünï/😀.txt' }));
    expect(err.code).toBe('FILE_NOT_FOUND');
    expect(err.data.path).toBe('/ünï/😀.txt');
    expect(err.message).toContain('/ünï/😀.txt');
  });
});

describe('malformed input -> INVALID_ARGUMENT, naming the field', () => {
  const cases: [string, string, object, string][] = [
    ['repo name', 'CreateRepo', { name: 'bad name!' }, 'INVALID_REPO_NAME'],
    ['empty repo name', 'InspectRepo', { name: '' }, 'INVALID_REPO_NAME'],
    ['ref with nothing after @', 'InspectCommit', { commit: 'data@' }, 'INVALID_REF'],
    ['bad ancestry', 'InspectCommit', { commit: 'data@main^x' }, 'INVALID_REF'],
    ['ancestry zero', 'InspectCommit', { commit: 'data@main.0' }, 'INVALID_REF'],
    ['commit ref with a path', 'InspectCommit', { commit: 'data@main:/a' }, 'INVALID_REF'],
    ['branch name of 32 hex digits', 'CreateBranch', { branch: `data@${'ab'.repeat(16)}` }, 'INVALID_REF'],
    ['branch with ancestry', 'InspectBranch', { branch: 'data@main^' }, 'INVALID_REF'],
    ['file ref without a path', 'InspectFile', { file: 'data@main' }, 'INVALID_REF'],
    ['path with ..', 'InspectFile', { file: 'data@main:/a/../b' }, 'INVALID_PATH'],
    ['path with NUL', 'InspectFile', { file: 'data@main:/a\u0000b' }, 'INVALID_PATH'],
    ['branch name with a space', 'InspectBranch', { branch: 'data@my branch' }, 'INVALID_BRANCH_NAME'],
    ['chunk hash', 'MissingChunks', { hashes: ['xyz'] }, 'INVALID_ARGUMENT'],
    ['upper-case chunk hash', 'MissingChunks', { hashes: ['A'.repeat(64)] }, 'INVALID_ARGUMENT'],
    ['repo name too long', 'InspectRepo', { name: 'x'.repeat(64) }, 'INVALID_REPO_NAME'],
  ];
  for (const [what, method, req, code] of cases) {
    it(what, async () => {
      const err = await failure(unary(client, method, req));
      expect(err.status.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.kind).toBe('InvalidArgument');
      expect(err.code).toBe(code);
    });
  }

  it('stream requests: bad path, negative offset, bad glob', async () => {
    const path = await failure(streamBytes(client, 'GetFile', { file: 'data@main:/./a' }));
    expect(path).toMatchObject({ code: 'INVALID_PATH', data: { field: 'file' }, status: { code: grpc.status.INVALID_ARGUMENT } });
    expect(path.message).toMatch(/^file: invalid ref/);
    expect(await failure(streamBytes(client, 'GetFile', { file: 'data@main:/dir/a.txt', offset: -1 }))).toMatchObject({ status: { code: grpc.status.INVALID_ARGUMENT } });
    expect(await failure(serverStream(client, 'GlobFile', { ref: 'data@main', pattern: 'no-slash' }))).toMatchObject({ code: 'INVALID_GLOB' });
    expect(await failure(serverStream(client, 'GlobFile', { ref: 'data@main', pattern: '' }))).toMatchObject({ code: 'INVALID_GLOB' });
    expect(await failure(serverStream(client, 'ListCommit', { ref: 'data@main', to: 'other@main' }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await failure(streamBytes(client, 'GetTar', { ref: 'data@main:/dir', glob: '/*' }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await failure(serverStream(client, 'ListFile', { dir: 'data@main:/dir', after: '/other/a.txt' }))).toMatchObject({ code: 'INVALID_ARGUMENT', data: { field: 'after' } });
  });
});

describe('ModifyFile failures commit nothing', () => {
  const header = { header: { target: 'data@main' } };

  it('protocol errors -> BAD_STREAM', async () => {
    const noHeader = await failure(modify(client, [{ putFile: { path: '/x' } }]));
    expect(noHeader).toMatchObject({ code: 'BAD_STREAM', status: { code: grpc.status.INVALID_ARGUMENT } });
    expect(await failure(modify(client, [header, { data: Buffer.from('x') }]))).toMatchObject({ code: 'BAD_STREAM' });
    expect(await failure(modify(client, [header, header]))).toMatchObject({ code: 'BAD_STREAM' });
    expect(await failure(modify(client, [header, {}]))).toMatchObject({ code: 'BAD_STREAM' });
    expect(await failure(modify(client, []))).toMatchObject({ code: 'BAD_STREAM' });
    await unchanged();
  });

  it('bad target, bad path and an error in a later operation', async () => {
    expect(await failure(modify(client, [{ header: { target: 'data@main^' } }]))).toMatchObject({ code: 'INVALID_REF' });
    expect(await failure(modify(client, [{ header: { target: 'nope@main' } }]))).toMatchObject({ code: 'REPO_NOT_FOUND' });
    const badPath = [header, { putFile: { path: '/ok' } }, { data: Buffer.from('fine') }, { putFile: { path: '/a/../etc' } }, { data: Buffer.from('x') }];
    expect(await failure(modify(client, badPath))).toMatchObject({ code: 'INVALID_PATH', data: { field: 'put_file.path' } });
    const missing = [header, { putFile: { path: '/ok' } }, { data: Buffer.from('fine') }, { deleteFile: { path: '/not/there' } }];
    expect(await failure(modify(client, missing))).toMatchObject({ code: 'FILE_NOT_FOUND' });
    await unchanged();
  });

  it('declared size not met -> ABORTED with UPLOAD_INCOMPLETE', async () => {
    const short = [header, { putFile: { path: '/big', sizeBytes: 10 } }, { data: Buffer.from('12345') }];
    const err = await failure(modify(client, short));
    expect(err).toMatchObject({ code: 'UPLOAD_INCOMPLETE', kind: 'Aborted', status: { code: grpc.status.ABORTED }, data: { expected: 10, received: 5 } });
    const long = [header, { putFile: { path: '/big', sizeBytes: 2 } }, { data: Buffer.from('12345') }];
    expect(await failure(modify(client, long))).toMatchObject({ code: 'UPLOAD_INCOMPLETE' });
    await unchanged();
  });

  it('a stream that ends without done -> ABORTED with UPLOAD_INCOMPLETE', async () => {
    const betweenFiles = await failure(clientStream(client, 'ModifyFile', [header, { putFile: { path: '/x' } }, { data: Buffer.from('x') }, { deleteFile: { path: '/dir/a.txt' } }]));
    expect(betweenFiles).toMatchObject({ code: 'UPLOAD_INCOMPLETE', status: { code: grpc.status.ABORTED }, data: { messages: 4 } });
    const midFile = await failure(clientStream(client, 'ModifyFile', [header, { putFile: { path: '/x' } }, { data: Buffer.from('x') }]));
    expect(midFile).toMatchObject({ code: 'UPLOAD_INCOMPLETE', data: { path: '/x', received: 1 } });
    await unchanged();
  });

  it('oversized message -> RESOURCE_EXHAUSTED', async () => {
    const err = await failure(modify(client, [header, { putFile: { path: '/huge' } }, { data: Buffer.alloc((4 << 20) + (65 << 10)) }]));
    expect(err.status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(err).toMatchObject({ code: 'RESOURCE_EXHAUSTED', kind: 'ResourceExhausted' });
    const unaryErr = await failure(unary(client, 'CreateRepo', { name: 'big', description: 'x'.repeat(5 << 20) }));
    expect(unaryErr.status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    // A data message of exactly 4 MiB is fine.
    await modify(client, [{ header: { target: 'data@max' } }, { putFile: { path: '/max' } }, { data: Buffer.alloc(4 << 20, 1) }]);
    await unchanged();
  });

  it('a stream cancelled mid-file', async () => {
    const before = countLog('ModifyFile aborted');
    const call = client.ModifyFile((err: grpc.ServiceError | null) => void err) as grpc.ClientWritableStream<object>;
    call.on('error', () => undefined);
    call.write(header);
    call.write({ putFile: { path: '/partial.bin' } });
    for (let i = 0; i < 8; i++) call.write({ data: randomBytes(256 << 10) });
    await new Promise((r) => setTimeout(r, 300));
    call.cancel();
    await waitForLog('ModifyFile aborted', before + 1);
    await unchanged();
    // The branch is free again: the next write lands.
    const next = await modify(client, [header, { putFile: { path: '/after' } }, { data: Buffer.from('ok') }]);
    expect(next.parent).toBe(head);
    await unary(client, 'DropCommit', { commit: 'data@main' });
    await unchanged();
  });

  it('a client process killed mid-file', async () => {
    const before = countLog('ModifyFile aborted');
    const script = `
      const grpc = require('@grpc/grpc-js');
      const loader = require('@grpc/proto-loader');
      const def = loader.loadSync('strata/pfs/v1/pfs.proto', { includeDirs: ['proto'], keepCase: false, defaults: true, oneofs: true });
      const Svc = grpc.loadPackageDefinition(def).strata.pfs.v1.PfsService;
      const c = new Svc(process.argv[1], grpc.credentials.createInsecure());
      const call = c.ModifyFile(() => {});
      call.write({ header: { target: 'data@main' } });
      call.write({ putFile: { path: '/killed.bin' } });
      const chunk = Buffer.alloc(64 << 10, 7);
      let sent = 0;
      const pump = () => { while (call.write({ data: chunk })) { if (++sent === 20) process.stdout.write('sent\\n'); } call.once('drain', pump); };
      pump();
    `;
    const child = spawn(process.execPath, ['-e', script, server.grpcAddress], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.on('data', () => resolve()));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await waitForLog('ModifyFile aborted', before + 1);
    await unchanged();
  });
});

describe('chunk upload failures', () => {
  it('a chunk whose bytes do not match its hash -> CHUNK_HASH_MISMATCH', async () => {
    const data = randomBytes(1000);
    const wrong = createHash('sha256').update('other').digest('hex');
    const err = await failure(clientStream(client, 'UploadChunks', [{ chunks: [{ hash: wrong, data }] }]));
    expect(err).toMatchObject({ code: 'CHUNK_HASH_MISMATCH', status: { code: grpc.status.INVALID_ARGUMENT }, data: { chunk: wrong } });
    expect((await unary(client, 'MissingChunks', { hashes: [wrong] })).missing).toEqual([wrong]);
    const empty = await failure(clientStream(client, 'UploadChunks', [{ chunks: [{ hash: wrong, data: Buffer.alloc(0) }] }]));
    expect(empty.code).toBe('INVALID_ARGUMENT');
  });

  it('put_chunks naming a chunk never uploaded fails and commits nothing', async () => {
    const hash = createHash('sha256').update('never uploaded').digest('hex');
    const err = await failure(modify(client, [{ header: { target: 'data@main' } }, { putChunks: { path: '/c', chunks: [{ hash, sizeBytes: 14 }] } }]));
    expect(err).toMatchObject({ code: 'CHUNK_NOT_FOUND', data: { chunk: hash } });
    await unchanged();
  });

  it('a put_chunks_batch with one bad file fails naming it, and commits none of its files', async () => {
    const data = Buffer.from('batched bytes');
    const hash = createHash('sha256').update(data).digest('hex');
    const good = { path: '/batch-good', chunks: [{ hash, sizeBytes: data.length }] };
    const bad = { path: '/batch-bad', chunks: [{ hash: 'not-a-hash', sizeBytes: 3 }] };
    const err = await failure(modify(client, [{ header: { target: 'data@main' } }, { chunks: { chunks: [{ hash, data }] } }, { putChunksBatch: { files: [good, bad] } }]));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('put_chunks_batch.files[1].chunks[0].hash');
    await unchanged();
  });
});

function countLog(msg: string): number {
  return server.logs.filter((l) => l.includes(`"msg":"${msg}`)).length;
}

async function waitForLog(msg: string, count = 1): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (countLog(msg) < count) {
    if (Date.now() > deadline) throw new Error(`no "${msg}" in the server log:\n${server.logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
