// `npm run bench -- s3-put-costs [--size-mib N] [--rounds N] [--only P,...] [--b ROOT] [--prof DIR]`:
// what an upload through the S3 gateway costs the server, as CPU seconds
// (/proc) of the server and of the client, which a loaded machine distorts
// less than wall time. Every PUT sends bytes no earlier PUT sent (a fresh
// seed per PUT), so each stores new chunks as a first upload does. Patterns:
//   aws         aws cli `s3 cp FILE s3://b/k` with its defaults: multipart,
//               8 MiB parts, 10 threads, each part with Content-MD5 and its
//               signed payload SHA-256 (over plain HTTP)
//   aws-single  the same with multipart_threshold above the file: one PutObject
//   signed      one Node http PUT as aws cli's single PUT sends it
//               (Content-MD5, signed payload hash), hashes made beforehand:
//               the server's cost of that request without the aws cli's CPU
//   unsigned    one Node http PUT, UNSIGNED-PAYLOAD, no Content-MD5: the
//               gateway's floor (chunk, hash, store)
//   strata      `strata put` of the same size (the issue's reference)
//   aws-sink    the aws cli as in `aws`, into a server that keeps nothing and
//               checks nothing (bench/lib/put-sink.ts): the client's own
//               ceiling, run once per round (its server CPU is not measured)
// With --b ROOT (another checkout with its own dist/, e.g. main) a second
// server of that build runs beside, and every pattern runs against A and B in
// turn, the order flipped each round (interleaved A/B pairs).
// --prof DIR runs A under node --cpu-prof and prints its hottest functions;
// --trace-gc runs A with V8's GC trace and prints its collections per PUT.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, createBenchCli } from './lib/api-cli.ts';
import { summariseProfiles } from './lib/cpu-profile.ts';
import { startPutSink } from './lib/put-sink.ts';
import { AWS, awsEnv, cpuSplit, printGc, seededFile, signedRequest, startGateway, type GatewayServer } from './lib/s3-gateway.ts';

function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1]! : fallback;
}

/** Runs a command under GNU time; resolves to its own CPU seconds (user + sys). */
function timed(cmd: string, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%U %S', cmd, ...argv], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} ${argv.join(' ')}: exit ${code}: ${err.trim().slice(-2000)}`));
      const [u, s] = err.trim().split('\n').pop()!.split(' ').map(Number);
      resolve(u! + s!);
    });
  });
}

async function digests(file: string): Promise<{ sha256: string; md5: string }> {
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  for await (const b of createReadStream(file)) {
    sha.update(b as Buffer);
    md5.update(b as Buffer);
  }
  return { sha256: sha.digest('hex'), md5: md5.digest('base64') };
}

/** One PUT by Node http, the file streamed from disk; resolves to this process's CPU seconds for it. */
async function nodePut(s3: string, path: string, file: string, signed: boolean): Promise<number> {
  const size = (await stat(file)).size;
  const extra: Record<string, string> = { 'content-length': String(size) };
  let payload = 'UNSIGNED-PAYLOAD';
  if (signed) {
    const d = await digests(file);
    extra['content-md5'] = d.md5;
    payload = d.sha256;
  }
  const headers = signedRequest('PUT', s3, path, '', payload, extra);
  const c0 = process.cpuUsage();
  await new Promise<void>((resolve, reject) => {
    const req = request(`http://${s3}${path}`, { method: 'PUT', headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`PUT ${path}: ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    createReadStream(file, { highWaterMark: 1 << 20 }).pipe(req);
  });
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

export async function run(args: string[]): Promise<void> {
  const sizeMiB = Number(option(args, 'size-mib', '256'));
  const rounds = Number(option(args, 'rounds', '3'));
  const rootB = option(args, 'b', '');
  const only = option(args, 'only', '');
  const profDir = option(args, 'prof', '');
  const traceGc = args.includes('--trace-gc');
  const size = sizeMiB << 20;
  const work = await mkdtemp(join(tmpdir(), 'strata-bench-s3put-'));
  const servers: { name: string; server: GatewayServer; cli: ReturnType<typeof createBenchCli> }[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    for (const [name, root] of [['A', REPO_ROOT], ...(rootB ? [['B', rootB]] : [])] as [string, string][]) {
      const nodeArgs = name !== 'A' ? [] : [...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), ...(traceGc ? ['--trace-gc'] : [])];
      const server = await startGateway(join(work, name), nodeArgs, root);
      const cli = createBenchCli(server.grpc, work);
      await cli.run(['repo', 'create', 'b']);
      servers.push({ name, server, cli });
    }
    const single = join(work, 'aws-single.config');
    await writeFile(single, `[default]\ns3 =\n  multipart_threshold = ${2 * size + (64 << 20)}\n`);
    const env = awsEnv();
    const envSingle = { ...env, AWS_CONFIG_FILE: single };
    let n = 0;
    const all: [string, (s: (typeof servers)[number], file: string) => Promise<number>][] = [
      ['aws', (s, file) => timed(AWS, ['--endpoint-url', `http://${s.server.s3}`, 's3', 'cp', '--only-show-errors', file, `s3://b/aws-${n++}.bin`], env)],
      ['aws-single', (s, file) => timed(AWS, ['--endpoint-url', `http://${s.server.s3}`, 's3', 'cp', '--only-show-errors', file, `s3://b/single-${n++}.bin`], envSingle)],
      ['signed', (s, file) => nodePut(s.server.s3, `/b/signed-${n++}.bin`, file, true)],
      ['unsigned', (s, file) => nodePut(s.server.s3, `/b/unsigned-${n++}.bin`, file, false)],
      ['strata', async (s, file) => (await s.cli.run(['put', `b@main:/strata-${n++}.bin`, file])).cpuSeconds ?? NaN],
    ];
    const sink = await startPutSink();
    stops.push(() => sink.stop());
    all.push(['aws-sink', (_s, file) => timed(AWS, ['--endpoint-url', `http://${sink.address}`, 's3', 'cp', '--only-show-errors', file, `s3://b/sink-${n++}.bin`], env)]);
    const patterns = all.filter(([name]) => !only || only.split(',').includes(name));
    console.log(`A = ${REPO_ROOT}${rootB ? `, B = ${rootB}` : ''}; ${sizeMiB} MiB PUTs of fresh bytes; CPU seconds per PUT (server, client), ${rounds} rounds interleaved`);
    await mkdir(join(work, 'files'));
    const table: Record<string, { server: number[]; sys: number[]; client: number[]; wall: number[] }> = {};
    for (let r = 0; r < rounds; r++) {
      for (const [pattern, fn] of patterns) {
        const order = r % 2 === 0 ? servers : [...servers].reverse();
        for (const s of pattern === 'aws-sink' ? order.slice(0, 1) : order) {
          const file = join(work, 'files', `${pattern}-${r}-${s.name}.bin`);
          await seededFile(file, size, `${pattern}/${r}/${s.name}`);
          const before = cpuSplit(s.server.pid);
          const gcFrom = s.server.stdout().length;
          const t0 = performance.now();
          const client = await fn(s, file);
          const wall = (performance.now() - t0) / 1000;
          const after = cpuSplit(s.server.pid);
          const server = after.user + after.sys - before.user - before.sys;
          if (traceGc && s.name === 'A') {
            process.stdout.write(`  ${pattern}: `);
            printGc(s.server.stdout().slice(gcFrom));
          }
          const row = (table[pattern === 'aws-sink' ? pattern : `${s.name} ${pattern}`] ??= { server: [], sys: [], client: [], wall: [] });
          row.wall.push(wall);
          row.server.push(server);
          row.sys.push(after.sys - before.sys);
          row.client.push(client);
          await rm(file);
        }
      }
      console.log(`round ${r + 1} done, load average ${loadavg()[0]!.toFixed(2)}`);
    }
    const median = (v: number[]): number => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
    for (const [k, v] of Object.entries(table)) {
      const m = median(v.server);
      console.log(`  ${k.padEnd(16)} server ${v.server.map((x) => x.toFixed(2)).join(' ').padEnd(24)} median ${m.toFixed(2)} s (${(size / 1e6 / m).toFixed(0)} MB per CPU-s; sys ${median(v.sys).toFixed(2)})  client ${v.client.map((x) => x.toFixed(2)).join(' ')} median ${median(v.client).toFixed(2)} s  wall ${v.wall.map((x) => x.toFixed(2)).join(' ')} median ${median(v.wall).toFixed(2)} s`);
    }
    console.log(JSON.stringify({ bench: 's3-put-costs', sizeMiB, rounds, rootB, table, load: loadavg() }));
  } finally {
    for (const { server } of servers) await server.stop();
    for (const stop of stops) await stop();
    await rm(work, { recursive: true, force: true });
  }
  if (profDir) {
    for (const t of await summariseProfiles(profDir, REPO_ROOT, 30)) {
      console.log(`${t.thread}: ${t.seconds} s, ${t.busyPercent}% busy`);
      for (const h of t.top) console.log(`  ${h.selfPercent.toFixed(1).padStart(5)}%  ${h.fn}  ${h.file}`);
    }
  }
}
