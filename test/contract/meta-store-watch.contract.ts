// The watch and batch-limit part of the MetaStore contract.
import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../src/meta/meta-store.ts';
import { b, collect, dec, rejectsWith, type ContractContext } from './meta-store-helpers.ts';

const show = (e: WatchEvent): string => `${e.key}=${e.value ? dec.decode(e.value) : '-'} (was ${e.prev ? dec.decode(e.prev) : '-'})`;

/** Waits until `events` holds `n` entries; the store delivers them asynchronously (etcd) or at once (local). */
async function until(events: WatchEvent[], n: number): Promise<void> {
  for (let i = 0; events.length < n && i < 500; i++) await new Promise((r) => setTimeout(r, 10));
}

export function describeWatchAndLimits(t: ContractContext): void {
  describe('watch', () => {
    it('sees puts, deletes and batch writes under its prefix, in order, with the previous value', async () => {
      const events: WatchEvent[] = [];
      await t.store.put('w/old', b('0'));
      const stop = await t.store.watch('w/', (e) => events.push(e));
      await t.store.put('w/a', b('1'));
      await t.store.put('other', b('x'));
      await t.store.compareAndSet('w/a', b('1'), b('2'));
      await t.store.batch([{ type: 'put', key: 'w/b', value: b('3') }, { type: 'del', key: 'w/old' }]);
      await t.store.del('w/a');
      await until(events, 5);
      await stop();
      const byKey = (k: string) => events.filter((e) => e.key === k).map(show);
      expect(byKey('w/a')).toEqual(['w/a=1 (was -)', 'w/a=2 (was 1)', 'w/a=- (was 2)']);
      expect(byKey('w/b')).toEqual(['w/b=3 (was -)']);
      expect(byKey('w/old')).toEqual(['w/old=- (was 0)']);
      expect(events).toHaveLength(5);
      expect(events.map((e) => e.key).indexOf('w/a')).toBe(0);
    });

    it('reports nothing for a failed compare-and-set, and nothing after stop', async () => {
      const events: WatchEvent[] = [];
      const stop = await t.store.watch('w/', (e) => events.push(e));
      expect(await t.store.compareAndSet('w/k', b('nope'), b('1'))).toBe(false);
      await t.store.put('w/marker', b('m'));
      await until(events, 1);
      await stop();
      await t.store.put('w/after', b('a'));
      await t.store.put('w/after2', b('a'));
      expect(events.map(show)).toEqual(['w/marker=m (was -)']);
    });
  });

  describe('batch limits', () => {
    it('refuses a batch over the store limits with META_BATCH_TOO_LARGE and writes nothing', async (ctx) => {
      const { maxOps } = t.store.limits;
      if (maxOps === Infinity) ctx.skip();
      const ops = Array.from({ length: maxOps + 1 }, (_, i) => ({ type: 'put' as const, key: `big/${i}`, value: b('v') }));
      const err = await rejectsWith(t.store.batch(ops), 'META_BATCH_TOO_LARGE');
      expect(err.message).toContain(`${maxOps + 1} ops`);
      expect(await collect(t.store.scan({ prefix: 'big/' }))).toEqual([]);
      expect(await t.store.batch(ops.slice(0, maxOps))).toBe(true);
    });
  });
}
