// The S3 gateway driven by s3cmd and rclone, the two command-line clients
// people script backups and syncs with: make a bucket, put/get, ls, sync a
// tree up and back down, multipart (s3cmd with 5 MiB chunks), delete; each
// write checked against the Strata commit history.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';
import { ACCESS_KEY, SECRET, findTool, history, runOk, skipReason, startS3Server, type S3TestServer } from '../helpers/s3.ts';

const s3cmd = findTool(['/usr/bin/s3cmd', 's3cmd']);
const rclone = findTool(['/usr/bin/rclone', 'rclone'], ['version']);
const skipS3cmd = skipReason('s3cmd (Debian package s3cmd)', s3cmd);
const skipRclone = skipReason('rclone (Debian package rclone)', rclone);

const TREE: Record<string, string> = { 'docs/readme.md': '# hello\n', 'docs/a-b.txt': 'dash', 'img/x/y.bin': 'deep', 'top.txt': 'top' };

async function writeTree(root: string): Promise<void> {
  for (const [p, body] of Object.entries(TREE)) {
    await mkdir(join(root, p, '..'), { recursive: true });
    await writeFile(join(root, p), body);
  }
}

async function expectTree(root: string): Promise<void> {
  for (const [p, body] of Object.entries(TREE)) expect(await readFile(join(root, p), 'utf8')).toBe(body);
}

describe('S3 gateway with s3cmd and rclone', () => {
  let server: S3TestServer;
  let tmp: TempDir;

  beforeAll(async () => {
    server = await startS3Server();
    tmp = await createTempDir('strata-s3-cli');
  }, 60_000);

  afterAll(async () => {
    await server?.cleanup();
    await tmp?.remove();
  });

  it.skipIf(skipS3cmd)('s3cmd: mb, put, get, ls, sync, multipart, del', async () => {
    const cfg = join(tmp.path, 's3cmd.cfg');
    await writeFile(cfg, [
      '[default]', `access_key = ${ACCESS_KEY}`, `secret_key = ${SECRET}`, `host_base = ${server.s3Address}`, `host_bucket = ${server.s3Address}`,
      'use_https = False', 'signature_v2 = False', 'bucket_location = us-east-1', 'check_ssl_certificate = False', '',
    ].join('\n'));
    const cmd = (args: string[]) => runOk(s3cmd!, ['-c', cfg, '--no-progress', ...args], { env: server.clientEnv, cwd: tmp.path });
    await cmd(['mb', 's3://s3c']);
    await writeFile(join(tmp.path, 'note.txt'), 'from s3cmd');
    await cmd(['put', 'note.txt', 's3://s3c/notes/note.txt']);
    await cmd(['get', 's3://s3c/notes/note.txt', 'note-back.txt']);
    expect(await readFile(join(tmp.path, 'note-back.txt'), 'utf8')).toBe('from s3cmd');
    expect(await cmd(['ls', 's3://s3c/notes/'])).toContain('s3://s3c/notes/note.txt');
    const src = join(tmp.path, 's3cmd-tree');
    await writeTree(src);
    await cmd(['sync', `${src}/`, 's3://s3c/tree/']);
    await cmd(['sync', 's3://s3c/tree/', `${join(tmp.path, 's3cmd-back')}/`]);
    await expectTree(join(tmp.path, 's3cmd-back'));
    const big = randomBytes(11 << 20);
    await writeFile(join(tmp.path, 'big.bin'), big);
    await cmd(['put', '--multipart-chunk-size-mb=5', 'big.bin', 's3://s3c/big.bin']);
    await cmd(['get', '--force', 's3://s3c/big.bin', 'big-back.bin']);
    expect((await readFile(join(tmp.path, 'big-back.bin'))).equals(big)).toBe(true);
    await cmd(['del', 's3://s3c/notes/note.txt']);
    const changes = (await history(server.pfs, 's3c@main')).map((c) => c.changes).reverse();
    expect(changes[0]).toEqual(['+/notes/note.txt']);
    expect(changes.slice(1, 5).flat().sort()).toEqual(Object.keys(TREE).map((p) => `+/tree/${p}`).sort());
    expect(changes.slice(5)).toEqual([['+/big.bin'], ['-/notes/note.txt']]);
  }, 180_000);

  it.skipIf(skipRclone)('rclone: sync a tree up and back down', async () => {
    const env = {
      ...server.clientEnv,
      RCLONE_CONFIG: join(tmp.path, 'rclone.conf'),
      RCLONE_CONFIG_STRATA_TYPE: 's3',
      RCLONE_CONFIG_STRATA_PROVIDER: 'Other',
      RCLONE_CONFIG_STRATA_ENDPOINT: server.s3Url,
      RCLONE_CONFIG_STRATA_ACCESS_KEY_ID: ACCESS_KEY,
      RCLONE_CONFIG_STRATA_SECRET_ACCESS_KEY: SECRET,
      RCLONE_CONFIG_STRATA_REGION: 'us-east-1',
      RCLONE_CONFIG_STRATA_FORCE_PATH_STYLE: 'true',
    };
    const rc = (args: string[]) => runOk(rclone!, [...args], { env, cwd: tmp.path });
    await rc(['mkdir', 'strata:rcl']);
    const src = join(tmp.path, 'rclone-tree');
    await writeTree(src);
    await rc(['sync', src, 'strata:rcl/backup']);
    await rc(['sync', 'strata:rcl/backup', join(tmp.path, 'rclone-back')]);
    await expectTree(join(tmp.path, 'rclone-back'));
    const listed = (await rc(['lsf', '-R', 'strata:rcl/backup'])).trim().split('\n').filter((l) => !l.endsWith('/')).sort();
    expect(listed).toEqual(Object.keys(TREE).sort());
    const changes = (await history(server.pfs, 'rcl@main')).flatMap((c) => c.changes).sort();
    expect(changes).toEqual(Object.keys(TREE).map((p) => `+/backup/${p}`).sort());
  }, 180_000);
});
