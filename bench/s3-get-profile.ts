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
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, createBenchCli } from './lib/api-cli.ts';
import { summariseProfiles } from './lib/cpu-profile.ts';
import { runMeasured } from './lib/proc.ts';
import { AWS, awsEnv, cpuSeconds, leanGet, printGc, randomFile, startGateway } from './lib/s3-gateway.ts';

function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1]! : fallback;
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
    let server = await startGateway(data);
    const cli = createBenchCli(server.grpc, work);
    await cli.run(['repo', 'create', 'b']);
    await cli.run(['put', 'b@main:/big.bin', src]);
    await rm(src);
    await server.stop();
    const perf = args.includes('--perf');
    server = await startGateway(data, [...(args.includes('--trace-gc') ? ['--trace-gc'] : []), ...(perf ? ['--perf-basic-prof'] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`])]);
    // --perf: the kernel's view too (page faults, copies, TCP), with JS frames named (perf report -i DIR/perf.data).
    const recorder = perf ? spawn('perf', ['record', '-F', '499', '-g', '-p', String(server.pid), '-o', join(profDir, 'perf.data')], { stdio: 'ignore' }) : undefined;
    if (recorder) await new Promise((r) => setTimeout(r, 1000));
    const env = awsEnv();
    const out = join(work, 'out.bin');
    const cpu0 = cpuSeconds(server.pid);
    const t0 = performance.now();
    for (let i = 0; i < gets; i++) {
      if (client === 'aws') await runMeasured(AWS, ['--endpoint-url', `http://${server.s3}`, 's3', 'cp', '--only-show-errors', 's3://b/big.bin', out], { env, cwd: work });
      else if ((await leanGet(server.s3, '/b/big.bin')) !== sizeMiB << 20) throw new Error('short read');
      await rm(out, { force: true });
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(server.pid) - cpu0;
    if (recorder) {
      recorder.kill('SIGINT');
      await once(recorder, 'exit');
    }
    await server.stop();
    printGc(server.stdout());
    if (process.env.GC_LOG) writeFileSync(process.env.GC_LOG, server.stdout());
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
