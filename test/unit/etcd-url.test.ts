import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../src/errors/index.ts';
import { parseEtcdUrl } from '../../src/meta/etcd-url.ts';
import { loadConfig } from '../../server/config.ts';

describe('parseEtcdUrl', () => {
  it('reads endpoints, prefix and limits', () => {
    expect(parseEtcdUrl('etcd://a:2379')).toEqual({ endpoints: ['a:2379'], prefix: 'strata/' });
    expect(parseEtcdUrl('etcd://10.0.0.1:2379,b.example:2380/team-a?max-txn-ops=1024&max-request-bytes=8388608')).toEqual({
      endpoints: ['10.0.0.1:2379', 'b.example:2380'],
      prefix: 'team-a/',
      maxTxnOps: 1024,
      maxRequestBytes: 8388608,
    });
    expect(parseEtcdUrl('etcd://[::1]:2379/x/').prefix).toBe('x/');
  });

  it.each([
    ['etcd://', 'is not HOST:PORT'],
    ['etcd://host', 'is not HOST:PORT'],
    ['etcd://h:1,h:99999', 'endpoint "h:99999"'],
    ['etcd://h:1?max-txn-ops=0', 'max-txn-ops must be a positive whole number'],
    ['etcd://h:1?retries=3', 'unknown option "retries"'],
  ])('refuses %s naming the problem', (value, why) => {
    let err: unknown;
    try {
      parseEtcdUrl(value);
    } catch (e) {
      err = e;
    }
    expect(isStrataError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect((err as Error).message).toContain(why);
  });
});

describe('--meta', () => {
  it('defaults to LevelDB, and takes etcd from the flag or STRATA_META', () => {
    expect(loadConfig([], {}).meta).toEqual({ kind: 'leveldb' });
    expect(loadConfig(['--meta', 'etcd://h:2379'], {}).meta).toEqual({ kind: 'etcd', endpoints: ['h:2379'], prefix: 'strata/' });
    expect(loadConfig([], { STRATA_META: 'etcd://h:1/p' }).meta).toMatchObject({ kind: 'etcd', prefix: 'p/' });
    expect(() => loadConfig(['--meta', 'postgres://x'], {})).toThrow('expected leveldb or etcd://');
  });
});
