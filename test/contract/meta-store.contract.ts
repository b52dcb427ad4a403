// The MetaStore contract: one suite every adapter must pass. An adapter's
// test file calls describeMetaStoreContract with a harness that says what
// the adapter supports (as abstract-level's `supports` manifest does).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetaStore, ScanOptions } from '../../src/meta/meta-store.ts';
import { describeConditionalWrites } from './meta-store-cas.contract.ts';
import { describeWatchAndLimits } from './meta-store-watch.contract.ts';
import { b, collect, dec, rejectsWith, type ContractContext } from './meta-store-helpers.ts';

export interface MetaStoreHarness {
  /** Opens the store; with `persistent`, every call opens the same data. */
  open(): Promise<MetaStore>;
  /** Data survives close() and a new open(). */
  persistent: boolean;
  /** While one store is open, a second open() fails with META_LOCKED naming `location`. */
  exclusive: boolean;
  location?: string;
  cleanup(): Promise<void>;
}

// Byte order of UTF-8: U+E000 (EE 80 80) sorts before U+1F600 (F0 9F 98 80),
// although JavaScript's `<` puts the surrogate pair of U+1F600 first.
const SCAN_KEYS = ['a', 'a-b', 'a/b', 'a/c', 'ab', 'b', 'é', 'é/x', '\uE000', '😀', '😀/z'];

export function describeMetaStoreContract(name: string, factory: () => Promise<MetaStoreHarness>): void {
  describe(`MetaStore contract: ${name}`, () => {
    const t = {} as ContractContext & { harness: MetaStoreHarness };
    beforeEach(async () => {
      t.harness = await factory();
      t.store = await t.harness.open();
    });
    afterEach(async () => {
      await t.store.close();
      await t.harness.cleanup();
    });
    describeBasics(t);
    describeScan(t);
    describeConditionalWrites(t);
    describeWatchAndLimits(t);
    describeClose(t);
    describeDurability(t);
  });
}

function describeBasics(t: ContractContext): void {
  describe('get, put, del', () => {
    it('returns undefined for an absent key, the value after put, undefined after del', async () => {
      expect(await t.store.get('k')).toBeUndefined();
      await t.store.put('k', b('v1'));
      expect(await t.store.get('k')).toEqual(b('v1'));
      await t.store.put('k', b('v2'));
      expect(await t.store.get('k')).toEqual(b('v2'));
      await t.store.del('k');
      expect(await t.store.get('k')).toBeUndefined();
      await t.store.del('k'); // absent: not an error
    });

    it('keeps an empty value apart from an absent key', async () => {
      await t.store.put('empty', new Uint8Array(0));
      const value = await t.store.get('empty');
      expect(value).toBeInstanceOf(Uint8Array);
      expect(value!.length).toBe(0);
    });

    it('returns plain Uint8Arrays that callers cannot use to change stored bytes', async () => {
      const input = b('abc');
      await t.store.put('k', input);
      input[0] = 0x7a;
      const out = (await t.store.get('k'))!;
      expect(out.constructor).toBe(Uint8Array);
      out[1] = 0x7a;
      expect(await t.store.get('k')).toEqual(b('abc'));
    });

    it('getMany reads several keys at once, in the order asked, undefined where absent', async () => {
      await t.store.put('m/a', b('1'));
      await t.store.put('m/c', new Uint8Array(0));
      const values = await t.store.getMany(['m/c', 'm/b', 'm/a', 'm/a']);
      expect(values.map((v) => (v === undefined ? undefined : dec.decode(v)))).toEqual(['', undefined, '1', '1']);
      expect(values[0]).toBeInstanceOf(Uint8Array);
      values[2]![0] = 0x7a; // a copy: the stored value stays
      expect(await t.store.get('m/a')).toEqual(b('1'));
      expect(await t.store.getMany([])).toEqual([]);
      await rejectsWith(t.store.getMany(['m/a', '']), 'INVALID_ARGUMENT');
    });

    it('rejects an empty key and a key with a lone surrogate with INVALID_ARGUMENT', async () => {
      await rejectsWith(t.store.put('', b('x')), 'INVALID_ARGUMENT');
      await rejectsWith(t.store.get('a\uD800'), 'INVALID_ARGUMENT');
      await rejectsWith(t.store.batch([{ type: 'put', key: '', value: b('x') }]), 'INVALID_ARGUMENT');
    });
  });
}

function describeScan(t: ContractContext): void {
  describe('scan', () => {
    beforeEach(async () => {
      for (const key of [...SCAN_KEYS].reverse()) await t.store.put(key, b(`v:${key}`));
    });
    const cases: Array<[string, ScanOptions, string[]]> = [
      ['everything, in UTF-8 byte order', {}, SCAN_KEYS],
      ['a prefix', { prefix: 'a/' }, ['a/b', 'a/c']],
      ['a prefix that is also a key', { prefix: 'a' }, ['a', 'a-b', 'a/b', 'a/c', 'ab']],
      ['a multibyte prefix', { prefix: 'é' }, ['é', 'é/x']],
      ['an astral-plane prefix', { prefix: '😀' }, ['😀', '😀/z']],
      ['gte', { gte: 'é' }, ['é', 'é/x', '\uE000', '😀', '😀/z']],
      ['lt', { lt: 'a/c' }, ['a', 'a-b', 'a/b']],
      ['gte and lt', { gte: 'a/b', lt: 'b' }, ['a/b', 'a/c', 'ab']],
      ['prefix with gte and lt inside it', { prefix: 'a', gte: 'a-', lt: 'a/c' }, ['a-b', 'a/b']],
      ['prefix with bounds outside it', { prefix: 'a/', gte: '0', lt: 'z' }, ['a/b', 'a/c']],
      ['an empty range', { gte: 'b', lt: 'b' }, []],
      ['an inverted range', { gte: 'c', lt: 'a' }, []],
      ['a prefix that matches nothing', { prefix: 'zz' }, []],
      ['limit', { limit: 3 }, ['a', 'a-b', 'a/b']],
      ['limit 0', { limit: 0 }, []],
      ['reverse', { reverse: true }, [...SCAN_KEYS].reverse()],
      ['reverse with limit takes from the end', { reverse: true, limit: 2 }, ['😀/z', '😀']],
      ['reverse with prefix and limit', { prefix: 'a', reverse: true, limit: 2 }, ['ab', 'a/c']],
      ['reverse with gte and lt', { gte: 'a/b', lt: 'é', reverse: true }, ['b', 'ab', 'a/c', 'a/b']],
    ];
    it.each(cases)('%s', async (_label, options, expected) => {
      expect(await collect(t.store.scan(options))).toEqual(expected);
    });

    it('yields each key with its value', async () => {
      const entries: Array<[string, string]> = [];
      for await (const [key, value] of t.store.scan({ prefix: 'a/' })) entries.push([key, dec.decode(value)]);
      expect(entries).toEqual([
        ['a/b', 'v:a/b'],
        ['a/c', 'v:a/c'],
      ]);
    });

    it('rejects a bad limit with INVALID_ARGUMENT when iterated', async () => {
      await rejectsWith(collect(t.store.scan({ limit: -1 })), 'INVALID_ARGUMENT');
      await rejectsWith(collect(t.store.scan({ limit: 1.5 })), 'INVALID_ARGUMENT');
    });

    it('reads one snapshot: writes during iteration are not seen', async () => {
      const seen: string[] = [];
      for await (const [key] of t.store.scan({ prefix: 'a' })) {
        if (seen.length === 0) {
          await t.store.put('a/bb', b('new'));
          await t.store.del('ab');
        }
        seen.push(key);
      }
      expect(seen).toEqual(['a', 'a-b', 'a/b', 'a/c', 'ab']);
      expect(await collect(t.store.scan({ prefix: 'a/' }))).toEqual(['a/b', 'a/bb', 'a/c']);
    });

    it('can stop early and keep using the t.store', async () => {
      for await (const [key] of t.store.scan()) {
        expect(key).toBe('a');
        break;
      }
      await t.store.put('zz', b('z'));
      expect(await t.store.get('zz')).toEqual(b('z'));
    });
  });
}

function describeClose(t: ContractContext): void {
  describe('close', () => {
    it('is idempotent, and later calls fail with META_CLOSED', async () => {
      await t.store.put('k', b('v'));
      await t.store.close();
      await t.store.close();
      await rejectsWith(t.store.get('k'), 'META_CLOSED');
      await rejectsWith(t.store.put('k', b('v')), 'META_CLOSED');
      await rejectsWith(t.store.compareAndSet('k', undefined, b('v')), 'META_CLOSED');
      await rejectsWith(t.store.batch([]), 'META_CLOSED');
      await rejectsWith(collect(t.store.scan()), 'META_CLOSED');
    });
  });
}

function describeDurability(t: ContractContext & { harness: MetaStoreHarness }): void {
  describe('durability and exclusivity', () => {
    it('keeps data across close and reopen', async (ctx) => {
      if (!t.harness.persistent) ctx.skip();
      await t.store.put('k', b('v'));
      await t.store.batch([{ type: 'put', key: 'k2', value: b('v2') }], [{ key: 'k', expected: b('v') }]);
      await t.store.close();
      t.store = await t.harness.open();
      expect(await t.store.get('k')).toEqual(b('v'));
      expect(await collect(t.store.scan())).toEqual(['k', 'k2']);
    });

    it('refuses a second open of the same data with META_LOCKED naming the location', async (ctx) => {
      if (!t.harness.exclusive) ctx.skip();
      const err = await rejectsWith(t.harness.open(), 'META_LOCKED');
      expect(err.message).toContain(t.harness.location!);
      expect(err.message).toContain('locked by another strata process');
      expect(err.cause).toBeDefined();
      await t.store.put('still', b('works'));
      expect(await t.store.get('still')).toEqual(b('works'));
    });
  });
}
