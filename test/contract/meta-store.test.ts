// Runs the MetaStore contract on every adapter, plus what only LevelDB has.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../src/errors/index.ts';
import { createLevelMetaStore } from '../../src/meta/level-meta-store.ts';
import { createMemoryMetaStore } from '../../src/meta/memory-meta-store.ts';
import { describeMetaStoreContract } from './meta-store.contract.ts';
import { splitBatch } from '../../src/meta/meta-store.ts';

describeMetaStoreContract('memory', async () => ({
  open: async () => createMemoryMetaStore(),
  persistent: false,
  exclusive: false,
  cleanup: async () => undefined,
}));

describeMetaStoreContract('leveldb', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-meta-'));
  const path = join(dir, 'meta');
  return {
    open: () => createLevelMetaStore({ path }),
    persistent: true,
    exclusive: true,
    location: path,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('createLevelMetaStore', () => {
  it('creates missing parent directories', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-meta-'));
    try {
      const store = await createLevelMetaStore({ path: join(dir, 'a', 'b', 'meta') });
      await store.put('k', new Uint8Array([1]));
      expect(store.description).toBe(`leveldb at ${join(dir, 'a', 'b', 'meta')}`);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with META_LOCKED naming the path while another process has it open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-meta-'));
    const path = join(dir, 'meta');
    // The other process opens the database with classic-level itself and holds it.
    const holder = spawn(process.execPath, ['-e', `
      const { ClassicLevel } = require('classic-level');
      const db = new ClassicLevel(${JSON.stringify(path)});
      db.open().then(() => process.stdout.write('ready\\n'));
      process.stdin.on('end', () => db.close().then(() => process.exit(0)));
      process.stdin.resume();`], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await once(holder.stdout, 'data');
      const err = await createLevelMetaStore({ path }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isStrataError(err, 'META_LOCKED')).toBe(true);
      expect((err as Error).message).toBe(`metadata at ${path} is locked by another strata process; stop it or use another data directory`);
    } finally {
      holder.stdin.end();
      await once(holder, 'exit');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('wraps an open failure in META_IO naming the path, with the LevelDB error as cause', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-meta-'));
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    try {
      const err = await createLevelMetaStore({ path: file }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isStrataError(err, 'META_IO')).toBe(true);
      expect((err as Error).message).toContain(file);
      expect((err as Error).cause).toBeDefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('splitBatch', () => {
  const put = (key: string, n: number) => ({ type: 'put' as const, key, value: new Uint8Array(n) });
  it('keeps each part within the op and byte limits, with room for the conditions, in order', () => {
    const ops = Array.from({ length: 10 }, (_, i) => put(`k${i}`, 100)); // 102 bytes each
    const conditions = [{ key: 'c', expected: new Uint8Array(9) }]; // 10 bytes
    const parts = splitBatch(ops, { maxOps: 4, maxBytes: 1000 }, conditions);
    expect(parts.map((p) => p.length)).toEqual([3, 3, 3, 1]);
    expect(parts.flat()).toEqual(ops);
    const byBytes = splitBatch(ops, { maxOps: 100, maxBytes: 320 }, conditions);
    expect(byBytes.map((p) => p.length)).toEqual([3, 3, 3, 1]);
  });

  it('puts an op larger than the byte limit alone (the store then refuses it)', () => {
    expect(splitBatch([put('a', 10), put('b', 5000), put('c', 10)], { maxOps: 10, maxBytes: 100 }).map((p) => p.map((o) => o.key))).toEqual([['a'], ['b'], ['c']]);
  });
});
