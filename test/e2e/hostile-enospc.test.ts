// The server's data directory fills up (a real 16 MiB tmpfs, as in
// test/integration/block-store-faults.test.ts, which covers the block store
// alone): writes fail with a clear ResourceExhausted error, the server stays
// up and serves what it has; once the operator makes room (the tmpfs grows)
// and the server restarts, every acknowledged commit is intact and fsck is clean.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modify, pfsClient, startServer, streamBytes, unary, type CallError } from '../helpers/server.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

let dir: TempDir;
let mounted = false;
let skipReason = '';

beforeAll(async () => {
  dir = await createTempDir('strata-enospc-server');
  if (process.getuid?.() !== 0) {
    skipReason = 'needs root to mount a tmpfs';
    return;
  }
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir.path], { stdio: 'pipe' });
    mounted = true;
  } catch (err) {
    skipReason = `cannot mount a tmpfs here: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  }
});

afterAll(async () => {
  if (mounted) execFileSync('umount', ['-l', dir.path]);
  await dir.remove();
});

describe('the data directory fills up', () => {
  it('refuses writes clearly, keeps serving, and loses nothing acknowledged', async (ctx) => {
    if (!mounted) ctx.skip(skipReason);
    const data = `${dir.path}/data`;
    let server = await startServer({ dataDir: data });
    let client = pfsClient(server.grpcAddress);
    const acked: { id: string; path: string; bytes: Buffer }[] = [];
    let failure: CallError | undefined;
    try {
      await unary(client, 'CreateRepo', { name: 'full' });
      for (let i = 0; i < 40 && !failure; i++) {
        const bytes = randomBytes(1 << 20);
        try {
          const info = await modify(client, [{ header: { target: 'full@main' } }, { putFile: { path: `/f${i}` } }, { data: bytes }]);
          acked.push({ id: info.id, path: `/f${i}`, bytes });
        } catch (err) {
          failure = err as CallError;
        }
      }
      expect(failure, 'the disk never filled').toBeDefined();
      expect(failure!.status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(failure!.code).toBe('STORE_FULL');
      expect(failure!.message).toContain('ENOSPC');
      expect(acked.length).toBeGreaterThan(0);
      // Still serving: reads of what is there work.
      expect((await unary(client, 'InspectRepo', { name: 'full' })).name).toBe('full');
      expect((await streamBytes(client, 'GetFile', { file: `full@${acked[0]!.id}:${acked[0]!.path}` })).equals(acked[0]!.bytes)).toBe(true);
    } finally {
      client.close();
      await server.stop();
    }

    // The operator makes room; the server restarts on the same directory.
    execFileSync('mount', ['-o', 'remount,size=64m', dir.path]);
    server = await startServer({ dataDir: data });
    client = pfsClient(server.grpcAddress);
    try {
      for (const a of acked) expect((await streamBytes(client, 'GetFile', { file: `full@${a.id}:${a.path}` })).equals(a.bytes)).toBe(true);
      expect((await unary(client, 'Fsck', { verifyData: true })).problems).toEqual([]);
      await modify(client, [{ header: { target: 'full@main' } }, { putFile: { path: '/after' } }, { data: Buffer.from('room again') }]);
    } finally {
      client.close();
      await server.stop();
    }
  }, 180_000);
});
