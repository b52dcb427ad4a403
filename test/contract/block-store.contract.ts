// The one contract every BlockStore adapter must keep, run against each of
// them by block-store.test.ts. A new adapter passes this before anything else.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlockStore } from '../../src/blocks/block-store.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of keys) out.push(key);
  return out;
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** `factory` returns a fresh, empty store for each test; the suite closes it. */
export function describeBlockStoreContract(name: string, factory: () => Promise<BlockStore>): void {
  describe(`BlockStore contract: ${name}`, () => {
    let store: BlockStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    it('describes itself for error messages', () => {
      expect(store.description).toEqual(expect.any(String));
      expect(store.description.length).toBeGreaterThan(0);
    });

    it('puts and gets an object', async () => {
      await store.put('a/b/c', bytes('hello'));
      expect(text(await store.get('a/b/c'))).toBe('hello');
    });

    it('stores an empty object', async () => {
      await store.put('empty', new Uint8Array(0));
      expect((await store.get('empty')).byteLength).toBe(0);
      expect(await store.stat('empty')).toEqual({ size: 0 });
      expect(await store.has('empty')).toBe(true);
      expect((await store.getRange('empty', 0, 10)).byteLength).toBe(0);
    });

    it('round-trips a 5 MiB object', async () => {
      const data = randomBytes(5 * 1024 * 1024 + 17);
      await store.put('packs/big', data);
      expect(Buffer.from(await store.get('packs/big')).equals(data)).toBe(true);
      expect(await store.stat('packs/big')).toEqual({ size: data.length });
      const middle = await store.getRange('packs/big', 3 * 1024 * 1024, 1000);
      expect(Buffer.from(middle).equals(data.subarray(3 * 1024 * 1024, 3 * 1024 * 1024 + 1000))).toBe(true);
    });

    it('keeps every byte value intact', async () => {
      const data = new Uint8Array(4096).map((_, i) => (i * 7) % 256);
      data.set([0x00, 0x0d, 0x0a, 0xff, 0xfe, 0xef, 0xbb, 0xbf], 100);
      await store.put('binary', data);
      expect(Buffer.from(await store.get('binary')).equals(Buffer.from(data))).toBe(true);
    });

    it('stores a copy: later changes to either buffer do not reach the store', async () => {
      const data = bytes('original');
      await store.put('copy', data);
      data.fill(0);
      const read = await store.get('copy');
      read.fill(0);
      expect(text(await store.get('copy'))).toBe('original');
    });

    it('replaces an object whole on overwrite', async () => {
      await store.put('k', bytes('a much longer first version'));
      await store.put('k', bytes('short'));
      expect(text(await store.get('k'))).toBe('short');
      expect(await store.stat('k')).toEqual({ size: 5 });
    });

    describe('getRange', () => {
      beforeEach(async () => {
        await store.put('r', bytes('0123456789'));
      });
      it('reads from the middle', async () => {
        expect(text(await store.getRange('r', 2, 3))).toBe('234');
      });
      it('reads from the start and up to exactly the end', async () => {
        expect(text(await store.getRange('r', 0, 1))).toBe('0');
        expect(text(await store.getRange('r', 6, 4))).toBe('6789');
      });
      it('returns fewer bytes when the range runs past the end', async () => {
        expect(text(await store.getRange('r', 7, 100))).toBe('789');
      });
      it('returns no bytes at or past the end, or for length 0', async () => {
        expect((await store.getRange('r', 10, 5)).byteLength).toBe(0);
        expect((await store.getRange('r', 50, 5)).byteLength).toBe(0);
        expect((await store.getRange('r', 3, 0)).byteLength).toBe(0);
      });
      it('reads the same bytes when given a buffer to read into, big enough or not', async () => {
        const into = new Uint8Array(16).fill(0x2a);
        expect(text(await store.getRange('r', 2, 3, { into }))).toBe('234');
        expect(text(await store.getRange('r', 7, 100, { into: new Uint8Array(4) }))).toBe('789'); // too small for the request: ignored
        const got = await store.getRange('r', 4, 6, { into });
        expect(text(got)).toBe('456789');
        // A store that used the buffer returned a view of it; one that did not left it alone.
        if (got.buffer === into.buffer) expect(text(into.subarray(got.byteOffset - into.byteOffset, got.byteOffset - into.byteOffset + 6))).toBe('456789');
        else expect(into.subarray(6).every((b) => b === 0x2a)).toBe(true);
      });
    });

    it('getRange sees an overwrite and a delete made after an earlier read of the object', async () => {
      // A store may keep a read handle between ranged reads (the local directory does); its own writes must still show.
      await store.put('o', bytes('first version'));
      expect(text(await store.getRange('o', 0, 5))).toBe('first');
      await store.put('o', bytes('SECOND'));
      expect(text(await store.getRange('o', 0, 6))).toBe('SECOND');
      await store.delete('o');
      await expect(store.getRange('o', 0, 1)).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
    });

    it('stats and has: size when present, undefined/false when absent', async () => {
      await store.put('s/x', bytes('abc'));
      expect(await store.stat('s/x')).toEqual({ size: 3 });
      expect(await store.has('s/x')).toBe(true);
      expect(await store.stat('s/missing')).toBeUndefined();
      expect(await store.has('s/missing')).toBe(false);
      expect(await store.has('s')).toBe(false);
    });

    it('deletes, and deleting an absent key is not an error', async () => {
      await store.put('d/x', bytes('x'));
      await store.delete('d/x');
      expect(await store.has('d/x')).toBe(false);
      await expect(store.get('d/x')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
      await store.delete('d/x');
      await store.delete('never/was');
      expect(await collect(store.list(''))).toEqual([]);
    });

    it('fails get and getRange of a missing key with OBJECT_NOT_FOUND naming the key', async () => {
      await expect(store.get('no/such/key')).rejects.toMatchObject({
        code: 'OBJECT_NOT_FOUND',
        kind: 'NotFound',
        message: expect.stringContaining('no/such/key'),
      });
      await expect(store.getRange('no/such/key', 0, 10)).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
      await expect(store.getRange('no/such/key', 5, 0)).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
    });

    it('lists keys by prefix in ascending byte order', async () => {
      // No key is also a directory of others ("a" and "a/b"): the local store cannot hold both.
      const keys = ['a0', 'a/b', 'a-c', 'a/a/z', 'b', 'a.x', 'a/a_1', 'a/a-1', 'packs/00/ff', 'packs/0f/00', 'z9'];
      for (const key of keys) await store.put(key, bytes(key));
      const sorted = [...keys].sort(byteOrder);
      expect(await collect(store.list(''))).toEqual(sorted);
      expect(await collect(store.list('a/'))).toEqual(sorted.filter((k) => k.startsWith('a/')));
      expect(await collect(store.list('a'))).toEqual(sorted.filter((k) => k.startsWith('a')));
      expect(await collect(store.list('a/a'))).toEqual(['a/a-1', 'a/a/z', 'a/a_1']);
      expect(await collect(store.list('packs/0'))).toEqual(['packs/00/ff', 'packs/0f/00']);
      expect(await collect(store.list('nothing'))).toEqual([]);
    });

    it('lists past one page of results', async () => {
      const keys = Array.from({ length: 25 }, (_, i) => `many/${String(i).padStart(3, '0')}`);
      await Promise.all(keys.map((key) => store.put(key, bytes(key))));
      expect(await collect(store.list('many/'))).toEqual(keys);
    });

    it('takes concurrent puts of different keys', async () => {
      const objects = Array.from({ length: 24 }, (_, i) => ({ key: `c/${i}`, data: randomBytes(1000 + i * 997) }));
      await Promise.all(objects.map(({ key, data }) => store.put(key, data)));
      for (const { key, data } of objects) expect(Buffer.from(await store.get(key)).equals(data)).toBe(true);
      expect((await collect(store.list('c/'))).length).toBe(objects.length);
    });
  });
}
