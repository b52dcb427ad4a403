// `npm run bench -- s3-get-costs [--size-mib N] [--rounds N] [--tiny N] [--b ROOT] [--aws]`:
// the S3 gateway's CPU per GET, taken apart by the shape of the requests, as
// server CPU seconds (/proc) that a loaded machine distorts less than wall time:
//   whole    one GET of the object (a lean Node client)
//   ranged   the object in 8 MiB ranges over 10 keep-alive connections, as
//            aws cli `s3 cp` reads it, by the same lean client (so the
//            server's cost of the aws cli's request pattern, without its CPU)
//   ranged-1conn  the same ranges one at a time (ranged minus the concurrency)
//   tiny     --tiny GETs of one byte each, one connection: the fixed cost
//            of a request (routing, SigV4, the file lookup, the first read)
//   pinned   the same GETs through the commit-pinned bucket (COMMIT.b): no
//            branch record is read, so tiny minus pinned bounds what a cache
//            of branch heads could save per request
//   aws      (--aws) aws cli `s3 cp s3://b/big.bin -` into a pipe that drops
//            the bytes; its own CPU is printed beside the server's
//   aws-file (--aws-file) the same command into a file, as bench/s3.ts runs it
//            (the file is removed after each run)
// With --static, the aws patterns also run against a trivial in-memory server
// (bench/lib/static-object.ts) holding the same bytes, in the same rounds: the
// aws cli's own ceiling, and its CPU when the server costs nothing. The static
// server runs in this process, so its "server CPU" is this process's.
// With --b ROOT (another checkout with its own dist/, e.g. main) a second
// server of that build serves a copy of the same data, and every pattern runs
// against A and B in turn, round after round (interleaved A/B pairs).
// --only whole,tiny runs some patterns; --prof DIR runs A under node --cpu-prof;
// --perf FILE records A with perf (perf report -i FILE --no-children --sort symbol).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { Agent, get as httpGet } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, createBenchCli } from './lib/api-cli.ts';
import { startStaticObject } from './lib/static-object.ts';
import { AWS, awsEnv, cpuSeconds, randomFile, signedGet, signedRequest, startGateway, type GatewayServer } from './lib/s3-gateway.ts';

function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1]! : fallback;
}

/** A ranged GET whose body is counted and dropped; resolves to the byte count. */
function rangeGet(s3: string, path: string, agent: Agent, range?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { ...signedGet(s3, path, ''), ...(range ? { range } : {}) };
    const req = httpGet(`http://${s3}${path}`, { headers, agent }, (res) => {
      if (res.statusCode !== 200 && res.statusCode !== 206) reject(new Error(`GET ${path}: ${res.statusCode}`));
      let n = 0;
      res.on('data', (b: Buffer) => (n += b.length));
      res.on('end', () => resolve(n));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** The object in `part`-byte ranges, `connections` at a time, as aws cli's s3 cp reads it. */
async function rangedGet(s3: string, path: string, size: number, part: number, connections: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  let next = 0;
  let total = 0;
  const worker = async (): Promise<void> => {
    while (next < size) {
      const start = next;
      next += part;
      total += await rangeGet(s3, path, agent, `bytes=${start}-${Math.min(start + part, size) - 1}`);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
  return total;
}

/** The commit a HEAD of `path` names (x-amz-version-id). */
function versionOf(s3: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpGet(`http://${s3}${path}`, { method: 'HEAD', headers: signedRequest('HEAD', s3, path, '', 'UNSIGNED-PAYLOAD') }, (res) => {
      res.resume();
      const v = res.headers['x-amz-version-id'];
      if (res.statusCode !== 200 || typeof v !== 'string') reject(new Error(`HEAD ${path}: ${res.statusCode}`));
      else resolve(v);
    });
    req.on('error', reject);
  });
}

async function tinyGets(s3: string, path: string, size: number, n: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < n; i++) {
    const at = Math.floor((i * size) / n);
    if ((await rangeGet(s3, path, agent, `bytes=${at}-${at}`)) !== 1) throw new Error('tiny GET: not one byte');
  }
  agent.destroy();
}

/**
 * aws cli s3 cp to stdout (bytes counted and dropped) or, with `file`, into that
 * file (removed afterwards); resolves to its own CPU seconds (user + sys of the
 * child, from its rusage) and how much of that was system time.
 */
async function awsGet(s3: string, size: number, file?: string): Promise<{ cpu: number; sys: number; seconds: number }> {
  const t0 = performance.now();
  const { u, s } = await new Promise<{ u: number; s: number }>((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%U %S', AWS, '--endpoint-url', `http://${s3}`, 's3', 'cp', '--only-show-errors', 's3://b/big.bin', file ?? '-'], { env: awsEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let n = 0;
    let err = '';
    child.stdout.on('data', (b: Buffer) => (n += b.length));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || (!file && n !== size)) return reject(new Error(`aws cp: exit ${code}, ${n} bytes: ${err.trim()}`));
      const [u, s] = err.trim().split('\n').pop()!.split(' ').map(Number);
      resolve({ u: u!, s: s! });
    });
  });
  const seconds = (performance.now() - t0) / 1000;
  if (file) {
    const got = (await stat(file)).size;
    await rm(file);
    if (got !== size) throw new Error(`aws cp to a file wrote ${got} bytes, expected ${size}`);
  }
  return { cpu: u + s, sys: s, seconds };
}

export async function run(args: string[]): Promise<void> {
  const sizeMiB = Number(option(args, 'size-mib', '256'));
  const rounds = Number(option(args, 'rounds', '3'));
  const tiny = Number(option(args, 'tiny', '200'));
  const rootB = option(args, 'b', '');
  const withAws = args.includes('--aws');
  const withAwsFile = args.includes('--aws-file');
  const withStatic = args.includes('--static');
  const only = option(args, 'only', '');
  const profDir = option(args, 'prof', '');
  const perfFile = option(args, 'perf', '');
  const size = sizeMiB << 20;
  const work = await mkdtemp(join(tmpdir(), 'strata-bench-s3costs-'));
  const servers: { name: string; server: GatewayServer }[] = [];
  let staticServer: Awaited<ReturnType<typeof startStaticObject>> | undefined;
  try {
    const src = join(work, 'big.bin');
    await randomFile(src, size);
    const first = await startGateway(join(work, 'a'));
    const cli = createBenchCli(first.grpc, work);
    await cli.run(['repo', 'create', 'b']);
    await cli.run(['put', 'b@main:/big.bin', src]);
    if (withStatic) staticServer = await startStaticObject('/b/big.bin', await readFile(src));
    await rm(src);
    await first.stop();
    if (rootB) await cp(join(work, 'a'), join(work, 'b'), { recursive: true });
    servers.push({ name: 'A', server: await startGateway(join(work, 'a'), profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : perfFile ? ['--perf-basic-prof'] : []) });
    if (rootB) servers.push({ name: 'B', server: await startGateway(join(work, 'b'), [], rootB) });
    const commit = await versionOf(servers[0]!.server.s3, '/b/big.bin');
    console.log(`A = ${REPO_ROOT}${rootB ? `, B = ${rootB}` : ''}; ${sizeMiB} MiB object; server CPU seconds per pattern, ${rounds} rounds interleaved`);
    type Pattern = [string, (s3: string) => Promise<{ cpu: number; sys: number; seconds: number } | void>];
    const all: Pattern[] = [
      ['whole', async (s3) => void (await rangedGet(s3, '/b/big.bin', size, size, 1))],
      ['ranged', async (s3) => void (await rangedGet(s3, '/b/big.bin', size, 8 << 20, 10))],
      ['ranged-1conn', async (s3) => void (await rangedGet(s3, '/b/big.bin', size, 8 << 20, 1))],
      [`tiny x${tiny}`, (s3) => tinyGets(s3, '/b/big.bin', size, tiny)],
      [`pinned x${tiny}`, (s3) => tinyGets(s3, `/${commit}.b/big.bin`, size, tiny)],
      ...(withAws ? [['aws', (s3: string) => awsGet(s3, size)] as Pattern] : []),
      ...(withAwsFile ? [['aws-file', (s3: string) => awsGet(s3, size, join(work, 'out.bin'))] as Pattern] : []),
    ];
    const patterns = all.filter(([name]) => !only || only.split(',').some((o) => name.startsWith(o)));
    // Warm the page cache and each server's lookups once.
    if (!only) for (const { server } of servers) await rangedGet(server.s3, '/b/big.bin', size, size, 1);
    // --perf FILE: perf record of A (kernel and V8 threads too; JS frames named with --perf-basic-prof).
    const recorder = perfFile ? spawn('perf', ['record', '-F', '999', '-g', '-p', String(servers[0]!.server.pid), '-o', perfFile], { stdio: 'ignore' }) : undefined;
    if (recorder) await new Promise((r) => setTimeout(r, 1000));
    const table: Record<string, number[]> = {};
    // The static server: the aws patterns only, its CPU is this process's (which also counts the piped bytes).
    const ownCpu = (): number => {
      const c = process.cpuUsage();
      return (c.user + c.system) / 1e6;
    };
    const targets = [...servers.map(({ name, server }) => ({ name, s3: server.s3, cpu: () => cpuSeconds(server.pid) })), ...(staticServer ? [{ name: 'static', s3: staticServer.address, cpu: ownCpu }] : [])];
    for (let r = 0; r < rounds; r++) {
      for (const [pattern, fn] of patterns) {
        for (const { name, s3, cpu } of r % 2 === 0 ? targets : [...targets].reverse()) {
          if (name === 'static' && !pattern.startsWith('aws')) continue;
          const before = cpu();
          const client = await fn(s3);
          (table[`${name} ${pattern}`] ??= []).push(cpu() - before);
          if (client) {
            (table[`${name} ${pattern} (client)`] ??= []).push(client.cpu);
            (table[`${name} ${pattern} (client sys)`] ??= []).push(client.sys);
            (table[`${name} ${pattern} (MB/s)`] ??= []).push(size / 1e6 / client.seconds);
          }
        }
      }
      console.log(`round ${r + 1} done, load average ${loadavg()[0]!.toFixed(2)}`);
    }
    if (recorder) {
      recorder.kill('SIGINT');
      await once(recorder, 'exit');
    }
    for (const [k, v] of Object.entries(table)) {
      const sorted = [...v].sort((x, y) => x - y);
      const median = sorted[Math.floor(sorted.length / 2)]!;
      const perGiB = k.includes('MB/s') ? 'wall (the load sets it)' : k.includes('tiny') || k.includes('pinned') ? `${((median / tiny) * 1000).toFixed(2)} ms per request` : `${(size / 1e6 / median).toFixed(0)} MB per CPU-s`;
      const unit = k.includes('MB/s') ? '' : ' s';
      console.log(`  ${k.padEnd(32)} ${v.map((x) => x.toFixed(k.includes('MB/s') ? 0 : 2)).join(' ').padEnd(36)} median ${median.toFixed(2)}${unit}  ${perGiB}`);
    }
    const rss: Record<string, number> = {};
    for (const { name, server } of servers) {
      const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
      rss[name] = Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024);
      const now = Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024);
      console.log(`  server ${name}: peak RSS ${rss[name]} MiB, now ${now} MiB`);
    }
    console.log(JSON.stringify({ bench: 's3-get-costs', peakRssMiB: rss, sizeMiB, rounds, tiny, rootB, table, load: loadavg() }));
  } finally {
    for (const { server } of servers) await server.stop();
    await staticServer?.stop();
    await rm(work, { recursive: true, force: true });
  }
}
