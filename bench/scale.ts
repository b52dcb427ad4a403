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
// The servers' CPU time, and that of etcd, s3rver and the clients, is
// printed per commit to tell the two apart, with the 1-min load average.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { startEtcd, type TestEtcd } from '../test/helpers/etcd.ts';
import { startS3Server, type TestS3Server } from '../test/helpers/s3-server.ts';
import { formatTrace, readTimings, timingsDelta, type Timings } from './lib/commit-trace.ts';
import { closeClient, modify, pfsClient, serverStream, startServer, unary, type RawClient, type TestServer } from '../test/helpers/server.ts';

interface Options {
  commits: number;
  clients: number;
  rounds: number;
  /** 0: both workloads (1 and 10 branches). */
  branches: number;
  /** Where the servers write their CPU profiles; none when empty. */
  cpuProf: string;
  /** Another install of Strata (its root directory) measured in the same rounds, e.g. the code before a change. */
  baseline: string;
}

const USAGE = 'usage: npm run bench -- scale [--commits N] [--clients N] [--rounds N] [--branches 1|10] [--cpu-prof DIR] [--baseline DIR]';

function options(args: string[]): Options {
  const o: Options = { commits: 300, clients: 10, rounds: 3, branches: 0, cpuProf: '', baseline: '' };
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i]!.replace(/^--/, '');
    const value = args[i + 1];
    if (key === 'cpu-prof' && value) {
      o.cpuProf = value;
      continue;
    }
    if (key === 'baseline' && value) {
      o.baseline = value;
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

async function cluster(n: number, meta: string, s3: TestS3Server, prefix: string, cpuProf = '', root?: string): Promise<Cluster> {
  const servers: TestServer[] = [];
  for (let i = 0; i < n; i++) {
    const args = ['--meta', meta, '--log-level', 'warn'];
    if (meta !== 'leveldb') args.push('--s3-endpoint', s3.url, '--s3-bucket', s3.bucket, '--s3-prefix', prefix, '--s3-access-key', s3.accessKey, '--s3-secret-key', s3.secretKey);
    const nodeArgs = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`, `--cpu-prof-name=${prefix.replace(/\W/g, '')}-server${i}.cpuprofile`] : [];
    servers.push(await startServer({ args, nodeArgs, ...(root ? { root } : {}) }));
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

/** Counters of the servers (summed), from their /metrics: object-store requests by operation, one-off commits by outcome. */
async function counters(c: Cluster): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  const add = (name: string, n: number): void => void totals.set(name, (totals.get(name) ?? 0) + n);
  for (const s of c.servers) {
    const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
    for (const m of text.matchAll(/^strata_object_store_request_duration_seconds_count\{([^}]*)\} ([\d.e+-]+)$/gm)) {
      add(/operation="([^"]+)"/.exec(m[1]!)?.[1] ?? m[1]!, Number(m[2]));
    }
    for (const m of text.matchAll(/^strata_one_off_commits_total\{outcome="(\w+)"\} (\d+)$/gm)) add(m[1]!, Number(m[2]));
    for (const m of text.matchAll(/^strata_branch_turn_events_total\{event="(\w+)"\} (\d+)$/gm)) add(`turn_${m[1]!}`, Number(m[2]));
  }
  return totals;
}

function delta(after: Map<string, number>, before: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of after) if (v - (before.get(k) ?? 0) !== 0) out[k] = v - (before.get(k) ?? 0);
  return out;
}

/** The processes besides the servers whose CPU a commit costs: etcd, s3rver, and this process (the clients). */
interface Others {
  etcd: number[];
  /** Client host:port of each etcd member (their /metrics: WAL fsyncs). */
  etcdEndpoints: string[];
  s3rver: number;
}

/** CPU seconds so far of etcd (its members summed), s3rver and this process (the bench's gRPC clients). */
interface OtherCpu {
  etcd: number;
  s3rver: number;
  clients: number;
}

async function othersCpu(o: Others): Promise<OtherCpu> {
  let etcd = 0;
  for (const pid of o.etcd) etcd += await cpuSeconds(pid);
  const self = process.cpuUsage();
  return { etcd, s3rver: await cpuSeconds(o.s3rver), clients: (self.user + self.system) / 1e6 };
}

const otherSum = (c: OtherCpu): number => c.etcd + c.s3rver + c.clients;

interface LoadResult {
  perSec: number;
  serverCpu: number;
  perServer: number[];
  /** CPU seconds of etcd, s3rver and the bench's clients meanwhile (summed)... */
  otherCpu: number;
  /** ...and each. */
  otherParts: OtherCpu;
  /** Object-store requests and one-off commit outcomes during the load. */
  counts: Record<string, number>;
  /** In each branch's log, consecutive commits of the load made through different servers (turn handoffs). */
  handoffs: number;
  /** Where the commits' wall time went (stages, request latencies; bench/lib/commit-trace.ts). */
  trace: Timings;
  load: [number, number];
}

/**
 * `commits` one-off commits (one small file each) from `clients` concurrent
 * loops; loop i goes through server i mod servers, to branch i mod branches.
 */
async function commitLoad(c: Cluster, others: Others, repo: string, branches: number, o: Options): Promise<LoadResult> {
  let next = 0;
  const by = new Map<string, number>();
  const before = await counters(c);
  const urls = c.servers.map((s) => s.httpUrl);
  const timings0 = await readTimings(urls, others.etcdEndpoints);
  const load0 = loadavg()[0]!;
  const other0 = await othersCpu(others);
  const cpu0 = await Promise.all(c.servers.map((s) => cpuSeconds(s.pid)));
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: o.clients }, async (_, i) => {
      const client = c.clients[i % c.clients.length]!;
      const target = `${repo}@b${i % branches}`;
      for (let k = next++; k < o.commits; k = next++) {
        const bytes = randomBytes(200);
        const info = await modify(client, [header(target), { putFile: { path: `/f${k}`, sizeBytes: bytes.length } }, { data: bytes }]);
        by.set(info.id, i % c.clients.length);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = await Promise.all(c.servers.map((s) => cpuSeconds(s.pid)));
  const other1 = await othersCpu(others);
  const otherParts: OtherCpu = { etcd: other1.etcd - other0.etcd, s3rver: other1.s3rver - other0.s3rver, clients: other1.clients - other0.clients };
  const otherCpu = otherSum(otherParts);
  const perServer = cpu1.map((b, i) => b - cpu0[i]!);
  const counts = delta(await counters(c), before);
  const trace = timingsDelta(await readTimings(urls, others.etcdEndpoints), timings0);
  const load1 = loadavg()[0]!;
  let handoffs = 0;
  for (let b = 0; b < branches; b++) {
    const log = await serverStream<{ id: string }>(c.clients[0]!, 'ListCommit', { ref: `${repo}@b${b}` });
    for (let i = 1; i < log.length; i++) {
      const [x, y] = [by.get(log[i - 1]!.id), by.get(log[i]!.id)];
      if (x !== undefined && y !== undefined && x !== y) handoffs++;
    }
  }
  return { perSec: o.commits / seconds, serverCpu: perServer.reduce((a, b) => a + b, 0), perServer, otherCpu, otherParts, counts, handoffs, trace, load: [load0, load1] };
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
  const others: Others = { etcd: etcd.members.map((m) => m.child.pid!), etcdEndpoints: etcd.endpoints, s3rver: s3.pid };
  type Parts = { etcd: number[]; s3rver: number[]; clients: number[] };
  const parts = (): Parts => ({ etcd: [], s3rver: [], clients: [] });
  const rows: Record<string, { one: number[]; two: number[]; oneCpu: number[]; twoCpu: number[]; oneAll: number[]; twoAll: number[]; oneParts: Parts; twoParts: Parts }> = {};
  const loads: number[] = [];
  try {
    const variants = [{ label: '', root: undefined }, ...(o.baseline ? [{ label: ' (baseline)', root: o.baseline }] : [])];
    for (let round = 0; round < o.rounds; round++) {
      // A B, then B A: neither build always runs first (after the other's clean-up).
      const order = round % 2 === 0 ? [...variants.entries()] : [...variants.entries()].reverse();
      for (const [v, variant] of order) for (const n of [1, 2] as const) {
        const c = await cluster(n, `${etcd.url}/r${round}v${v}n${n}`, s3, `r${round}v${v}n${n}/`, o.cpuProf, variant.root);
        try {
          for (const branches of o.branches ? [o.branches] : [1, 10]) {
            const repo = `load${branches}`;
            await createBranches(c.clients[0]!, repo, branches);
            await commitLoad(c, others, repo, branches, { ...o, commits: Math.min(40, o.commits) }); // warm-up
            const r = await commitLoad(c, others, `${repo}`, branches, o);
            loads.push(...r.load);
            const row = (rows[`${branches} branch${branches > 1 ? 'es' : ''}${variant.label}`] ??= { one: [], two: [], oneCpu: [], twoCpu: [], oneAll: [], twoAll: [], oneParts: parts(), twoParts: parts() });
            row[n === 1 ? 'one' : 'two'].push(r.perSec);
            row[n === 1 ? 'oneCpu' : 'twoCpu'].push(r.serverCpu);
            row[n === 1 ? 'oneAll' : 'twoAll'].push(r.serverCpu + r.otherCpu);
            const p = row[n === 1 ? 'oneParts' : 'twoParts'];
            for (const k of ['etcd', 's3rver', 'clients'] as const) p[k].push(r.otherParts[k]);
            const ms = (cpu: number): string => ((cpu * 1000) / o.commits).toFixed(1);
            console.error(
              `round ${round + 1}${variant.label}: ${n} server(s), ${branches} branch(es): ${r.perSec.toFixed(1)} commits/s; CPU ms per commit: servers ${r.perServer.map(ms).join(' + ')}, ` +
                `etcd ${ms(r.otherParts.etcd)}, s3rver ${ms(r.otherParts.s3rver)}, clients ${ms(r.otherParts.clients)}; ` +
                `1-min load ${r.load.map((l) => l.toFixed(1)).join(' -> ')}; during the load: ${JSON.stringify({ ...r.counts, handoffs: r.handoffs })}\n  ${formatTrace(r.trace, o.commits)}`,
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
    console.log('workload       1 server   2 servers  ratio  target     CPU ms per commit, servers (1 / 2)  all processes (1 / 2)  CPU ratio 2/1 (all)');
    const figures: Record<string, unknown> = {};
    for (const [name, r] of Object.entries(rows)) {
      const ratio = median(r.two) / median(r.one);
      const target = targets[name.replace(' (baseline)', '') as keyof typeof targets];
      const ms = (cpu: number[]): string => ((median(cpu) * 1000) / o.commits).toFixed(1);
      const cpuRatio = median(r.twoAll) / median(r.oneAll);
      console.log(
        `${name.padEnd(14)} ${median(r.one).toFixed(1).padStart(8)}/s ${median(r.two).toFixed(1).padStart(9)}/s  ${ratio.toFixed(2)}x  >=${target}x ${ratio >= target ? 'met ' : 'MISS'}  ${ms(r.oneCpu)} / ${ms(r.twoCpu)}`.padEnd(84) +
          `${ms(r.oneAll)} / ${ms(r.twoAll)}`.padEnd(23) + `${cpuRatio.toFixed(2)}x`,
      );
      figures[name] = { one: r.one, two: r.two, ratio, target, cpuSeconds: { one: r.oneCpu, two: r.twoCpu, oneAll: r.oneAll, twoAll: r.twoAll, oneParts: r.oneParts, twoParts: r.twoParts }, cpuPerCommitRatioAll: cpuRatio };
    }
    // Whether the machine's CPU allows the target: the CPU-s per second every process of the
    // bench together would need at the target rate, against the cores (the other load aside).
    console.log('\nCPU ms per commit by process (median; 1 server / 2 servers), and the CPU the target rate needs:');
    for (const [name, r] of Object.entries(rows)) {
      const ms = (cpu: number[]): string => ((median(cpu) * 1000) / o.commits).toFixed(1);
      const target = targets[name.replace(' (baseline)', '') as keyof typeof targets];
      const needed = (target * median(r.one) * median(r.twoAll)) / o.commits;
      const used = (median(r.one) * median(r.oneAll)) / o.commits;
      console.log(
        `${name.padEnd(24)} servers ${ms(r.oneCpu)} / ${ms(r.twoCpu)}, etcd ${ms(r.oneParts.etcd)} / ${ms(r.twoParts.etcd)}, s3rver ${ms(r.oneParts.s3rver)} / ${ms(r.twoParts.s3rver)}, clients ${ms(r.oneParts.clients)} / ${ms(r.twoParts.clients)}; ` +
          `1 server used ${used.toFixed(2)} CPU-s/s; ${target}x its rate at 2 servers' CPU per commit needs ${needed.toFixed(2)} CPU-s/s of ${cpus().length} cores`,
      );
    }
    const lsRatio = median(ls.etcd) / median(ls.leveldb);
    if (ls.etcd.length > 0) console.log(`ls of 1,000 files: LevelDB ${median(ls.leveldb).toFixed(1)} ms, etcd ${median(ls.etcd).toFixed(1)} ms: ${lsRatio.toFixed(2)}x (target <= 2x: ${lsRatio <= 2 ? 'met' : 'MISS'})`);
    console.log(JSON.stringify({ bench: 'scale', options: o, cores: cpus().length, loadAverages: loads, commits: figures, lsMs: ls, lsRatio }));
  } finally {
    await Promise.all([etcd.stop(), s3.stop()]);
  }
}
