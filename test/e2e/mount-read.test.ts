// `strata mount` read-only, end to end: the real server, the real CLI
// mounting with FUSE in a child process, and the tools people use (cat,
// find, cp -r, tar, grep, rsync, python's open() with seek, node:fs)
// reading through the mount, compared byte for byte with what was put.
// Also: metadata (sizes, modes, mtime = commit time, owner), errno answers
// (ENOENT, EROFS, EIO on a corrupt chunk), several repos as DIR/<repo>, a
// commit mounted by id, `strata unmount` (refused while the mount is busy),
// and a clean exit on SIGTERM.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type StrataClient } from '../../client/sdk/index.ts';
import { createCli, type Cli } from '../helpers/cli.ts';
import { forceUnmount, fuseSupport, hasTool, isMounted, sh, startMount, type MountProcess } from '../helpers/mount.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const fuse = await fuseSupport();
if (!fuse.ok && process.env.CI) {
  describe('strata mount prerequisites', () => {
    it('FUSE is available in CI (/dev/fuse, libfuse2, fusermount)', () => {
      throw new Error(`cannot test mounts: ${fuse.reason}`);
    });
  });
}
if (!fuse.ok) console.warn(`skipping the mount tests: ${fuse.reason}`);

describe.skipIf(!fuse.ok)('strata mount, read-only', () => {
  let server: TestServer;
  let client: StrataClient;
  let tmp: TempDir;
  let cli: Cli;
  let env: NodeJS.ProcessEnv;
  let src: string;
  let mnt: string;
  let m: MountProcess | undefined;
  let commitTime = 0;
  const big = randomBytes(3 * 1024 * 1024 + 12345);

  beforeAll(async () => {
    [server, tmp] = await Promise.all([startServer(), createTempDir('strata-mount-read')]);
    client = createClient({ address: server.grpcAddress });
    cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
    env = { STRATA_RUNTIME_DIR: join(tmp.path, 'run') };
    src = join(tmp.path, 'src');
    mnt = join(tmp.path, 'mnt');
    const files: Record<string, Buffer | string> = {
      'a.txt': 'hello mount\n',
      'big.bin': big,
      'empty.txt': '',
      'sub/one.csv': 'k,v\n1,needle\n',
      'sub/two.csv': 'k,v\n2,hay\n',
      'sub/deep/er/x.json': '{"x": 1}\n',
      'name with spaces.txt': 'spaced\n',
    };
    for (const [path, data] of Object.entries(files)) {
      await mkdir(join(src, path, '..'), { recursive: true });
      await writeFile(join(src, path), data);
    }
    await client.createRepo('images');
    await client.createRepo('labels');
    await client.putDirectory('images@main:/', src);
    const c = await client.inspectCommit('images@main');
    commitTime = c.finishedAtMs!;
    await client.put('labels@main:/l.txt', Buffer.from('v1\n'));
    await client.put('labels@main:/l.txt', Buffer.from('v2\n'));
    m = await startMount(cli, ['images@main', mnt, '--cache-dir', join(tmp.path, 'cache')], { env });
  });

  afterAll(async () => {
    await forceUnmount(m, mnt);
    client?.close();
    await server?.cleanup();
    await tmp?.remove();
  });

  it('shows the tree with cat, find, grep and ls', async () => {
    expect(await sh(`cat "${mnt}/a.txt"`)).toBe('hello mount\n');
    const found = (await sh(`cd "${mnt}" && find . | sort`)).trim().split('\n');
    expect(found).toEqual(['.', './a.txt', './big.bin', './empty.txt', './name with spaces.txt', './sub', './sub/deep', './sub/deep/er', './sub/deep/er/x.json', './sub/one.csv', './sub/two.csv']);
    expect(await sh(`grep -rl needle "${mnt}"`)).toBe(`${mnt}/sub/one.csv\n`);
    expect((await readdir(mnt)).sort()).toEqual(['a.txt', 'big.bin', 'empty.txt', 'name with spaces.txt', 'sub']);
  });

  it('copies and archives byte for byte (cp -r, tar, rsync when installed)', async () => {
    await sh(`cp -r "${mnt}" "${tmp.path}/copy" && diff -r "${src}" "${tmp.path}/copy"`);
    await sh(`mkdir "${tmp.path}/untar" && tar -cf - -C "${mnt}" . | tar -xf - -C "${tmp.path}/untar" && diff -r "${src}" "${tmp.path}/untar"`);
    if (hasTool('rsync')) await sh(`rsync -a "${mnt}/" "${tmp.path}/rsynced/" && diff -r "${src}" "${tmp.path}/rsynced"`);
    expect((await readFile(join(mnt, 'big.bin'))).equals(big)).toBe(true);
  });

  it('serves offset reads (python seek, node:fs positioned reads)', async () => {
    const offsets = [0, 1, 65_535, 1_000_003, 2_500_000, big.length - 100];
    const py = `
import sys
f = open(sys.argv[1], 'rb')
for off in [${offsets.join(', ')}]:
    f.seek(off)
    sys.stdout.write(f.read(4096).hex() + '\\n')
`;
    const out = (await sh(`python3 -c "${py.replace(/"/g, '\\"')}" "${mnt}/big.bin"`)).trim().split('\n');
    offsets.forEach((off, i) => expect(out[i]).toBe(big.subarray(off, off + 4096).toString('hex')));
    const fh = await open(join(mnt, 'big.bin'), 'r');
    try {
      const buf = Buffer.alloc(10_000);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 2_000_000);
      expect(bytesRead).toBe(10_000);
      expect(buf.equals(big.subarray(2_000_000, 2_010_000))).toBe(true);
    } finally {
      await fh.close();
    }
  });

  it('fetches only the chunks a seek touches, all of them for a sequential read, and keeps the cache within --cache-size', async () => {
    const dir = join(tmp.path, 'mnt-lazy');
    const cacheDir = join(tmp.path, 'cache-lazy');
    const m5 = await startMount(cli, ['images@main', dir, '--cache-dir', cacheDir], { env });
    const cached = async (): Promise<number> => Number((await sh(`find "${cacheDir}" -type f -name '*.pack' -printf '%s\\n' | awk '{s+=$1} END {print s+0}'`)).trim());
    const settled = async (): Promise<number> => {
      let last = -1;
      for (let n = await cached(); n !== last; n = await cached()) (last = n), await new Promise((r) => setTimeout(r, 300));
      return last;
    };
    try {
      const out = await sh(`python3 -c "import sys; f = open(sys.argv[1], 'rb'); f.seek(2000000); sys.stdout.write(f.read(4096).hex())" "${dir}/big.bin"`);
      expect(out).toBe(big.subarray(2_000_000, 2_004_096).toString('hex'));
      const afterSeek = await settled();
      expect(afterSeek).toBeGreaterThan(0);
      expect(afterSeek).toBeLessThanOrEqual(1 << 20); // the few chunks around the offset (kernel readahead included), not the 3 MiB file
      expect((await readFile(join(dir, 'big.bin'))).equals(big)).toBe(true);
      expect(await settled()).toBeGreaterThanOrEqual(big.length);
    } finally {
      m5.child.kill('SIGTERM');
      await m5.exited;
      await forceUnmount(m5, dir);
    }
    // A cache smaller than the file still serves it, and stays within its size.
    const small = join(tmp.path, 'cache-small');
    const m6 = await startMount(cli, ['images@main', dir, '--cache-dir', small, '--cache-size', '1M'], { env });
    try {
      expect((await readFile(join(dir, 'big.bin'))).equals(big)).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
      const bytes = Number((await sh(`find "${small}" -type f -name '*.pack' -printf '%s\\n' | awk '{s+=$1} END {print s+0}'`)).trim());
      expect(bytes).toBeGreaterThan(0);
      expect(bytes).toBeLessThanOrEqual(1 << 20);
    } finally {
      m6.child.kill('SIGTERM');
      await m6.exited;
      await forceUnmount(m6, dir);
    }
  });

  it('keeps a long sequential read out of the disk cache past its first 8 MiB (random reads still cached), and caches it all with --cache-sequential', async () => {
    const long = randomBytes(24 * 1024 * 1024 + 777);
    await client.createRepo('streams');
    await client.put('streams@main:/long.bin', long);
    const dir = join(tmp.path, 'mnt-stream');
    const packBytes = async (cacheDir: string): Promise<number> => {
      // Writes are queued behind the reads: wait until the total stops moving.
      const total = async (): Promise<number> => Number((await sh(`find "${cacheDir}" -type f -name '*.pack' -printf '%s\\n' | awk '{s+=$1} END {print s+0}'`)).trim());
      let last = -1;
      for (let n = await total(); n !== last; n = await total()) (last = n), await new Promise((r) => setTimeout(r, 300));
      return last;
    };
    const plain = join(tmp.path, 'cache-stream');
    const m8 = await startMount(cli, ['streams@main', dir, '--cache-dir', plain], { env });
    try {
      // A seek far into the file is a random read: its chunks are cached.
      const at = 20 * 1024 * 1024;
      const out = await sh(`python3 -c "import sys; f = open(sys.argv[1], 'rb'); f.seek(${at}); sys.stdout.write(f.read(4096).hex())" "${dir}/long.bin"`);
      expect(out).toBe(long.subarray(at, at + 4096).toString('hex'));
      const afterSeek = await packBytes(plain);
      expect(afterSeek).toBeGreaterThan(0);
      expect(afterSeek).toBeLessThanOrEqual(2 << 20);
      // Read whole: the head of the file (where a reader opening it again starts) is cached, not the 16 MiB after it.
      expect((await readFile(join(dir, 'long.bin'))).equals(long)).toBe(true);
      const streamed = (await packBytes(plain)) - afterSeek;
      expect(streamed).toBeGreaterThanOrEqual(7 << 20);
      expect(streamed).toBeLessThanOrEqual(10 << 20);
    } finally {
      m8.child.kill('SIGTERM');
      await m8.exited;
      await forceUnmount(m8, dir);
    }
    const all = join(tmp.path, 'cache-stream-all');
    const m9 = await startMount(cli, ['streams@main', dir, '--cache-dir', all, '--cache-sequential'], { env });
    try {
      expect((await readFile(join(dir, 'long.bin'))).equals(long)).toBe(true);
      expect(await packBytes(all)).toBeGreaterThanOrEqual(long.length);
    } finally {
      m9.child.kill('SIGTERM');
      await m9.exited;
      await forceUnmount(m9, dir);
    }
  });

  it('reads a directory of small files with a few GetChunks calls (many files each), not a call per file', async () => {
    const calls = async (method: string): Promise<number> => {
      const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
      return [...text.matchAll(new RegExp(`^grpc_server_started_total\\{[^}]*grpc_method="${method}"[^}]*\\} (\\d+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
    };
    const files = Array.from({ length: 300 }, (_, i) => `f${String(i).padStart(3, '0')}.txt`);
    const bodies = new Map(files.map((f, i) => [f, `${f} ${randomBytes(8 + (i % 50)).toString('hex')}\n`]));
    const src2 = join(tmp.path, 'small-src');
    await mkdir(src2, { recursive: true });
    for (const [f, body] of bodies) await writeFile(join(src2, f), body);
    await client.createRepo('smalls');
    await client.putDirectory('smalls@main:/d', src2);
    const dir = join(tmp.path, 'mnt-smalls');
    const m7 = await startMount(cli, ['smalls@main', dir, '--cache-dir', join(tmp.path, 'cache-smalls')], { env });
    try {
      await sh(`ls "${dir}/d" > /dev/null`); // the directory looked up and listed
      const before = { chunks: await calls('GetChunks'), file: await calls('GetFile'), inspect: await calls('InspectFile') };
      // One cat per file, in directory order, as `find | xargs cat` or `cp -r` read them.
      const out = await sh(`cd "${dir}/d" && for f in $(ls); do cat "$f"; done`);
      expect(out).toBe(files.map((f) => bodies.get(f)).join(''));
      expect(await calls('GetFile')).toBe(before.file);
      expect(await calls('InspectFile')).toBe(before.inspect);
      const chunkCalls = (await calls('GetChunks')) - before.chunks;
      expect(chunkCalls).toBeGreaterThan(0);
      expect(chunkCalls).toBeLessThanOrEqual(30); // 300 files: a call per file would be 300
    } finally {
      m7.child.kill('SIGTERM');
      await m7.exited;
      await forceUnmount(m7, dir);
    }
  });

  it('opens files without a FUSE round trip each: one OPEN (answered ENOSYS), no RELEASE, however many files are read', async () => {
    const dir = join(tmp.path, 'mnt-no-open');
    // --debug: libfuse prints every request it gets ("opcode: OPEN ...") on the mount's stderr.
    const md = await startMount(cli, ['images@main', dir, '--cache-dir', join(tmp.path, 'cache-no-open'), '--debug'], { env });
    try {
      const paths = ['a.txt', 'sub/one.csv', 'sub/two.csv', 'sub/deep/er/x.json', 'name with spaces.txt', 'big.bin'];
      for (let round = 0; round < 2; round++) {
        for (const p of paths) expect((await readFile(join(dir, p))).equals(await readFile(join(src, p)))).toBe(true);
      }
      const fh = await open(join(dir, 'big.bin'));
      const b = Buffer.alloc(100);
      await fh.read(b, 0, 100, 1_000_000);
      await fh.close();
      expect(b.equals(big.subarray(1_000_000, 1_000_100))).toBe(true);
      const ops = (name: string): number => md.stderr.filter((l) => new RegExp(`opcode: ${name} `).test(l)).length;
      expect(md.stderr.some((l) => /opcode: READ /.test(l))).toBe(true); // the debug output is there
      expect(ops('OPEN')).toBe(1);
      expect(ops('RELEASE')).toBe(0);
    } finally {
      md.child.kill('SIGTERM');
      await md.exited;
      await forceUnmount(md, dir);
    }
  });

  it('has sizes, read-only modes, the commit time and the mounting user', async () => {
    const f = await stat(join(mnt, 'big.bin'));
    expect(f.size).toBe(big.length);
    expect(f.mode & 0o777).toBe(0o444);
    expect(f.isFile()).toBe(true);
    expect(Math.abs(f.mtimeMs - commitTime)).toBeLessThan(1000);
    expect(f.uid).toBe(process.getuid!());
    expect(f.gid).toBe(process.getgid!());
    const d = await stat(join(mnt, 'sub'));
    expect(d.isDirectory()).toBe(true);
    expect(d.mode & 0o777).toBe(0o555);
    expect((await stat(join(mnt, 'empty.txt'))).size).toBe(0);
  });

  it('answers ENOENT and EROFS', async () => {
    await expect(stat(join(mnt, 'nope.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readFile(join(mnt, 'sub', 'nope', 'x'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(writeFile(join(mnt, 'new.txt'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
    await expect(writeFile(join(mnt, 'a.txt'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
    await expect(mkdir(join(mnt, 'newdir'))).rejects.toMatchObject({ code: 'EROFS' });
    await expect(sh(`rm "${mnt}/a.txt"`)).rejects.toThrow(/Read-only file system/);
    await expect(sh(`mv "${mnt}/a.txt" "${mnt}/b.txt"`)).rejects.toThrow(/Read-only file system/);
  });

  it('answers EIO when a chunk is corrupt on the server', async () => {
    const marker = `corrupt-me-${randomBytes(8).toString('hex')}`;
    await client.put('labels@main:/bad.txt', Buffer.from(`${marker}\n`.repeat(100)));
    const packs = await sh(`grep -rl "${marker}" "${server.dataDir}"`);
    for (const pack of packs.trim().split('\n')) {
      const bytes = await readFile(pack);
      const at = bytes.indexOf(marker);
      bytes[at]! ^= 0xff;
      await writeFile(pack, bytes);
    }
    const dir = join(tmp.path, 'mnt-eio');
    const m2 = await startMount(cli, ['labels@main', dir, '--cache-dir', join(tmp.path, 'cache')], { env });
    try {
      await expect(readFile(join(dir, 'bad.txt'))).rejects.toMatchObject({ code: 'EIO' });
      expect(await readFile(join(dir, 'l.txt'), 'utf8')).toBe('v2\n');
    } finally {
      m2.child.kill('SIGTERM');
      expect(await m2.exited).toEqual({ code: 0, signal: null });
    }
  });

  it('mounts several repos as DIR/<repo>, a commit by id read-only, and unmounts with strata unmount', async () => {
    const log: string[] = [];
    for await (const c of client.log('labels@main')) log.push(c.id);
    const v1 = log[log.length - 1]!; // the oldest commit: the first put of l.txt
    const dir = join(tmp.path, 'multi');
    const m3 = await startMount(cli, ['--repo', 'images@main', '--repo', `labels@${v1}`, dir, '--cache-dir', join(tmp.path, 'cache')], { env });
    try {
      expect((await readdir(dir)).sort()).toEqual(['images', 'labels']);
      expect(await readFile(join(dir, 'labels', 'l.txt'), 'utf8')).toBe('v1\n');
      expect(await readFile(join(dir, 'images', 'a.txt'), 'utf8')).toBe('hello mount\n');
      expect(m3.mounted.repos.map((r) => [r.repo, r.commit, r.writable])).toEqual([
        ['images', (await client.inspectCommit('images@main')).id, false],
        ['labels', v1, false],
      ]);
      await expect(writeFile(join(dir, 'labels', 'new.txt'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
      const r = await cli.run(['unmount', dir], { env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(await m3.exited).toEqual({ code: 0, signal: null });
      expect(await isMounted(dir)).toBe(false);
    } finally {
      await forceUnmount(m3, dir);
    }
  });

  it('strata unmount refuses a busy mount, and unmounts once it is idle', async () => {
    const dir = join(tmp.path, 'busy');
    const m4 = await startMount(cli, ['labels@main', dir, '--cache-dir', join(tmp.path, 'cache')], { env });
    const holder = spawn('sleep', ['30'], { cwd: dir, stdio: 'ignore' });
    try {
      const busy = await cli.run(['unmount', dir], { env });
      expect(busy.code).toBe(6);
      expect(busy.stderr).toMatch(/is busy/);
      expect(await isMounted(dir)).toBe(true);
      expect(await readFile(join(dir, 'l.txt'), 'utf8')).toBe('v2\n');
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
      const r = await cli.run(['unmount', dir], { env });
      expect(r.code).toBe(0);
      expect(await m4.exited).toEqual({ code: 0, signal: null });
    } finally {
      holder.kill('SIGKILL');
      await forceUnmount(m4, dir);
    }
  });

  it('unmounts cleanly on SIGTERM', async () => {
    m!.child.kill('SIGTERM');
    expect(await m!.exited).toEqual({ code: 0, signal: null });
    expect(await isMounted(mnt)).toBe(false);
    expect(await readdir(mnt)).toEqual([]);
    expect(m!.stderr.join('\n')).toMatch(/SIGTERM: unmounting/);
  });
});
