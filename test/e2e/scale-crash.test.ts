// kill -9 of one of two real servers sharing a real etcd and one store (an
// S3 bucket on s3rver, or one local directory): mid-finish, mid-upload and mid-GC. The test watches etcd for the
// dead server's claim or lock to be in place before it kills, so the kill
// lands inside the step it means to cut. Clients retry against the other
// server; it takes the dead server's leases over (short --lease-ms, so the
// test waits seconds, not the 30 s default), nothing acknowledged is lost,
// and a restarted server sees only whole commits.
import { randomBytes } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { header, putFile, SHARED_STORES, startCluster, type ClusterNode, type TestCluster } from '../helpers/cluster.ts';
import { etcdMissing } from '../helpers/etcd.ts';
import { clientStream, closeClient, modify, serverStream, streamBytes, unary } from '../helpers/server.ts';

const missing = etcdMissing();
const PREFIX = 'crash-test';
const LEASE_MS = 2000;

describe.skipIf(missing !== undefined).each(SHARED_STORES)(`kill -9 of a server sharing etcd and one store: %s${missing ? ` (${missing})` : ''}`, (store) => {
  let cluster: TestCluster;
  let watch: Etcd3;
  let nodes: ClusterNode[] = [];

  const kill9 = async (node: ClusterNode): Promise<void> => {
    node.server.child.kill('SIGKILL');
    expect((await node.server.stop()).signal).toBe('SIGKILL');
    closeClient(node.client);
  };

  /** Polls etcd until `key` exists (true) or `done` settles first (false). */
  const appears = async (key: string, done: Promise<unknown>): Promise<boolean> => {
    let settled = false;
    void done.finally(() => (settled = true));
    while (!settled) {
      if ((await watch.get(`${PREFIX}/${key}`).buffer()) !== null) return true;
      await new Promise((r) => setTimeout(r, 2));
    }
    return false;
  };

  const files = async (node: ClusterNode, dir: string): Promise<string[]> =>
    (await serverStream<{ path: string }>(node.client, 'ListFile', { dir })).map((f) => f.path).sort();

  const fsckClean = async (node: ClusterNode): Promise<void> => {
    const report = await unary(node.client, 'Fsck', { verifyData: true });
    expect(report.problems).toEqual([]);
  };

  beforeAll(async () => {
    cluster = await startCluster({ store, prefix: PREFIX, serverArgs: ['--lease-ms', String(LEASE_MS)] });
    watch = cluster.etcdClient();
    nodes = cluster.nodes;
  }, 120_000);

  afterAll(() => cluster?.stop());

  it('mid-finish: the other server takes the dead finisher\'s claim over and finishes the commit whole', async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    await unary(a.client, 'CreateRepo', { name: 'fin' });
    const c = await unary<{ id: string }>(a.client, 'StartCommit', { branch: 'fin@main' });
    const expected: string[] = [];
    for (let k = 0; k < 4; k++) {
      const ops = Array.from({ length: 500 }, (_, i) => (expected.push(`/d${k}/f${String(i).padStart(3, '0')}`), putFile(expected.at(-1)!, Buffer.from(`${k}.${i}`))));
      await modify(k % 2 ? b.client : a.client, [header(`fin@${c.id}`), ...ops.flat()]); // acknowledged staging, through both
    }
    const finishing = unary(a.client, 'FinishCommit', { commit: `fin@${c.id}` }).then(() => 'acknowledged', (err: Error) => err);
    expect(await appears(`finishing/fin/${c.id}`, finishing)).toBe(true);
    await kill9(a);
    const first = await finishing;
    // The client retries on B: it waits out the dead claim, then finishes (or finds A did just before dying).
    const retried = await unary(b.client, 'FinishCommit', { commit: `fin@${c.id}` }).then(() => 'finished', (err: { code?: string }) => err.code);
    expect(retried === 'finished' || (first === 'acknowledged' && retried === 'COMMIT_FINISHED')).toBe(true);
    const info = await unary(b.client, 'InspectCommit', { commit: `fin@${c.id}` });
    expect(info.state).toBe('COMMIT_STATE_FINISHED');
    const all: string[] = [];
    for (let k = 0; k < 4; k++) all.push(...(await files(b, `fin@main:/d${k}`)));
    expect(all).toEqual(expected);
    expect(await watch.getAll().prefix(`${PREFIX}/finishing/`).keys()).toEqual([]);
    const restarted = await cluster.start();
    expect(await files(restarted, 'fin@main:/d3')).toEqual(expected.filter((p) => p.startsWith('/d3/')));
    await fsckClean(restarted);
  });

  it('mid-upload: the cut upload never shows, writers that fail over to the other server lose nothing', async () => {
    const [a, b] = [nodes[1]!, nodes[2]!];
    await unary(b.client, 'CreateRepo', { name: 'up' });
    let sent = 0;
    let halfway!: () => void;
    const cut = new Promise<void>((r) => (halfway = r));
    async function* big(): AsyncGenerator<object> {
      yield header('up@main');
      yield { putFile: { path: '/big', sizeBytes: 256 << 20 } };
      for (;;) {
        yield { data: randomBytes(1 << 20) };
        if (++sent === 8) halfway();
      }
    }
    const upload = clientStream(a.client, 'ModifyFile', big()).then(() => 'acknowledged', (err: Error) => err);
    const acked = new Map<string, Buffer>();
    let aAlive = true;
    const write = async (i: number): Promise<void> => {
      const bytes = randomBytes(20_000);
      for (const node of aAlive ? [a, b] : [b]) {
        try {
          await modify(node.client, [header('up@main'), ...putFile(`/w${i}`, bytes)]);
          acked.set(`/w${i}`, bytes);
          return;
        } catch (err) {
          if (node === b) throw err; // only A may fail: it is the one killed
        }
      }
    };
    const writers = (async () => {
      for (let i = 0; i < 20; i++) await write(i);
    })();
    await cut;
    aAlive = false;
    await kill9(a);
    expect(await upload).not.toBe('acknowledged');
    await writers;
    const restarted = await cluster.start();
    for (const node of [b, restarted]) {
      const paths = await files(node, 'up@main:/');
      expect(paths).not.toContain('/big');
      for (const [path, bytes] of acked) expect((await streamBytes(node.client, 'GetFile', { file: `up@main:${path}` })).equals(bytes)).toBe(true);
      await fsckClean(node);
    }
    expect(acked.size).toBe(20);
  });

  it('mid-GC: the dead GC\'s lock and fence are taken over; writes and GC go on through the other server', async () => {
    const [a, b] = [nodes[2]!, nodes[3]!];
    await unary(a.client, 'CreateRepo', { name: 'gone' });
    await modify(a.client, [header('gone@main'), ...putFile('/g', randomBytes(500_000))]);
    await unary(a.client, 'DeleteRepo', { name: 'gone', force: true }); // garbage for the sweep
    let caught = false;
    for (let attempt = 0; attempt < 20 && !caught; attempt++) {
      const gc = unary(a.client, 'GarbageCollect', { graceMs: 0 }).then(() => undefined, (err: Error) => err);
      caught = await appears('gc/lock', gc);
      if (!caught && (await gc)) throw await gc; // a GC that ended before it was seen must have ended well
    }
    expect(caught).toBe(true);
    await kill9(a);
    await unary(b.client, 'CreateRepo', { name: 'after' });
    const bytes = randomBytes(100_000);
    await modify(b.client, [header('after@main'), ...putFile('/x', bytes)]); // waits out a dead fence, if it was up
    for (;;) {
      const done = await unary(b.client, 'GarbageCollect', { graceMs: 0 }).then(() => true, (err: { code?: string }) => {
        expect(err.code).toBe('CONCURRENT_UPDATE'); // the dead GC's lock, until its lease runs out
        return false;
      });
      if (done) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await streamBytes(b.client, 'GetFile', { file: 'after@main:/x' })).equals(bytes)).toBe(true);
    await fsckClean(b);
  });
});
