// The conditional-write part of the MetaStore contract: compare-and-set and
// conditional batches, alone and under concurrency.
import { describe, expect, it } from 'vitest';
import type { MetaStore } from '../../src/meta/meta-store.ts';
import { b, collect, dec, type ContractContext } from './meta-store-helpers.ts';

/** Increments a decimal counter by compare-and-set; returns how many attempts it took. */
async function increment(store: MetaStore, key: string): Promise<number> {
  let attempts = 0;
  for (;;) {
    attempts++;
    const current = await store.get(key);
    const next = current === undefined ? 1 : Number(dec.decode(current)) + 1;
    if (await store.compareAndSet(key, current, b(String(next)))) return attempts;
  }
}

export function describeConditionalWrites(t: ContractContext): void {
  describe('compareAndSet', () => {
    it('creates only if absent when expected is undefined', async () => {
      expect(await t.store.compareAndSet('k', undefined, b('1'))).toBe(true);
      expect(await t.store.compareAndSet('k', undefined, b('2'))).toBe(false);
      expect(await t.store.get('k')).toEqual(b('1'));
    });

    it('replaces only when the current value matches byte for byte', async () => {
      await t.store.put('k', b('1'));
      expect(await t.store.compareAndSet('k', b('2'), b('3'))).toBe(false);
      expect(await t.store.compareAndSet('k', b('1 '), b('3'))).toBe(false);
      expect(await t.store.get('k')).toEqual(b('1'));
      expect(await t.store.compareAndSet('k', b('1'), b('3'))).toBe(true);
      expect(await t.store.get('k')).toEqual(b('3'));
    });

    it('fails when a value is expected but the key is absent', async () => {
      expect(await t.store.compareAndSet('k', b('1'), b('2'))).toBe(false);
      expect(await t.store.get('k')).toBeUndefined();
    });

    it('deletes when next is undefined, only if expected matches', async () => {
      await t.store.put('k', b('1'));
      expect(await t.store.compareAndSet('k', b('x'), undefined)).toBe(false);
      expect(await t.store.get('k')).toEqual(b('1'));
      expect(await t.store.compareAndSet('k', b('1'), undefined)).toBe(true);
      expect(await t.store.get('k')).toBeUndefined();
    });

    it('tells an empty value from an absent key', async () => {
      await t.store.put('k', new Uint8Array(0));
      expect(await t.store.compareAndSet('k', undefined, b('x'))).toBe(false);
      expect(await t.store.compareAndSet('k', new Uint8Array(0), b('x'))).toBe(true);
    });

    it('never loses an update: 50 concurrent increments of one counter', async () => {
      const attempts = await Promise.all(Array.from({ length: 50 }, () => increment(t.store, 'counter')));
      expect(dec.decode((await t.store.get('counter'))!)).toBe('50');
      expect(attempts.some((n) => n > 1)).toBe(true); // they really did race
    });

    it('stays correct while plain puts to other keys run at the same time', async () => {
      const puts = Array.from({ length: 20 }, (_, i) => t.store.put(`other/${i}`, b(String(i))));
      const incs = Array.from({ length: 20 }, () => increment(t.store, 'counter'));
      await Promise.all([...puts, ...incs]);
      expect(dec.decode((await t.store.get('counter'))!)).toBe('20');
      expect(await collect(t.store.scan({ prefix: 'other/' }))).toHaveLength(20);
    });
  });

  describe('batch', () => {
    it('applies every op, later ops on a key winning', async () => {
      await t.store.put('gone', b('x'));
      const ok = await t.store.batch([
        { type: 'put', key: 'k1', value: b('1') },
        { type: 'put', key: 'k2', value: b('2') },
        { type: 'del', key: 'gone' },
        { type: 'put', key: 'k1', value: b('1b') },
      ]);
      expect(ok).toBe(true);
      expect(await t.store.get('k1')).toEqual(b('1b'));
      expect(await t.store.get('k2')).toEqual(b('2'));
      expect(await t.store.get('gone')).toBeUndefined();
    });

    it('writes only when every condition holds', async () => {
      await t.store.put('head', b('c1'));
      const ops = [
        { type: 'put' as const, key: 'head', value: b('c2') },
        { type: 'put' as const, key: 'commit/c2', value: b('record') },
      ];
      expect(await t.store.batch(ops, [{ key: 'head', expected: b('c1') }, { key: 'commit/c2', expected: undefined }])).toBe(true);
      expect(await t.store.get('head')).toEqual(b('c2'));
      expect(await t.store.get('commit/c2')).toEqual(b('record'));
    });

    it('writes nothing at all when any condition fails', async () => {
      await t.store.put('head', b('c1'));
      await t.store.put('lock', b('held'));
      const ok = await t.store.batch(
        [
          { type: 'put', key: 'head', value: b('c2') },
          { type: 'put', key: 'commit/c2', value: b('record') },
          { type: 'del', key: 'lock' },
        ],
        [
          { key: 'head', expected: b('c1') }, // holds
          { key: 'commit/c2', expected: b('something') }, // does not
        ],
      );
      expect(ok).toBe(false);
      expect(await t.store.get('head')).toEqual(b('c1'));
      expect(await t.store.get('commit/c2')).toBeUndefined();
      expect(await t.store.get('lock')).toEqual(b('held'));
    });

    it('may condition on keys it does not write, and may write nothing', async () => {
      await t.store.put('guard', b('g'));
      expect(await t.store.batch([{ type: 'put', key: 'k', value: b('v') }], [{ key: 'guard', expected: b('g') }])).toBe(true);
      expect(await t.store.batch([], [{ key: 'guard', expected: b('g') }])).toBe(true);
      expect(await t.store.batch([], [{ key: 'guard', expected: undefined }])).toBe(false);
      expect(await t.store.batch([])).toBe(true);
    });

    it('keeps a total constant under concurrent conditional transfers', async () => {
      await t.store.batch([
        { type: 'put', key: 'acct/a', value: b('100') },
        { type: 'put', key: 'acct/b', value: b('100') },
      ]);
      const transfer = async (from: string, to: string): Promise<void> => {
        for (;;) {
          const [x, y] = await Promise.all([t.store.get(from), t.store.get(to)]);
          const ops = [
            { type: 'put' as const, key: from, value: b(String(Number(dec.decode(x!)) - 1)) },
            { type: 'put' as const, key: to, value: b(String(Number(dec.decode(y!)) + 1)) },
          ];
          if (await t.store.batch(ops, [{ key: from, expected: x }, { key: to, expected: y }])) return;
        }
      };
      await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? transfer('acct/b', 'acct/a') : transfer('acct/a', 'acct/b'))));
      const a = Number(dec.decode((await t.store.get('acct/a'))!));
      const bb = Number(dec.decode((await t.store.get('acct/b'))!));
      expect([a, bb]).toEqual([100 - 10, 100 + 10]);
    });
  });
}
