// `npm run bench -- s3-get-profile [--size-mib N] [--client aws|node] [--gets N] [--out DIR]`:
// where the S3 gateway's GET path spends its CPU. Writes one object with
// `strata put` on a server started plainly, then restarts that server on
// the same data under `node --cpu-prof` and GETs the object N times (aws cli
// `s3 cp`, which reads 8 MiB ranges over 10 connections, or one Node http
// request per GET), then prints the server's CPU seconds per GET and the
// hottest functions of its main thread. Profiling slows the server: the
// figures here are for finding costs, not for docs/benchmarks.md's rates.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT, createBenchCli } from './lib/api-cli.ts';
import { summariseProfiles } from './lib/cpu-profile.ts';
import { runMeasured } from './lib/proc.ts';
import { randomFile, signedGet } from './s3.ts';

const KEY = 'BENCHKEY';
const SECRET = 'bench-secret';

function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1]! : fallback;
}

async function startServer(dataDir: string, nodeArgs: string[]): Promise<{ grpc: string; s3: string; pid: number; stop(): Promise<void> }> {
  const argv = [...nodeArgs, 'bin/strata.js', 'server', '--data', dataDir, '--grpc', '127.0.0.1:0', '--http', '127.0.0.1:0', '--s3', '127.0.0.1:0', '--s3-gateway-keys', `${KEY}:${SECRET}`, '--log-level', 'warn'];
  const child = spawn(process.execPath, argv, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const gcLog: string[] = [];
  child.stdout!.on('data', (d: Buffer) => void gcLog.push(d.toString()));
  const ready = await new Promise<{ grpc: string; s3: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited ${code} before ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const rec = JSON.parse(line) as Record<string, string>;
        if (rec.msg === 'strata server ready') resolve({ grpc: rec.grpc!, s3: rec.s3! });
      } catch {
        // not a log line
      }
    });
  });
  return { ...ready, pid: child.pid!, stop: async () => { child.kill('SIGTERM'); await once(child, 'exit'); printGc(gcLog.join('')); if (process.env.GC_LOG) writeFileSync(process.env.GC_LOG, gcLog.join('')); } };
}

/** --trace-gc's lines (`[pid:addr] 123 ms: Scavenge 40.1 (42.0) -> 39.0 (43.0) MB, 1.2 / 0.0 ms ...`): count and pause time by kind. */
function printGc(text: string): void {
  const byKind: Record<string, { n: number; ms: number }> = {};
  for (const m of text.matchAll(/ms: (Scavenge|Mark-Compact|Mark-sweep|Mark-Compact \(reduce\)|Minor Mark-Compact)[^,]*, ([\d.]+) \/ [\d.]+ ms(.*)/g)) {
    const kind = m[1]!;
    const k = (byKind[kind] ??= { n: 0, ms: 0 });
    k.n++;
    k.ms += Number(m[2]);
  }
  const reasons: Record<string, number> = {};
  for (const m of text.matchAll(/Mark-Compact[^\n]*?ms: ([^\n]*)/g)) reasons[m[1]!.replace(/[\d.]+/g, '#').slice(0, 60)] = (reasons[m[1]!.replace(/[\d.]+/g, '#').slice(0, 60)] ?? 0) + 1;
  if (Object.keys(byKind).length) console.log('gc', JSON.stringify(byKind), JSON.stringify(reasons));
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function nodeGet(url: string, host: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { headers: signedGet(host, path, '', KEY, SECRET), agent: false }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode}`));
      let n = 0;
      res.on('data', (b: Buffer) => (n += b.length));
      res.on('end', () => resolve(n));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

export async function run(args: string[]): Promise<void> {
  const sizeMiB = Number(option(args, 'size-mib', '256'));
  const client = option(args, 'client', 'aws');
  const gets = Number(option(args, 'gets', '2'));
  const work = await mkdtemp(join(tmpdir(), 'strata-bench-s3prof-'));
  const profDir = option(args, 'out', join(work, 'prof'));
  await mkdir(profDir, { recursive: true });
  const data = join(work, 'data');
  try {
    const src = join(work, 'big.bin');
    await randomFile(src, sizeMiB << 20);
    let server = await startServer(data, []);
    const cli = createBenchCli(server.grpc, work);
    await cli.run(['repo', 'create', 'b']);
    await cli.run(['put', 'b@main:/big.bin', src]);
    await rm(src);
    await server.stop();
    const perf = args.includes('--perf');
    server = await startServer(data, [...(args.includes('--trace-gc') ? ['--trace-gc'] : []), ...(perf ? ['--perf-basic-prof'] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`])]);
    // --perf: the kernel's view too (page faults, copies, TCP), with JS frames named (perf report -i DIR/perf.data).
    const recorder = perf ? spawn('perf', ['record', '-F', '499', '-g', '-p', String(server.pid), '-o', join(profDir, 'perf.data')], { stdio: 'ignore' }) : undefined;
    if (recorder) await new Promise((r) => setTimeout(r, 1000));
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    delete env.AWS_CA_BUNDLE;
    const out = join(work, 'out.bin');
    const cpu0 = cpuSeconds(server.pid);
    const t0 = performance.now();
    for (let i = 0; i < gets; i++) {
      if (client === 'aws') await runMeasured('/usr/bin/aws', ['--endpoint-url', `http://${server.s3}`, 's3', 'cp', '--only-show-errors', 's3://b/big.bin', out], { env, cwd: work });
      else if ((await nodeGet(`http://${server.s3}/b/big.bin`, server.s3, '/b/big.bin')) !== sizeMiB << 20) throw new Error('short read');
      await rm(out, { force: true });
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(server.pid) - cpu0;
    if (recorder) {
      recorder.kill('SIGINT');
      await once(recorder, 'exit');
    }
    await server.stop();
    const mb = (gets * (sizeMiB << 20)) / 1e6;
    console.log(`${gets} GETs of ${sizeMiB} MiB by ${client}: ${(mb / seconds).toFixed(0)} MB/s wall (profiled), server ${cpu.toFixed(2)} CPU-s, ${(mb / cpu).toFixed(0)} MB per server CPU-second; load average ${loadavg()[0]!.toFixed(2)}`);
    if (perf) console.log(`perf report -i ${join(profDir, 'perf.data')} --no-children --sort symbol`);
    for (const t of perf ? [] : await summariseProfiles(profDir, REPO_ROOT, 25)) {
      console.log(`${t.thread}: ${t.seconds} s, ${t.busyPercent}% busy`);
      for (const h of t.top) console.log(`  ${h.selfPercent.toFixed(1).padStart(5)}%  ${h.fn}  ${h.file}`);
    }
    console.log(`profiles in ${profDir}`);
  } finally {
    await rm(data, { recursive: true, force: true });
  }
}
