// The S3 gateway mounted with s3fs-fuse, read-only: a bucket written over S3
// reads back through the kernel as a directory tree with the same bytes,
// and the mount refuses writes. Needs /dev/fuse and s3fs; in CI a missing
// one fails the test, elsewhere it skips with the reason.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';
import { ACCESS_KEY, SECRET, findTool, run, skipReason, startS3Server, type S3TestServer } from '../helpers/s3.ts';

const s3fs = findTool(['/usr/bin/s3fs', 's3fs']);
const skip = skipReason('s3fs-fuse (Debian package s3fs) with /dev/fuse', existsSync('/dev/fuse') ? s3fs : undefined);

async function mounted(dir: string): Promise<boolean> {
  return (await readFile('/proc/self/mounts', 'utf8')).split('\n').some((l) => l.split(' ')[1] === dir);
}

describe.skipIf(skip)('S3 gateway mounted read-only with s3fs-fuse', () => {
  let server: S3TestServer;
  let tmp: TempDir;
  let child: ChildProcess | undefined;
  let mnt: string;
  const files: Record<string, Buffer> = { 'a.txt': Buffer.from('alpha'), 'dir/b.bin': Buffer.alloc(3 << 20, 7), 'dir/sub/c.txt': Buffer.from('gamma') };

  beforeAll(async () => {
    server = await startS3Server();
    tmp = await createTempDir('strata-s3fs');
    const sdk = new S3Client({ endpoint: server.s3Url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET } });
    await sdk.send(new CreateBucketCommand({ Bucket: 'fsb' }));
    for (const [k, v] of Object.entries(files)) await sdk.send(new PutObjectCommand({ Bucket: 'fsb', Key: k, Body: v }));
    sdk.destroy();
    const passwd = join(tmp.path, 'passwd');
    await writeFile(passwd, `${ACCESS_KEY}:${SECRET}\n`);
    await chmod(passwd, 0o600);
    mnt = join(tmp.path, 'mnt');
    await mkdir(mnt);
    child = spawn(s3fs!, ['fsb', mnt, '-f', '-o', `url=${server.s3Url}`, '-o', 'use_path_request_style', '-o', 'ro', '-o', `passwd_file=${passwd}`,
      '-o', 'endpoint=us-east-1', '-o', 'sigv4', '-o', 'stat_cache_expire=1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    for (let i = 0; !(await mounted(mnt)); i++) {
      if (i > 300 || child.exitCode !== null) throw new Error(`s3fs did not mount: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 90_000);

  afterAll(async () => {
    if (mnt && (await mounted(mnt))) await run('fusermount', ['-uz', mnt]).catch(() => run('fusermount3', ['-uz', mnt]));
    child?.kill('SIGTERM');
    await server?.cleanup();
    await tmp?.remove();
  });

  it('lists the bucket as directories and reads the same bytes', { timeout: 120_000 }, async () => {
    expect((await readdir(mnt)).sort()).toEqual(['a.txt', 'dir']);
    expect((await readdir(join(mnt, 'dir'))).sort()).toEqual(['b.bin', 'sub']);
    for (const [k, v] of Object.entries(files)) expect((await readFile(join(mnt, k))).equals(v)).toBe(true);
  });

  it('refuses writes (read-only mount)', { timeout: 120_000 }, async () => {
    await expect(writeFile(join(mnt, 'new.txt'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
  });
});
