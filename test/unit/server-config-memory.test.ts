// The memory settings of server/config.ts: defaults, flags over environment,
// the size syntax, and bad values refused with a message naming the flag.
import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadConfig, parseSize } from '../../server/config.ts';

describe('server memory settings', () => {
  it('default to the documented bounds', () => {
    expect(loadConfig([], {}).memory).toEqual(DEFAULTS.memory);
  });

  it('take flags over environment variables, in bytes or KiB/MiB/GiB', () => {
    const c = loadConfig(['--index-cache', '16MiB', '--chunk-index-mem-entries', '5000'], { STRATA_INDEX_CACHE: '1GiB', STRATA_CHUNK_CACHE: '512k', STRATA_GC_MARK_MEM_ENTRIES: '10', STRATA_META_CACHE: '0' });
    expect(c.memory).toEqual({ indexCacheBytes: 16 << 20, chunkCacheBytes: 512 << 10, chunkIndexMemEntries: 5000, gcMarkMemEntries: 10, metaCacheBytes: 0 });
  });

  it('parses sizes', () => {
    expect(parseSize('65536', '--x')).toBe(65536);
    expect(parseSize('1GiB', '--x')).toBe(1 << 30);
    expect(parseSize('3 M', '--x')).toBe(3 << 20);
    for (const bad of ['', '-1', '1.5MiB', '64MB', 'lots', '1TiB']) expect(() => parseSize(bad, '--chunk-cache')).toThrow(/invalid --chunk-cache/);
  });

  it('refuses a count below one', () => {
    expect(() => loadConfig(['--gc-mark-mem-entries', '0'], {})).toThrow('invalid --gc-mark-mem-entries "0": expected a whole number of at least 1');
    expect(() => loadConfig([], { STRATA_CHUNK_INDEX_MEM_ENTRIES: 'many' })).toThrow(/invalid --chunk-index-mem-entries "many"/);
  });
});
