// A kill -9 during GC leaves its lock and sweep fence in the metadata. On a
// store only this process opens (LevelDB), they can only be a dead
// process's: reopening drops them, so writes and the next GC go ahead at
// once instead of waiting out the lease (--lease-ms, 30 s by default).
import { describe, expect, it } from 'vitest';
import { GC_LOCK_KEY, GC_SWEEPING_KEY } from '../../src/meta/keys.ts';
import { openPfsAt, put, ref } from '../helpers/pfs.ts';
import { createTempDir } from '../helpers/tmp.ts';

describe('leases of a process that died', () => {
  it('are dropped when an unshared store is opened: puts and GC proceed', async () => {
    const tmp = await createTempDir('strata-dead-leases');
    const first = await openPfsAt(tmp.path);
    await first.pfs.createRepo(ref('r').repo);
    await put(first.pfs, 'r@main:/a', Buffer.from('before'));
    const lease = Buffer.from(JSON.stringify({ owner: 'dead', until: Date.now() + 3_600_000 }));
    await first.pfs.context.meta.put(GC_LOCK_KEY, lease);
    await first.pfs.context.meta.put(GC_SWEEPING_KEY, lease);
    await first.pfs.context.meta.put('finishing/r/0123456789abcdef0123456789abcdef', lease);
    await first.close();

    const second = await openPfsAt(tmp.path);
    expect(await second.pfs.context.meta.get(GC_LOCK_KEY)).toBeUndefined();
    expect(await second.pfs.context.meta.get(GC_SWEEPING_KEY)).toBeUndefined();
    expect(await second.pfs.context.meta.get('finishing/r/0123456789abcdef0123456789abcdef')).toBeUndefined();
    await put(second.pfs, 'r@main:/b', Buffer.from('after'));
    await second.pfs.gc({ graceMs: 0 });
    expect((await second.pfs.fsck({})).problems).toEqual([]);
    await second.close();
    await tmp.remove();
  });
});
