// Handoffs between two real servers on one branch (src/pfs/handoff.ts): a
// server whose writers find the branch's turn held hands their commits to
// the holder, which lands them in its own group. Real etcd, a shared store
// (s3rver or one local directory), real server processes; kill -9 and
// SIGSTOP of the holder. Short --lease-ms so a dead holder's turn ends in
// seconds.
import { randomBytes } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { header, putFile, SHARED_STORES, startCluster, type ClusterNode, type TestCluster } from '../helpers/cluster.ts';
import { etcdMissing } from '../helpers/etcd.ts';
import { closeClient, modify, serverStream, streamBytes, unary } from '../helpers/server.ts';

const missing = etcdMissing();
const PREFIX = 'handoff-test';
const LEASE_MS = 2000;

describe.skipIf(missing !== undefined).each(SHARED_STORES)(`handoffs between servers on one branch: %s${missing ? ` (${missing})` : ''}`, (store) => {
  let cluster: TestCluster;
  let watch: Etcd3;
  let nodes: ClusterNode[] = [];

  /** A server's one-off and turn counters (strata_one_off_commits_total, strata_branch_turn_events_total). */
  const counts = async (node: ClusterNode): Promise<Record<string, number>> => {
    const text = await (await fetch(`${node.server.httpUrl}/metrics`)).text();
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^strata_(?:one_off_commits|branch_turn_events)_total\{(?:outcome|event)="(\w+)"\} (\d+)$/gm)) out[m[1]!] = Number(m[2]);
    return out;
  };

  const turnHeld = async (repo: string): Promise<boolean> => (await watch.get(`${PREFIX}/turn/${repo}/main`).buffer()) !== null;
  const offersOf = async (repo: string): Promise<string[]> => (await watch.getAll().prefix(`${PREFIX}/handoff/`).keys()).filter((k) => k.endsWith(`/${repo}/main`));

  beforeAll(async () => {
    cluster = await startCluster({ store, prefix: PREFIX, serverArgs: ['--lease-ms', String(LEASE_MS)] });
    watch = cluster.etcdClient();
    nodes = cluster.nodes;
  }, 120_000);

  afterAll(() => cluster?.stop());

  it('writes through B land in the group of A, which holds the turn: each writer gets its own commit, nothing is lost', async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    await unary(a.client, 'CreateRepo', { name: 'hand' });
    // One commit through each server: each has then seen the branch written through the other, so takes turns on it.
    await modify(b.client, [header('hand@main'), ...putFile('/b0', Buffer.from('b0'))]);
    await modify(a.client, [header('hand@main'), ...putFile('/a0', Buffer.from('a0'))]);
    const before = [await counts(a), await counts(b)];
    const acked = new Map<string, { id: string; path: string; bytes: Buffer }>();
    // Bursts through both servers until B has handed some of its writers to A's turn (timing decides which
    // server holds the turn; the burst ends when either server has taken the other's handoff).
    let took = 0;
    for (let burst = 0; burst < 20 && took === 0; burst++) {
      await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const path = `/w${burst}-${i}`;
          // Small files travel in the handoff record; larger ones (over 16 KiB) are uploaded by their own server first.
          const bytes = i % 4 === 1 ? randomBytes(40_000) : Buffer.from(path);
          const info = await modify((i % 2 ? b : a).client, [header('hand@main'), ...putFile(path, bytes)]);
          acked.set(info.id as string, { id: info.id as string, path, bytes });
        }),
      );
      const after = [await counts(a), await counts(b)];
      took = after.reduce((n, c, i) => n + (c.took ?? 0) - (before[i]!.took ?? 0), 0);
      const handed = after.reduce((n, c, i) => n + (c.handed ?? 0) - (before[i]!.handed ?? 0), 0);
      expect(handed).toBe(took); // what one server handed, the other landed
    }
    expect(took).toBeGreaterThan(0);
    // Every acknowledged writer has its own commit, holding its file, in one chain.
    const log = await serverStream<{ id: string }>(b.client, 'ListCommit', { ref: 'hand@main' });
    const ids = new Set(log.map((c) => c.id));
    expect(log.length).toBe(acked.size + 2);
    for (const { id, path, bytes } of acked.values()) {
      expect(ids.has(id)).toBe(true);
      for (const n of [a, b]) expect((await streamBytes(n.client, 'GetFile', { file: `hand@${id}:${path}` })).equals(bytes)).toBe(true);
    }
    for (const n of [a, b]) expect((await unary(n.client, 'Fsck', { verifyData: true })).problems).toEqual([]);
    for (const n of [a, b]) expect((await serverStream(n.client, 'ListFile', { dir: 'hand@main:/' })).length).toBe(acked.size + 2);
    expect(await offersOf('hand')).toEqual([]);
  });

  it('the holder killed while it holds a handoff: the offering server takes its handoff back (with the turn once the dead lease ends, or when its wait runs out) and lands it itself', async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    await unary(b.client, 'CreateRepo', { name: 'kill' });
    await modify(b.client, [header('kill@main'), ...putFile('/b0', Buffer.from('b0'))]);
    // A lands on a head B made, so takes the turn, and keeps it a moment after landing (for handoffs): stop it there.
    let stopped = false;
    for (let i = 0; i < 20 && !stopped; i++) {
      await modify(a.client, [header('kill@main'), ...putFile(`/a${i}`, Buffer.from(`a${i}`))]);
      if (!(await turnHeld('kill'))) continue;
      a.server.child.kill('SIGSTOP');
      stopped = await turnHeld('kill'); // still A's: it cannot have given it back while stopped
      if (!stopped) {
        a.server.child.kill('SIGCONT');
        await modify(b.client, [header('kill@main'), ...putFile(`/b${i + 1}`, Buffer.from('b'))]); // the head B's again
      }
    }
    expect(stopped).toBe(true);
    const before = await counts(b);
    const bytes = Buffer.from('handed to a dead holder');
    const write = modify(b.client, [header('kill@main'), ...putFile('/handed', bytes)]);
    // B's writer is handed to A (stopped, holding the turn): wait until the handoff is in etcd, then kill A.
    while ((await offersOf('kill')).length === 0) await new Promise((r) => setTimeout(r, 5));
    a.server.child.kill('SIGKILL');
    await a.server.stop();
    closeClient(a.client);
    const info = await write; // acknowledged once B took its handoff back and landed it itself
    const after = await counts(b);
    expect((after.offered ?? 0) - (before.offered ?? 0)).toBe(1);
    expect((after.retracted ?? 0) - (before.retracted ?? 0)).toBe(1);
    expect(await offersOf('kill')).toEqual([]);
    expect((await streamBytes(b.client, 'GetFile', { file: `kill@${info.id as string}:/handed` })).equals(bytes)).toBe(true);
    const restarted = await cluster.start();
    for (const n of [b, restarted]) {
      expect((await streamBytes(n.client, 'GetFile', { file: 'kill@main:/handed' })).equals(bytes)).toBe(true);
      expect((await unary(n.client, 'Fsck', { verifyData: true })).problems).toEqual([]);
    }
  });
});
