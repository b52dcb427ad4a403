// The S3 gateway driven by aws cli v2 (Debian's awscli, /usr/bin/aws), as a
// user drives it: make buckets (repo, branch.repo), cp both ways, sync both
// ways, ls, s3api list-objects-v2 with a delimiter and small pages, a 200 MiB
// multipart upload, a commit-pinned bucket that refuses writes, and refused
// signatures. Every write is checked on the Strata side: the branch's
// commit history shows one commit per request with exactly what it wrote.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';
import { findTool, history, run, runOk, skipReason, startS3Server, type S3TestServer } from '../helpers/s3.ts';

const aws = findTool(['/usr/bin/aws']);
const skip = skipReason('aws cli v2 (/usr/bin/aws, Debian package awscli)', aws);

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const b of createReadStream(path)) h.update(b as Buffer);
  return h.digest('hex');
}

/** A file of `size` pseudo-random bytes, written in 1 MiB steps (never held whole). */
async function randomFile(path: string, size: number, seed: number): Promise<void> {
  const out = createWriteStream(path);
  let x = seed >>> 0;
  const block = Buffer.alloc(1 << 20);
  for (let done = 0; done < size; done += block.length) {
    for (let i = 0; i < block.length; i += 4) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      block.writeUInt32LE(x, i);
    }
    if (!out.write(block.subarray(0, Math.min(block.length, size - done)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

describe.skipIf(skip)('S3 gateway with aws cli v2', () => {
  let server: S3TestServer;
  let tmp: TempDir;
  const quiet = (args: string[]) => (args[0] === 's3' && ['cp', 'sync'].includes(args[1]!) ? [...args, '--only-show-errors'] : args);
  const cli = (args: string[]) => runOk(aws!, ['--endpoint-url', server.s3Url, ...quiet(args)], { env: server.clientEnv, cwd: tmp.path });
  const cliJson = async (args: string[]) => JSON.parse((await cli([...args, "--output", "json"])) || "{}") as Record<string, any>;

  beforeAll(async () => {
    server = await startS3Server();
    tmp = await createTempDir('strata-s3-aws');
    await cli(['s3', 'mb', 's3://photos']);
  }, 60_000);

  afterAll(async () => {
    await server?.cleanup();
    await tmp?.remove();
  });

  it('cp writes one commit per object and reads the same bytes back', async () => {
    await writeFile(join(tmp.path, 'one.txt'), 'first object\n');
    await cli(['s3', 'cp', 'one.txt', 's3://photos/cats/one.txt']);
    const [head] = await history(server.pfs, 'photos@main');
    expect(head!.changes).toEqual(['+/cats/one.txt']);
    await cli(['s3', 'cp', 's3://photos/cats/one.txt', 'back.txt']);
    expect(await readFile(join(tmp.path, 'back.txt'), 'utf8')).toBe('first object\n');
    const listing = await cli(['s3', 'ls', 's3://photos/cats/']);
    expect(listing).toMatch(/\s13 one\.txt/);
  }, 180_000);

  it('sync uploads a tree and downloads it again; keys list in S3 byte order', async () => {
    const src = join(tmp.path, 'tree');
    await mkdir(join(src, 'a', 'b'), { recursive: true });
    const files: Record<string, string> = { 'a/f1.txt': 'f1', 'a/b/g1': 'g1', 'a-1.txt': 'dash', 'a.txt': 'dot', 'z': 'last' };
    for (const [p, body] of Object.entries(files)) await writeFile(join(src, p), body);
    const before = (await history(server.pfs, 'photos@main')).length;
    await cli(['s3', 'sync', 'tree', 's3://photos/tree']);
    const after = await history(server.pfs, 'photos@main');
    expect(after.length - before).toBe(Object.keys(files).length); // one PutObject, one commit
    expect(after.slice(0, 5).flatMap((c) => c.changes).sort()).toEqual(Object.keys(files).map((p) => `+/tree/${p}`).sort());

    const all = await cliJson(['s3api', 'list-objects-v2', '--bucket', 'photos', '--prefix', 'tree/', '--page-size', '2']);
    expect(all.Contents.map((c: { Key: string }) => c.Key)).toEqual(['tree/a-1.txt', 'tree/a.txt', 'tree/a/b/g1', 'tree/a/f1.txt', 'tree/z']);

    const dl = join(tmp.path, 'tree-back');
    await cli(['s3', 'sync', 's3://photos/tree', 'tree-back']);
    for (const [p, body] of Object.entries(files)) expect(await readFile(join(dl, p), 'utf8')).toBe(body);
  }, 180_000);

  it('s3api list-objects-v2 --delimiter / returns common prefixes and keys, paged', async () => {
    const page = await cliJson(['s3api', 'list-objects-v2', '--bucket', 'photos', '--prefix', 'tree/', '--delimiter', '/']);
    expect(page.CommonPrefixes).toEqual([{ Prefix: 'tree/a/' }]);
    expect(page.Contents.map((c: { Key: string }) => c.Key)).toEqual(['tree/a-1.txt', 'tree/a.txt', 'tree/z']);
    // One item per request: the continuation tokens must walk the same order without repeats.
    const paged = await cliJson(['s3api', 'list-objects-v2', '--bucket', 'photos', '--prefix', 'tree/', '--delimiter', '/', '--page-size', '1']);
    expect(paged.CommonPrefixes).toEqual([{ Prefix: 'tree/a/' }]);
    expect(paged.Contents.map((c: { Key: string }) => c.Key)).toEqual(['tree/a-1.txt', 'tree/a.txt', 'tree/z']);
    const v1 = await cliJson(['s3api', 'list-objects', '--bucket', 'photos', '--prefix', 'tree/a', '--delimiter', '/', '--page-size', '1']);
    expect(v1.Contents.map((c: { Key: string }) => c.Key)).toEqual(['tree/a-1.txt', 'tree/a.txt']);
    expect(v1.CommonPrefixes).toEqual([{ Prefix: 'tree/a/' }]);
  }, 180_000);

  it('a branch bucket (branch.repo) writes to that branch only', async () => {
    await cli(['s3', 'mb', 's3://dev.photos']);
    await writeFile(join(tmp.path, 'dev.txt'), 'on dev');
    await cli(['s3', 'cp', 'dev.txt', 's3://dev.photos/dev.txt']);
    const [head] = await history(server.pfs, 'photos@dev');
    expect(head!.changes).toEqual(['+/dev.txt']);
    const buckets = await cli(['s3', 'ls']);
    expect(buckets).toContain('dev.photos');
    const r = await run(aws!, ['--endpoint-url', server.s3Url, 's3', 'ls', 's3://photos/dev.txt'], { env: server.clientEnv });
    expect(r.code).not.toBe(0); // not on main
  }, 180_000);

  it('a commit-pinned bucket reads that commit and refuses writes', async () => {
    const [head] = await history(server.pfs, 'photos@main');
    await writeFile(join(tmp.path, 'later.txt'), 'after the pin');
    await cli(['s3', 'cp', 'later.txt', 's3://photos/later.txt']);
    const pinned = `${head!.id}.photos`;
    const listing = await cli(['s3', 'ls', '--recursive', `s3://${pinned}/`]);
    expect(listing).toContain('cats/one.txt');
    expect(listing).not.toContain('later.txt');
    const w = await run(aws!, ['--endpoint-url', server.s3Url, 's3', 'cp', 'later.txt', `s3://${pinned}/x.txt`], { env: server.clientEnv, cwd: tmp.path });
    expect(w.code).not.toBe(0);
    expect(w.stderr).toContain('AccessDenied');
  }, 180_000);

  it('refuses a wrong secret, an unknown key and an expired presigned URL with S3 error codes', async () => {
    const bad = await run(aws!, ['--endpoint-url', server.s3Url, 's3', 'ls', 's3://photos/'], { env: { ...server.clientEnv, AWS_SECRET_ACCESS_KEY: 'wrong' } });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('SignatureDoesNotMatch');
    const unknown = await run(aws!, ['--endpoint-url', server.s3Url, 's3', 'ls', 's3://photos/'], { env: { ...server.clientEnv, AWS_ACCESS_KEY_ID: 'NOSUCHKEY' } });
    expect(unknown.stderr).toContain('InvalidAccessKeyId');
    const url = (await cli(['s3', 'presign', 's3://photos/cats/one.txt', '--expires-in', '1'])).trim();
    const ok = await fetch(url.replace('X-Amz-Expires=1', 'X-Amz-Expires=1'));
    // A one-second URL may already have lapsed on a loaded machine; either way the answer is S3's.
    expect([200, 403]).toContain(ok.status);
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    const xml = await expired.text();
    expect(xml).toContain('<Code>AccessDenied</Code>');
    expect(xml).toMatch(/<RequestId>[0-9A-F]{16}<\/RequestId>/);
    const unsigned = await fetch(`${server.s3Url}/photos/cats/one.txt`);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);
  }, 180_000);

  it('uploads 200 MiB in parts as one commit and downloads the same bytes', async () => {
    const big = join(tmp.path, 'big.bin');
    await randomFile(big, 200 << 20, 7);
    const before = (await history(server.pfs, 'photos@main')).length;
    await cli(['s3', 'cp', 'big.bin', 's3://photos/data/big.bin']);
    const after = await history(server.pfs, 'photos@main');
    expect(after.length - before).toBe(1);
    expect(after[0]!.changes).toEqual(['+/data/big.bin']);
    await cli(['s3', 'cp', 's3://photos/data/big.bin', 'big-back.bin']);
    expect(await sha256File(join(tmp.path, 'big-back.bin'))).toBe(await sha256File(big));
    const uploads = await cliJson(['s3api', 'list-multipart-uploads', '--bucket', 'photos']);
    expect(uploads.Uploads ?? []).toEqual([]); // the completed upload is gone
  }, 300_000);
});
