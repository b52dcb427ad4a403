// Multipart uploads in the core (src/pfs/uploads.ts): parts are durable
// (they survive a restart), GC keeps their chunks, completing writes one
// commit from the parts' chunks, aborting leaves nothing behind.
import { afterEach, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';
import { branch, openPfsAt, path, repo, type TestPfs } from '../helpers/pfs.ts';
import type { Ref } from '../../src/ref.ts';

async function* from(...parts: Buffer[]): AsyncGenerator<Uint8Array> {
  yield* parts;
}

async function read(t: TestPfs, ref: Ref, p: string): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of await t.pfs.getFile(ref, path(p))) out.push(b as Buffer);
  return Buffer.concat(out);
}

const main: Ref = { repo: repo('up'), target: { kind: 'branch', branch: branch('main') }, ancestry: null, path: null, trailingSlash: false };

describe('multipart uploads in the core', () => {
  let tmp: TempDir | undefined;
  let t: TestPfs | undefined;
  afterEach(async () => {
    await t?.close();
    await tmp?.remove();
  });

  it('keeps parts across a restart and through GC, then completes them as one commit', async () => {
    tmp = await createTempDir('strata-uploads');
    t = await openPfsAt(tmp.path);
    await t.pfs.createRepo(repo('up'));
    const up = await t.pfs.uploads.create(repo('up'), branch('main'), path('/big.bin'));
    const p1 = Buffer.alloc(3 << 20, 1);
    const p2 = Buffer.alloc(1 << 20, 2);
    await t.pfs.uploads.putPart(repo('up'), up.id, 2, from(p2));
    await t.pfs.uploads.putPart(repo('up'), up.id, 1, from(p1));
    t = await t.reopen();
    const report = await t.pfs.gc({ graceMs: 0 });
    expect(report).toBeDefined();
    expect((await t.pfs.uploads.listParts(repo('up'), up.id)).map((p) => [p.part, p.size])).toEqual([[1, p1.length], [2, p2.length]]);
    const done = await t.pfs.uploads.complete(repo('up'), up.id, [1, 2]);
    expect(done.size).toBe(p1.length + p2.length);
    expect((await read(t, main, '/big.bin')).equals(Buffer.concat([p1, p2]))).toBe(true);
    const log = [];
    for await (const c of t.pfs.log(main)) log.push(c);
    expect(log).toHaveLength(1);
    await expect(t.pfs.uploads.inspect(repo('up'), up.id)).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
    expect(await t.pfs.uploads.list(repo('up'))).toEqual([]);
  });

  it('refuses a part number out of range and a part of an aborted upload', async () => {
    tmp = await createTempDir('strata-uploads');
    t = await openPfsAt(tmp.path);
    await t.pfs.createRepo(repo('up'));
    const up = await t.pfs.uploads.create(repo('up'), branch('main'), path('/x'));
    await expect(t.pfs.uploads.putPart(repo('up'), up.id, 0, from(Buffer.from('x')))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(t.pfs.uploads.putPart(repo('up'), up.id, 10_001, from(Buffer.from('x')))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await t.pfs.uploads.putPart(repo('up'), up.id, 1, from(Buffer.from('gone')));
    await t.pfs.uploads.abort(repo('up'), up.id);
    await expect(t.pfs.uploads.putPart(repo('up'), up.id, 2, from(Buffer.from('late')))).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
    await expect(t.pfs.uploads.complete(repo('up'), up.id, [1])).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
    await expect(t.pfs.inspectCommit(main)).rejects.toMatchObject({ kind: 'NotFound' });
  });

  it('lands one commit when two completions of one upload race; the loser is refused and the record answers later', async () => {
    tmp = await createTempDir('strata-uploads');
    t = await openPfsAt(tmp.path);
    await t.pfs.createRepo(repo('up'));
    const up = await t.pfs.uploads.create(repo('up'), branch('main'), path('/race.bin'));
    await t.pfs.uploads.putPart(repo('up'), up.id, 1, from(Buffer.from('once')));
    const results = await Promise.allSettled([1, 2].map(() => t!.pfs.uploads.complete(repo('up'), up.id, [1], { receipt: { note: 'r' } })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'UPLOAD_NOT_FOUND' } });
    const log = [];
    for await (const c of t.pfs.log(main)) log.push(c);
    expect(log).toHaveLength(1);
    // The completion record survives a restart and names that commit; its parts are gone.
    t = await t.reopen();
    expect(await t.pfs.uploads.completed(repo('up'), up.id)).toMatchObject({ branch: 'main', path: '/race.bin', commit: log[0]!.id, size: 4, receipt: { note: 'r' } });
    expect(await t.pfs.uploads.completed(repo('up'), 'f'.repeat(32))).toBeUndefined();
    const left = [];
    for await (const e of t.meta.scan({ prefix: 'upload-part/' })) left.push(e);
    expect(left).toEqual([]);
  });

  it('drops completion records with the upload expiry', async () => {
    tmp = await createTempDir('strata-uploads');
    let now = 1_000_000;
    t = await openPfsAt(tmp.path, { clock: { now: () => now } });
    await t.pfs.createRepo(repo('up'));
    const up = await t.pfs.uploads.create(repo('up'), branch('main'), path('/x'));
    await t.pfs.uploads.putPart(repo('up'), up.id, 1, from(Buffer.from('x')));
    await t.pfs.uploads.complete(repo('up'), up.id, [1]);
    now += 1000;
    await t.pfs.uploads.expire(2000);
    expect(await t.pfs.uploads.completed(repo('up'), up.id)).toBeDefined();
    now += 1000;
    await t.pfs.uploads.expire(1000);
    expect(await t.pfs.uploads.completed(repo('up'), up.id)).toBeUndefined();
  });

  it('completes into an open commit: the record names it and a second completion is refused', async () => {
    tmp = await createTempDir('strata-uploads');
    t = await openPfsAt(tmp.path);
    await t.pfs.createRepo(repo('up'));
    const open = await t.pfs.startCommit(repo('up'), branch('main'));
    const up = await t.pfs.uploads.create(repo('up'), branch('main'), path('/in-open.bin'));
    await t.pfs.uploads.putPart(repo('up'), up.id, 1, from(Buffer.from('staged')));
    const results = await Promise.allSettled([1, 2].map(() => t!.pfs.uploads.complete(repo('up'), up.id, [1])));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await t.pfs.uploads.completed(repo('up'), up.id))?.commit).toBe(open.id);
  });
});
