// Scale-out: commits/s through one server versus two servers sharing one
// etcd and one bucket (s3rver), measured in the same run, and `ls` of 1,000
// files through a server on etcd versus one on LevelDB. The targets:
// one branch, 2 servers >= 0.8x one server; 10 branches, 2 servers >= 1.6x
// one server "where CPU allows"; ls through etcd <= 2x LevelDB.
//
//   npm run bench -- scale [--commits N] [--clients N] [--rounds N] [--branches 1|10] [--cpu-prof DIR]
//
// --branches runs one workload only; --cpu-prof DIR writes each server's
// V8 CPU profile (node --cpu-prof) into DIR, for finding where CPU goes.
//
// Every process (etcd, s3rver, the servers, this client) shares the
// machine's cores: on 2 cores two servers cannot have twice the CPU of one,
// so the 10-branch ratio is bounded by the machine, not by coordination.
// The servers' CPU time is printed to tell the two apart.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { startEtcd, type TestEtcd } from '../test/helpers/etcd.ts';
import { startS3Server, type TestS3Server } from '../test/helpers/s3-server.ts';
import { closeClient, modify, pfsClient, serverStream, startServer, unary, type RawClient, type TestServer } from '../test/helpers/server.ts';

interface Options {
  commits: number;
  clients: number;
  rounds: number;
  /** 0: both workloads (1 and 10 branches). */
  branches: number;
  /** Where the servers write their CPU profiles; none when empty. */
  cpuProf: string;
}

const USAGE = 'usage: npm run bench -- scale [--commits N] [--clients N] [--rounds N] [--branches 1|10] [--cpu-prof DIR]';

function options(args: string[]): Options {
  const o: Options = { commits: 300, clients: 10, rounds: 3, branches: 0, cpuProf: '' };
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i]!.replace(/^--/, '');
    const value = args[i + 1];
    if (key === 'cpu-prof' && value) {
      o.cpuProf = value;
      continue;
    }
    const n = Number(value);
    const ok = key === 'branches' ? n === 1 || n === 10 : ['commits', 'clients', 'rounds'].includes(key) && Number.isInteger(n) && n > 0;
    if (!ok) throw new Error(`${USAGE} (bad "${args[i]} ${value}")`);
    o[key as 'commits' | 'clients' | 'rounds' | 'branches'] = n;
  }
  return o;
}

interface Cluster {
  servers: TestServer[];
  clients: RawClient[];
  stop(): Promise<void>;
}

async function cluster(n: number, meta: string, s3: TestS3Server, prefix: string, cpuProf = ''): Promise<Cluster> {
  const servers: TestServer[] = [];
  for (let i = 0; i < n; i++) {
    const args = ['--meta', meta, '--log-level', 'warn'];
    if (meta !== 'leveldb') args.push('--s3-endpoint', s3.url, '--s3-bucket', s3.bucket, '--s3-prefix', prefix, '--s3-access-key', s3.accessKey, '--s3-secret-key', s3.secretKey);
    const nodeArgs = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`, `--cpu-prof-name=${prefix.replace(/\W/g, '')}-server${i}.cpuprofile`] : [];
    servers.push(await startServer({ args, nodeArgs }));
  }
  const clients = servers.map((s) => pfsClient(s.grpcAddress));
  return {
    servers,
    clients,
    async stop() {
      for (const c of clients) closeClient(c);
      await Promise.all(servers.map((s) => s.cleanup()));
    },
  };
}

/** User + system CPU seconds of a process so far (from /proc). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(stat[11]) + Number(stat[12])) / 100;
}

const header = (target: string) => ({ header: { target } });

/** Object-store requests the servers made so far, "op: count / seconds", from their /metrics. */
async function storeRequests(c: Cluster): Promise<string> {
  const totals = new Map<string, { count: number; sum: number }>();
  for (const s of c.servers) {
    const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
    for (const m of text.matchAll(/^strata_object_store_request_duration_seconds_(sum|count)\{([^}]*)\} ([\d.e+-]+)$/gm)) {
      const op = /op(?:eration)?="([^"]+)"/.exec(m[2]!)?.[1] ?? m[2]!;
      const t = totals.get(op) ?? { count: 0, sum: 0 };
      t[m[1] === 'sum' ? 'sum' : 'count'] += Number(m[3]);
      totals.set(op, t);
    }
  }
  return [...totals].map(([op, t]) => `${op} ${t.count}/${t.sum.toFixed(1)}s`).join(', ');
}

/**
 * `commits` one-off commits (one small file each) from `clients` concurrent
 * loops; loop i goes through server i mod servers, to branch i mod branches.
 */
async function commitLoad(c: Cluster, repo: string, branches: number, o: Options): Promise<{ perSec: number; serverCpu: number; perServer: number[] }> {
  let next = 0;
  const cpu0 = await Promise.all(c.servers.map((s) => cpuSeconds(s.pid)));
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: o.clients }, async (_, i) => {
      const client = c.clients[i % c.clients.length]!;
      const target = `${repo}@b${i % branches}`;
      for (let k = next++; k < o.commits; k = next++) {
        const bytes = randomBytes(200);
        await modify(client, [header(target), { putFile: { path: `/f${k}`, sizeBytes: bytes.length } }, { data: bytes }]);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = await Promise.all(c.servers.map((s) => cpuSeconds(s.pid)));
  const perServer = cpu1.map((b, i) => b - cpu0[i]!);
  return { perSec: o.commits / seconds, serverCpu: perServer.reduce((a, b) => a + b, 0), perServer };
}

async function createBranches(client: RawClient, repo: string, branches: number): Promise<void> {
  await unary(client, 'CreateRepo', { name: repo });
  for (let b = 0; b < branches; b++) await unary(client, 'CreateBranch', { branch: `${repo}@b${b}` });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median ms of `ls /` of a 1,000-file commit through one server. */
async function lsThousand(c: Cluster): Promise<number> {
  const client = c.clients[0]!;
  await unary(client, 'CreateRepo', { name: 'ls' });
  const ops: object[] = [header('ls@main')];
  for (let i = 0; i < 1000; i++) ops.push({ putFile: { path: `/f${String(i).padStart(4, '0')}`, sizeBytes: 10 } }, { data: Buffer.from(`file ${i}`.padEnd(10)) });
  await modify(client, ops);
  const times: number[] = [];
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now();
    const files = await serverStream(client, 'ListFile', { dir: 'ls@main:/' });
    times.push(performance.now() - t0);
    if (files.length !== 1000) throw new Error(`ls returned ${files.length} files`);
  }
  return median(times.slice(5)); // the first calls warm the server's caches
}

export async function run(args: string[]): Promise<void> {
  const o = options(args);
  const [etcd, s3]: [TestEtcd, TestS3Server] = await Promise.all([startEtcd(), startS3Server()]);
  const rows: Record<string, { one: number[]; two: number[]; oneCpu: number[]; twoCpu: number[] }> = {};
  const loads: number[] = [];
  try {
    for (let round = 0; round < o.rounds; round++) {
      for (const n of [1, 2] as const) {
        const c = await cluster(n, `${etcd.url}/r${round}n${n}`, s3, `r${round}n${n}/`, o.cpuProf);
        try {
          for (const branches of o.branches ? [o.branches] : [1, 10]) {
            const repo = `load${branches}`;
            await createBranches(c.clients[0]!, repo, branches);
            await commitLoad(c, repo, branches, { ...o, commits: Math.min(40, o.commits) }); // warm-up
            loads.push(loadavg()[0]!);
            const r = await commitLoad(c, `${repo}`, branches, o);
            const row = (rows[`${branches} branch${branches > 1 ? 'es' : ''}`] ??= { one: [], two: [], oneCpu: [], twoCpu: [] });
            row[n === 1 ? 'one' : 'two'].push(r.perSec);
            row[n === 1 ? 'oneCpu' : 'twoCpu'].push(r.serverCpu);
            const perCommit = r.perServer.map((s) => ((s * 1000) / o.commits).toFixed(1)).join(' + ');
            console.error(
              `round ${round + 1}: ${n} server(s), ${branches} branch(es): ${r.perSec.toFixed(1)} commits/s, servers' CPU ${r.serverCpu.toFixed(2)} s = ${perCommit} ms per commit (per server), load ${loadavg()[0]!.toFixed(1)}; object store so far: ${await storeRequests(c)}`,
            );
          }
        } finally {
          await c.stop();
        }
      }
    }
    const ls: { etcd: number[]; leveldb: number[] } = { etcd: [], leveldb: [] };
    for (let round = 0; round < (o.branches ? 0 : o.rounds); round++) {
      for (const kind of ['leveldb', 'etcd'] as const) {
        const c = await cluster(1, kind === 'etcd' ? `${etcd.url}/ls${round}` : 'leveldb', s3, `ls${round}/`);
        try {
          ls[kind].push(await lsThousand(c));
        } finally {
          await c.stop();
        }
      }
    }
    const targets = { '1 branch': 0.8, '10 branches': 1.6 };
    console.log(`\nscale-out (${cpus().length} cores, ${o.commits} commits of one 200-byte file, ${o.clients} concurrent clients, median of ${o.rounds} rounds; 1-min load avg ${loads.map((l) => l.toFixed(2)).join(' ')})`);
    console.log('workload       1 server   2 servers  ratio  target   servers\' CPU ms per commit (1 / 2)');
    const figures: Record<string, unknown> = {};
    for (const [name, r] of Object.entries(rows)) {
      const ratio = median(r.two) / median(r.one);
      const target = targets[name as keyof typeof targets];
      console.log(`${name.padEnd(14)} ${median(r.one).toFixed(1).padStart(8)}/s ${median(r.two).toFixed(1).padStart(9)}/s  ${ratio.toFixed(2)}x  >=${target}x ${ratio >= target ? 'met ' : 'MISS'}  ${((median(r.oneCpu) * 1000) / o.commits).toFixed(1)} / ${((median(r.twoCpu) * 1000) / o.commits).toFixed(1)}`);
      figures[name] = { one: r.one, two: r.two, ratio, target, cpuSeconds: { one: r.oneCpu, two: r.twoCpu } };
    }
    const lsRatio = median(ls.etcd) / median(ls.leveldb);
    if (ls.etcd.length > 0) console.log(`ls of 1,000 files: LevelDB ${median(ls.leveldb).toFixed(1)} ms, etcd ${median(ls.etcd).toFixed(1)} ms: ${lsRatio.toFixed(2)}x (target <= 2x: ${lsRatio <= 2 ? 'met' : 'MISS'})`);
    console.log(JSON.stringify({ bench: 'scale', options: o, cores: cpus().length, loadAverages: loads, commits: figures, lsMs: ls, lsRatio }));
  } finally {
    await Promise.all([etcd.stop(), s3.stop()]);
  }
}
