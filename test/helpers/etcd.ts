// Starts real etcd (the Debian etcd-server package's `etcd`) for tests: one
// member or a cluster of three, on free loopback ports, with data in a temp
// directory. Members run with etcd's default request limits (128 txn ops,
// 1.5 MiB), so the adapter's limit handling is what the tests exercise.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createTempDir } from './tmp.ts';

export interface EtcdMember {
  name: string;
  /** host:port of the client URL. */
  endpoint: string;
  child: ChildProcess;
  running(): boolean;
}

export interface TestEtcd {
  members: EtcdMember[];
  /** host:port of every member, for --meta etcd://... */
  endpoints: string[];
  /** `etcd://a,b,c` (no prefix). */
  url: string;
  /** Name of the member that leads now (asked over HTTP). */
  leader(): Promise<EtcdMember>;
  /** SIGKILL one member. */
  kill(member: EtcdMember): Promise<void>;
  stop(): Promise<void>;
}

/** Why etcd tests cannot run here, or undefined when they can. In CI a missing etcd is a failure, not a skip. */
export function etcdMissing(): string | undefined {
  const found = spawnSync('etcd', ['--version'], { stdio: 'ignore' }).status === 0;
  if (found) return undefined;
  if (process.env.CI === 'true') throw new Error('etcd is not installed in CI: scripts/install-system-deps.sh must install etcd-server');
  return 'etcd not installed (apt-get install etcd-server, or run scripts/install-system-deps.sh test)';
}

/**
 * `count` distinct free ports. Every listener stays open until all are
 * chosen: closing each before asking for the next lets the kernel hand the
 * same port out twice (a 3-member cluster once got one peer URL twice).
 */
async function freePorts(count: number): Promise<number[]> {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map(async (s) => {
      if (!s.listening) return;
      s.close();
      await once(s, 'close');
    }));
  }
}

async function waitHealthy(endpoint: string, child: ChildProcess, log: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`etcd exited (${child.exitCode}) before it was healthy:\n${log.slice(-20).join('')}`);
    const res = await fetch(`http://${endpoint}/health`).catch(() => undefined);
    if (res?.ok && ((await res.json()) as { health?: string }).health === 'true') return;
    if (Date.now() > deadline) throw new Error(`etcd at ${endpoint} not healthy after 60 s:\n${log.slice(-20).join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startEtcd(opts: { members?: 1 | 3 } = {}): Promise<TestEtcd> {
  const n = opts.members ?? 1;
  const dir = await createTempDir('strata-etcd');
  const free = await freePorts(2 * n);
  const ports = Array.from({ length: n }, (_, i) => ({ client: free[2 * i]!, peer: free[2 * i + 1]! }));
  const cluster = ports.map((p, i) => `m${i}=http://127.0.0.1:${p.peer}`).join(',');
  const members: EtcdMember[] = ports.map((p, i) => {
    const name = `m${i}`;
    const child = spawn('etcd', [
      '--name', name,
      '--data-dir', join(dir.path, name),
      '--listen-client-urls', `http://127.0.0.1:${p.client}`,
      '--advertise-client-urls', `http://127.0.0.1:${p.client}`,
      '--listen-peer-urls', `http://127.0.0.1:${p.peer}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${p.peer}`,
      '--initial-cluster', cluster,
      '--initial-cluster-token', `strata-test-${process.pid}`,
      '--initial-cluster-state', 'new',
      '--log-level', 'warn',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    const log: string[] = [];
    child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
    (child as ChildProcess & { log?: string[] }).log = log;
    return { name, endpoint: `127.0.0.1:${p.client}`, child, running: () => child.exitCode === null && child.signalCode === null };
  });
  const kill = async (m: EtcdMember): Promise<void> => {
    if (!m.running()) return;
    const exited = once(m.child, 'exit');
    m.child.kill('SIGKILL');
    await exited;
  };
  const stop = async (): Promise<void> => {
    await Promise.all(members.map(kill));
    await dir.remove();
  };
  try {
    await Promise.all(members.map((m) => waitHealthy(m.endpoint, m.child, (m.child as ChildProcess & { log: string[] }).log)));
  } catch (err) {
    await stop();
    throw err;
  }
  const endpoints = members.map((m) => m.endpoint);
  return {
    members,
    endpoints,
    url: `etcd://${endpoints.join(',')}`,
    async leader() {
      for (const m of members.filter((x) => x.running())) {
        const res = await fetch(`http://${m.endpoint}/v3/maintenance/status`, { method: 'POST', body: '{}' }).catch(() => undefined);
        if (!res?.ok) continue;
        const s = (await res.json()) as { header: { member_id: string }; leader: string };
        if (s.header.member_id === s.leader) return m;
      }
      throw new Error('no etcd member says it leads');
    },
    kill,
    stop,
  };
}
