// Restart after an unclean stop, and garbage collection, through the public
// functions of src/pfs on LevelDB and a local chunk store.
import { describe, expect, it } from 'vitest';
import * as keys from '../../src/meta/keys.ts';
import { collect, seededBytes, streamOf } from '../helpers/bytes.ts';
import { all, branch, createTestPfs, get, path, put, ref, repo } from '../helpers/pfs.ts';

describe('restart', () => {
  it('keeps explicit open commits intact, aborts cut-short one-off commits, finishes cut-short repo deletes', async () => {
    let t = await createTestPfs();
    await t.pfs.createRepo(repo('kept'));
    const open = await t.pfs.startCommit(repo('kept'), branch('main'));
    const w = await t.pfs.openWriter(repo('kept'), { commit: open.id });
    await w.put(path('/staged.txt'), streamOf(Buffer.from('staged')));
    await w.close(); // acknowledged: staged durably, the commit stays open
    await t.pfs.createRepo(repo('oneoff'));
    await put(t.pfs, 'oneoff@main:/a', 'a');
    const cut = await t.pfs.openWriter(repo('oneoff'), { branch: branch('main') }); // a one-off commit, never closed
    await cut.put(path('/b'), streamOf(Buffer.from('b')));
    await t.pfs.createRepo(repo('gone'));
    await put(t.pfs, 'gone@main:/x', 'x');
    await t.pfs.context.meta.del(keys.repoKey(repo('gone'))); // a delete cut short after its first step
    const stale = { ...t };
    t = { ...(await stale.reopen()), remove: stale.remove };

    const kept = await t.pfs.inspectCommit(ref(`kept@${open.id}`));
    expect(kept.state).toBe('open');
    expect(await get(t.pfs, 'kept@main:/staged.txt')).toBe('staged');
    await t.pfs.finishCommit(ref('kept@main'));
    expect(await get(t.pfs, 'kept@main:/staged.txt')).toBe('staged');

    const head = await t.pfs.inspectCommit(ref('oneoff@main'));
    expect(head.state).toBe('finished');
    expect((await all(t.pfs.walkFiles(ref('oneoff@main'), path('/')))).map((f) => f.path)).toEqual(['/a']);
    await put(t.pfs, 'oneoff@main:/c', 'c'); // the branch takes writes again

    await t.pfs.createRepo(repo('gone'));
    await expect(t.pfs.inspectCommit(ref('gone@main'))).rejects.toMatchObject({ code: 'BRANCH_NOT_FOUND' });
    await t.remove();
  });
});

describe('garbage collection', () => {
  it('reclaims the chunks only dropped commits used, keeps everything live, and fsck stays clean', async () => {
    const t = await createTestPfs();
    await t.pfs.createRepo(repo('gc'));
    const keep = seededBytes('keep', 600_000);
    const drop = seededBytes('drop', 900_000);
    await t.pfs.putFile(repo('gc'), { branch: branch('main') }, path('/keep.bin'), streamOf(keep));
    await t.pfs.putFile(repo('gc'), { branch: branch('main') }, path('/drop.bin'), streamOf(drop));
    const before = t.pfs.context.chunks.stats().chunks;
    const early = await t.pfs.gc({ graceMs: 0 });
    expect(early.deadChunks).toBe(0); // everything is referenced
    await t.pfs.dropCommit(ref('gc@main'));
    const report = await t.pfs.gc({ graceMs: 0 });
    expect(report.deadChunks).toBeGreaterThan(5);
    expect(report.deadBytes).toBeGreaterThanOrEqual(900_000);
    expect(t.pfs.context.chunks.stats().chunks).toBeLessThan(before);
    const fsck = await t.pfs.fsck({ verifyData: true });
    expect(fsck.problems).toEqual([]);
    expect(fsck.data!.problems).toEqual([]);
    expect((await collect(await t.pfs.getFile(ref('gc@main'), path('/keep.bin')))).equals(keep)).toBe(true);
    await t.remove();
  });

  it('spares recent uploads within the grace period', async () => {
    const t = await createTestPfs();
    await t.pfs.createRepo(repo('grace'));
    const w = await t.pfs.openWriter(repo('grace'), { branch: branch('main') });
    await w.put(path('/in-flight.bin'), streamOf(seededBytes('in-flight', 300_000)));
    const report = await t.pfs.gc({ graceMs: 60_000 });
    expect(report.deadChunks).toBe(0);
    await w.close();
    const back = await collect(await t.pfs.getFile(ref('grace@main'), path('/in-flight.bin')));
    expect(back.equals(seededBytes('in-flight', 300_000))).toBe(true);
    await t.remove();
  });

  it('fsck names the commit and file whose chunk is missing', async () => {
    const t = await createTestPfs();
    await t.pfs.createRepo(repo('broken'));
    await t.pfs.putFile(repo('broken'), { branch: branch('main') }, path('/f.bin'), streamOf(seededBytes('f', 100_000)));
    const info = await t.pfs.inspectFile(ref('broken@main'), path('/f.bin'));
    t.pfs.context.chunks.forget(Buffer.from(info.chunks![0]!.hash, 'hex'));
    const fsck = await t.pfs.fsck();
    expect(fsck.problems).toContainEqual(expect.objectContaining({ repo: 'broken', path: '/f.bin', detail: expect.stringContaining(info.chunks![0]!.hash) }));
    await t.remove();
  });
});
