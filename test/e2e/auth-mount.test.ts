// Auth through a FUSE mount and `strata run`, end to end: the real server
// with auth activated, the real CLI in child processes, a real mount. A
// token that is reader on repo a only mounts and reads a; a mount of b is
// refused with one line and exit 8 (PermissionDenied); `strata run` with an
// input from b is refused the same way and commits nothing; a token revoked
// while a is mounted makes the next read of a file not yet fetched fail with
// EACCES (the errno of Unauthenticated in KIND_TABLE), not hang or return
// bytes; a token that expires while mounted does the same. What the mount
// already fetched stays readable (docs/security.md).
import { randomBytes } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClient, createClient, KIND_TABLE, type AuthClient, type StrataClient } from '../../client/sdk/index.ts';
import { createCli, type Cli } from '../helpers/cli.ts';
import { forceUnmount, fuseSupport, isMounted, startMount, type MountProcess } from '../helpers/mount.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const fuse = await fuseSupport();
if (!fuse.ok) console.warn(`skipping the mount half of the auth-mount tests: ${fuse.reason}`);

let server: TestServer;
let tmp: TempDir;
let cli: Cli;
let root: { pfs: StrataClient; auth: AuthClient };
let reader: { token: string; id: string };
/** Several chunks: opening it fetches only its chunk list, reading it fetches chunks (GetChunks). */
const big = randomBytes(1 << 20);

/** The environment of a CLI run as the reader of a (own runtime, cache and state dirs). */
const asReader = (token = reader.token): NodeJS.ProcessEnv => ({
  STRATA_TOKEN: token,
  STRATA_RUNTIME_DIR: join(tmp.path, 'run'),
  XDG_CACHE_HOME: join(tmp.path, 'cache'),
  XDG_STATE_HOME: join(tmp.path, 'state'),
});

async function commitsOn(branch: string): Promise<number> {
  let n = 0;
  try {
    for await (const _ of root.pfs.log(branch)) n++;
  } catch {
    return 0;
  }
  return n;
}

beforeAll(async () => {
  [server, tmp] = await Promise.all([startServer(), createTempDir('strata-auth-mount')]);
  cli = createCli(server.grpcAddress, join(tmp.path, 'config.json'));
  const anon = createAuthClient({ address: server.grpcAddress });
  const { rootToken } = await anon.activate();
  anon.close();
  root = { pfs: createClient({ address: server.grpcAddress, token: rootToken }), auth: createAuthClient({ address: server.grpcAddress, token: rootToken }) };
  for (const repo of ['a', 'b', 'out']) await root.pfs.createRepo(repo);
  await root.pfs.modify('a@main', async (m) => {
    await m.put('/seen.txt', Buffer.from('a: seen before the revocation\n'));
    await m.put('/later/unseen.txt', Buffer.from('a: never fetched before the revocation\n'));
    await m.put('/later/big.bin', big);
  });
  await root.pfs.put('b@main:/secret.txt', Buffer.from('b: secret\n'));
  const made = await root.auth.createToken('robot:mounter', { ttlMs: 3_600_000, description: 'e2e auth-mount' });
  reader = { token: made.token, id: made.info.id };
  await root.auth.setRole('a', 'reader', 'robot:mounter');
  await root.auth.setRole('out', 'writer', 'robot:mounter');
}, 120_000);

afterAll(async () => {
  root?.pfs.close();
  root?.auth.close();
  await server?.cleanup();
  await tmp?.remove();
});

describe('strata run with a token for repo a only', () => {
  it('an input from repo b is refused with one line and exit 8, and nothing is committed', async () => {
    const before = await commitsOn('out@main');
    const r = await cli.run(['run', '-i', 'x=b@main:/', '-o', 'out@main', '--', '/bin/cat', '/pfs/x/secret.txt'], { env: asReader() });
    expect(r.code).toBe(KIND_TABLE.PermissionDenied.exit);
    // One error line (after the progress line saying what runs), and the command never ran.
    const errors = r.stderr.trim().split('\n').filter((l) => l.startsWith('strata: '));
    expect(errors).toEqual(['strata: input x (b@main): robot:mounter may not read on repo "b": needs reader (has no role)']);
    expect(r.out).not.toContain('b: secret');
    expect(await commitsOn('out@main')).toBe(before);
  });
});

describe.skipIf(!fuse.ok)('strata mount with a token for repo a only', () => {
  let m: MountProcess | undefined;
  const mntA = (): string => join(tmp.path, 'mnt-a');

  afterAll(async () => {
    await forceUnmount(m, mntA());
  });

  it('mounts a and reads it', async () => {
    m = await startMount(cli, ['a@main', mntA(), '--cache-dir', join(tmp.path, 'chunks')], { env: asReader() });
    expect(await readFile(join(mntA(), 'seen.txt'), 'utf8')).toBe('a: seen before the revocation\n');
    // The chunk cache it made holds repo bytes: only its owner may read it.
    expect((await stat(join(tmp.path, 'chunks'))).mode & 0o777).toBe(0o700);
  });

  it('a mount of b is refused with one line and exit 8, and nothing is left mounted', async () => {
    const dir = join(tmp.path, 'mnt-b');
    const r = await cli.run(['mount', 'b@main', dir, '--cache-dir', join(tmp.path, 'chunks')], { env: asReader() });
    expect(r.code).toBe(KIND_TABLE.PermissionDenied.exit);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/robot:mounter may not read on repo "b"/);
    expect(await isMounted(dir)).toBe(false);
  });

  it('after the token is revoked, the next open or read of bytes not fetched yet fails with EACCES', async () => {
    // Its directory entry is known to the mount (stat) but its bytes were never fetched.
    expect((await stat(join(mntA(), 'later', 'unseen.txt'))).size).toBe(39);
    // Opened before the revocation: the mount has its chunk list, but none of its chunks.
    const fh = await open(join(mntA(), 'later', 'big.bin'), 'r');
    try {
      await root.auth.revokeToken(reader.id);
      const denied = { code: KIND_TABLE.Unauthenticated.errno };
      await expect(readFile(join(mntA(), 'later', 'unseen.txt'))).rejects.toMatchObject(denied);
      await expect(fh.read(Buffer.alloc(4096), 0, 4096, 500_000)).rejects.toMatchObject(denied);
    } finally {
      await fh.close();
    }
    // The mount is still up and answering (not hung): what it already fetched stays readable until unmount.
    expect(await readFile(join(mntA(), 'seen.txt'), 'utf8')).toBe('a: seen before the revocation\n');
    expect(m!.child.exitCode).toBeNull();
    // The person who mounted sees why reads fail: a log line each, not only EACCES.
    const log = m!.stderr.join('\n');
    // (A read-only mount answers no opens, docs/mount.md: the first read is where it meets the server.)
    expect(log).toMatch(/read \/later\/unseen.txt: the token is not valid \(unknown or revoked\)/);
    expect(log).toMatch(/read \/later\/big.bin: the token is not valid \(unknown or revoked\)/);
  });

  it('after the token expires, the next open or read of bytes not fetched yet fails with EACCES', async () => {
    // A token of its own that lives 15 s: long enough to mount and open a file on a loaded machine.
    const made = await root.auth.createToken('robot:brief', { ttlMs: 15_000, description: 'e2e auth-mount expiry' });
    await root.auth.setRole('a', 'reader', 'robot:brief');
    const expiresAtMs = made.info.expiresAtMs!;
    const dir = join(tmp.path, 'mnt-expiring');
    const mount = await startMount(cli, ['a@main', dir, '--cache-dir', join(tmp.path, 'chunks-expiring')], { env: asReader(made.token) });
    try {
      expect(await readFile(join(dir, 'seen.txt'), 'utf8')).toBe('a: seen before the revocation\n');
      expect((await stat(join(dir, 'later', 'unseen.txt'))).size).toBe(39);
      const fh = await open(join(dir, 'later', 'big.bin'), 'r');
      try {
        expect(Date.now(), 'mounted and opened only after the token expired: the test proves nothing').toBeLessThan(expiresAtMs);
        while (Date.now() <= expiresAtMs) await new Promise((r) => setTimeout(r, 100));
        // Nothing was revoked or changed: only the clock passed the expiry.
        const denied = { code: KIND_TABLE.Unauthenticated.errno };
        await expect(readFile(join(dir, 'later', 'unseen.txt'))).rejects.toMatchObject(denied);
        await expect(fh.read(Buffer.alloc(4096), 0, 4096, 500_000)).rejects.toMatchObject(denied);
      } finally {
        await fh.close();
      }
      expect(await readFile(join(dir, 'seen.txt'), 'utf8')).toBe('a: seen before the revocation\n');
      expect(mount.child.exitCode).toBeNull();
      const log = mount.stderr.join('\n');
      expect(log).toMatch(/(open|read) \/later\/unseen.txt: the token of robot:brief expired at /);
      expect(log).toMatch(/read \/later\/big.bin: the token of robot:brief expired at /);
    } finally {
      await forceUnmount(mount, dir);
    }
  }, 120_000);
});
