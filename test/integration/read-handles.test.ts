// The local block store's kept read handles (src/blocks/read-handles.ts) on
// real files: bounded in number, closed when idle, and never serving a file
// this process replaced or deleted. Open descriptors are counted in /proc.
import { readdir, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadHandles } from '../../src/blocks/read-handles.ts';
import { createLocalBlockStore } from '../../src/blocks/local-block-store.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

/** Descriptors this process holds open on files under `dir`. */
async function openUnder(dir: string): Promise<number> {
  let n = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(dir)) n++;
  }
  return n;
}

describe.skipIf(process.platform !== 'linux')('read handles', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await createTempDir('strata-read-handles');
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('keeps at most `max` files open, reusing a handle for the next read of the same file', async () => {
    const handles = new ReadHandles({ max: 2, idleMs: 60_000 });
    const paths = await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => {
        const p = join(dir.path, `f${i}`);
        await writeFile(p, `file ${i}`);
        return p;
      }),
    );
    const seen: unknown[] = [];
    for (let round = 0; round < 2; round++) {
      await handles.use(paths[0]!, async (h) => void seen.push(h));
    }
    expect(seen[0]).toBe(seen[1]);
    for (const p of paths) {
      const text = await handles.use(p, async (h) => (await h.readFile()).toString());
      expect(text).toBe(`file ${paths.indexOf(p)}`);
    }
    expect(handles.size).toBe(2);
    expect(await openUnder(dir.path)).toBeLessThanOrEqual(2);
    await handles.closeAll();
    await vi.waitFor(async () => expect(await openUnder(dir.path)).toBe(0));
  });

  it('closes handles left idle', async () => {
    const handles = new ReadHandles({ max: 8, idleMs: 20 });
    const p = join(dir.path, 'f');
    await writeFile(p, 'x');
    await handles.use(p, async () => undefined);
    expect(handles.size).toBe(1);
    await vi.waitFor(async () => {
      expect(handles.size).toBe(0);
      expect(await openUnder(dir.path)).toBe(0);
    });
  });

  it('a handle in use is closed only once its read is done', async () => {
    const handles = new ReadHandles({ max: 1, idleMs: 60_000 });
    const a = join(dir.path, 'a');
    const b = join(dir.path, 'b');
    await writeFile(a, 'aaaa');
    await writeFile(b, 'bbbb');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = handles.use(a, async (h) => {
      await gate;
      return (await h.readFile()).toString();
    });
    await handles.use(b, async () => undefined); // evicts nothing in use
    handles.forget(a);
    release();
    expect(await slow).toBe('aaaa');
    await handles.closeAll();
  });

  it('the local store reads what it last wrote, and nothing after it deleted it, with handles kept', async () => {
    const store = await createLocalBlockStore({ root: join(dir.path, 'store') });
    await store.put('packs/aa/x', Buffer.from('version one'));
    expect(Buffer.from(await store.getRange('packs/aa/x', 0, 7)).toString()).toBe('version');
    await store.put('packs/aa/x', Buffer.from('VERSION TWO'));
    expect(Buffer.from(await store.getRange('packs/aa/x', 0, 7)).toString()).toBe('VERSION');
    await store.delete('packs/aa/x');
    await expect(store.getRange('packs/aa/x', 0, 1)).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
    await store.close();
  });
});
