// Several real servers on one store: metadata in a real etcd, chunks in one
// S3 bucket (s3rver) or one local directory, each server its own process
// with its own data dir.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createPpsClient } from '../../client/sdk/index.ts';
import { etcdMissing } from '../helpers/etcd.ts';
import { jobFor, jobForHead, spec } from '../helpers/pps.ts';
import { header, oneOffCommits, putFile, SHARED_STORES, startCluster, type TestCluster } from '../helpers/cluster.ts';
import { modify, serverStream, streamBytes, unary, type RawClient, type TestServer } from '../helpers/server.ts';

const missing = etcdMissing();

// The shared store: one S3 bucket (s3rver), or one local directory (--blocks-dir, as on a shared file system).
describe.skipIf(missing !== undefined).each(SHARED_STORES)(`several servers on etcd and one store: %s${missing ? ` (${missing})` : ''}`, (store) => {
  let cluster: TestCluster;
  let servers: TestServer[] = [];
  let clients: RawClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster({
      store,
      prefix: 'scale-test',
      sequential: true,
      // The pipeline leader's safety-net poll far out: a reset's job must come from the etcd watch, or not at all.
      serverArgs: ['--pps-poll-ms', '600000'],
    });
    servers = cluster.nodes.map((n) => n.server);
    clients = cluster.nodes.map((n) => n.client);
  }, 120_000);

  afterAll(() => cluster?.stop());

  it('a commit through A is read through B at once', async () => {
    const [a, b] = clients as [RawClient, RawClient];
    await unary(a, 'CreateRepo', { name: 'seen' });
    const bytes = randomBytes(300_000);
    const info = await modify(a, [header('seen@main'), ...putFile('/x.bin', bytes)]);
    const got = await streamBytes(b, 'GetFile', { file: `seen@${info.id}:/x.bin` });
    expect(got.equals(bytes)).toBe(true);
    expect((await streamBytes(b, 'GetFile', { file: 'seen@main:/x.bin' })).equals(bytes)).toBe(true);
  });

  /** Object-store LIST requests a server made so far (its /metrics). */
  const lists = async (s: TestServer): Promise<number> => {
    const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
    let n = 0;
    for (const m of text.matchAll(/^strata_object_store_request_duration_seconds_count\{([^}]*)\} (\d+)$/gm)) if (/operation="list"/.test(m[1]!)) n += Number(m[2]);
    return n;
  };

  it('a commit through B on a head made through A finds its index in the packs A named, without listing the bucket', async () => {
    const [a, b] = clients as [RawClient, RawClient];
    await unary(a, 'CreateRepo', { name: 'hint' });
    for (let i = 0; i < 3; i++) {
      await modify(a, [header('hint@main'), ...putFile(`/a${i}`, Buffer.from(`from A ${i}`))]);
      const before = await lists(servers[1]!);
      await modify(b, [header('hint@main'), ...putFile(`/b${i}`, Buffer.from(`from B ${i}`))]);
      expect(await lists(servers[1]!)).toBe(before);
    }
    const files = await serverStream<{ path: string }>(a, 'ListFile', { dir: 'hint@main:/' });
    expect(files.map((f) => f.path).sort()).toEqual(['/a0', '/a1', '/a2', '/b0', '/b1', '/b2']);
  });

  /** Object-store reads of whole objects and of ranges a server made so far (its /metrics). */
  const reads = async (s: TestServer): Promise<number> => {
    const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
    let n = 0;
    for (const m of text.matchAll(/^strata_object_store_request_duration_seconds_count\{([^}]*)\} (\d+)$/gm)) if (/operation="get(_range)?"/.test(m[1]!)) n += Number(m[2]);
    return n;
  };

  it('a commit through B after a run of commits through A reads only the pack holding the index it changes, not every pack the head names', async () => {
    const [a, b] = clients as [RawClient, RawClient];
    await unary(a, 'CreateRepo', { name: 'run' });
    await modify(b, [header('run@main'), ...putFile('/b0', Buffer.from('through B first'))]);
    // Eight one-off commits through A: each seals its own small pack, and the head's record names up to 8 of them.
    for (let i = 0; i < 8; i++) await modify(a, [header('run@main'), ...putFile(`/a${i}`, Buffer.from(`from A ${i}`))]);
    const before = await reads(servers[1]!);
    await modify(b, [header('run@main'), ...putFile('/b1', Buffer.from('through B again'))]);
    // The head's root and its one range are in A's newest pack (before: all 8 named packs were read whole).
    expect(await reads(servers[1]!)).toBeLessThanOrEqual(before + 2);
    const files = await serverStream<{ path: string }>(b, 'ListFile', { dir: 'run@main:/' });
    expect(files.length).toBe(10);
    expect((await streamBytes(b, 'GetFile', { file: 'run@main:/a3' })).toString()).toBe('from A 3');
  });

  it('a commit through B after several through A finds the ranges A wrote earlier through the commit record, without listing the bucket', async () => {
    const [a, b] = clients as [RawClient, RawClient];
    await unary(a, 'CreateRepo', { name: 'hint2' });
    const many: object[] = [header('hint2@main')];
    for (let i = 0; i < 3000; i++) many.push(...putFile(`/big/f${String(i).padStart(4, '0')}`, Buffer.from(`file ${i}`)));
    await modify(a, many); // the directory's ranges, in A's packs
    await modify(a, [header('hint2@main'), ...putFile('/other', Buffer.from('a second commit through A: the big ranges are its parent\'s'))]);
    const before = await lists(servers[1]!);
    await modify(b, [header('hint2@main'), ...putFile('/big/f1500x', Buffer.from('through B, inside a range the first commit wrote'))]);
    expect(await lists(servers[1]!)).toBe(before);
    expect((await serverStream(a, 'ListFile', { dir: 'hint2@main:/big' })).length).toBe(3001);
  });

  it('the same after commits started and finished through A: a finished commit\'s record names its parent\'s packs too', async () => {
    const [a, b] = clients as [RawClient, RawClient];
    await unary(a, 'CreateRepo', { name: 'hint3' });
    const finished = async (files: object[]): Promise<void> => {
      const c = await unary(a, 'StartCommit', { branch: 'hint3@main' });
      await modify(a, [header(`hint3@${c.id}`), ...files]);
      await unary(a, 'FinishCommit', { commit: `hint3@${c.id}` });
    };
    const many: object[] = [];
    for (let i = 0; i < 3000; i++) many.push(...putFile(`/big/f${String(i).padStart(4, '0')}`, Buffer.from(`file ${i}`)));
    await finished(many);
    await finished(putFile('/other', Buffer.from('a second finished commit through A: the big ranges are its parent\'s')));
    const before = await lists(servers[1]!);
    await modify(b, [header('hint3@main'), ...putFile('/big/f1500x', Buffer.from('through B, inside a range the first commit wrote'))]);
    expect(await lists(servers[1]!)).toBe(before);
    expect((await serverStream(a, 'ListFile', { dir: 'hint3@main:/big' })).length).toBe(3001);
  });

  it('concurrent writers through different servers to one branch lose no update, and take turns: no commit is built twice', async () => {
    await unary(clients[0]!, 'CreateRepo', { name: 'race' });
    // One commit through each server first: each has then found the branch written through the other, so takes turns on it.
    for (const [i, c] of clients.entries()) await modify(c, [header('race@main'), ...putFile(`/first${i}`, Buffer.from(String(i)))]);
    const before = await oneOffCommits(servers);
    const writes = Array.from({ length: 24 }, (_, i) => modify(clients[i % 2]!, [header('race@main'), ...putFile(`/f${i}`, Buffer.from(`file ${i}`))]));
    await Promise.all(writes);
    const after = await oneOffCommits(servers);
    // Without turns across servers, racing writers lose the compare-and-set and build their commit again.
    expect({ landed: after.landed - before.landed, rebuilt: after.rebuilt - before.rebuilt }).toEqual({ landed: 24, rebuilt: 0 });
    for (const c of clients) {
      const files = await serverStream<{ file: { path: string } }>(c, 'ListFile', { dir: 'race@main:/' });
      expect(files).toHaveLength(26);
    }
    const log = await serverStream(clients[1]!, 'ListCommit', { ref: 'race@main' });
    expect(log.length).toBe(26);
  });

  it('staging into one open commit through both servers, finished through one, keeps every file', async () => {
    const [a, b] = clients as [RawClient, RawClient];
    await unary(a, 'CreateRepo', { name: 'open' });
    const c = await unary(a, 'StartCommit', { branch: 'open@main' });
    await Promise.all(Array.from({ length: 10 }, (_, i) => modify(i % 2 ? b : a, [header(`open@${c.id}`), ...putFile(`/p${i}`, Buffer.from(String(i)))])));
    await unary(b, 'FinishCommit', { commit: `open@${c.id}` });
    const files = await serverStream(a, 'ListFile', { dir: 'open@main:/' });
    expect(files).toHaveLength(10);
  });

  it('GC on A while B uploads loses nothing: every acknowledged commit reads back, fsck clean', async () => {
    const [a, b] = clients as [RawClient, RawClient];
    await unary(a, 'CreateRepo', { name: 'gc' });
    // Garbage for the sweep: the bytes of a deleted repo (GC keeps every commit of a live repo, so an
    // overwritten file would not do).
    const old = randomBytes(200_000);
    await unary(a, 'CreateRepo', { name: 'gc-junk' });
    await modify(b, [header('gc-junk@main'), ...putFile('/g', old)]);
    await unary(a, 'DeleteRepo', { name: 'gc-junk' });
    await modify(b, [header('gc@main'), ...putFile('/g', randomBytes(1000))]);
    const written = new Map<string, Buffer>();
    const uploads = (async () => {
      for (let i = 0; i < 12; i++) {
        // Half re-upload the garbage bytes: deduplicated against a chunk the sweep wants gone.
        const bytes = i % 2 ? Buffer.concat([old, Buffer.from(String(i))]) : randomBytes(50_000);
        await modify(b, [header('gc@main'), ...putFile(`/u${i}`, bytes)]).then(
          () => written.set(`/u${i}`, bytes),
          (err: { code?: string }) => expect(err.code).toBe('CONCURRENT_UPDATE'), // refused, never acknowledged
        );
      }
    })();
    const gcs = (async () => {
      for (let i = 0; i < 3; i++) await unary(a, 'GarbageCollect', { graceMs: 0 }).catch((err: { code?: string }) => expect(err.code).toBe('CONCURRENT_UPDATE'));
    })();
    await Promise.all([uploads, gcs]);
    expect(written.size).toBeGreaterThan(0);
    for (const client of clients) {
      for (const [path, bytes] of written) expect((await streamBytes(client, 'GetFile', { file: `gc@main:${path}` })).equals(bytes)).toBe(true);
      const report = await unary(client, 'Fsck', { verifyData: true });
      expect(report.problems).toEqual([]);
    }
  });

  it('a subscriber on B sees a commit made through A', async () => {
    const [a, b] = clients as [RawClient, RawClient];
    await unary(a, 'CreateRepo', { name: 'sub' });
    const stream = b.SubscribeCommit({ branch: 'sub@main' });
    const first = new Promise<{ id: string }>((resolve, reject) => {
      stream.once('data', resolve);
      stream.once('error', reject);
    });
    await new Promise((r) => setTimeout(r, 300)); // the subscription is in place before the commit (not a pass/fail timing)
    const info = await modify(a, [header('sub@main'), ...putFile('/s', Buffer.from('s'))]);
    expect((await first).id).toBe(info.id);
    stream.cancel();
  });
  it('a reset through either server makes a job on the pipeline leader, wherever it runs', async () => {
    const sdk = servers.map((s) => ({ pfs: createClient({ address: s.grpcAddress }), pps: createPpsClient({ address: s.grpcAddress }) }));
    try {
      const [a, b] = sdk as [(typeof sdk)[0], (typeof sdk)[0]];
      await a.pfs.createRepo('reset-src');
      await a.pfs.put('reset-src@main:/a', Buffer.from('a'));
      await a.pps.createPipeline(spec('reset-copy', { pfs: { repo: 'reset-src', glob: '/*' } }, 'cp /pfs/reset-src/* /pfs/out/'));
      // The pipeline's first job, on /a, is done before the resets: otherwise a leader that learns of the
      // pipeline late (through the etcd watch, on a loaded machine) makes its first job on a reset's commit,
      // with /a among its datums.
      await jobForHead(a.pfs, a.pps, 'reset-copy', 'reset-src@main');
      await a.pfs.createBranch('reset-src@side', { from: 'reset-src@main' });
      // One reset through each server: one of them is not the leader, so its reset reaches the leader only through etcd.
      for (const [i, via] of [b, a].entries()) {
        const c = (await via.pfs.put(`reset-src@side:/s${i}`, Buffer.from('s'))).commit.id;
        await via.pfs.resetBranch('reset-src@main', `reset-src@${c}`);
        expect(await jobFor(via.pps, 'reset-copy', c)).toMatchObject({ state: 'success', counts: { processed: 1 } });
      }
    } finally {
      for (const c of sdk) {
        c.pfs.close();
        c.pps.close();
      }
    }
  });
});
