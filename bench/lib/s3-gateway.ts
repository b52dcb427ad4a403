// What the S3 gateway's benches share (bench/s3.ts, bench/s3-get-profile.ts):
// the built server started as a user starts it with one access key, SigV4
// for a bench's own GETs, a lean GET client, the server's CPU seconds from
// /proc, the aws cli's environment and an incompressible test file.
import { spawn } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './api-cli.ts';
import { hmac, sha256Hex, signingKey } from '../../server/s3/sigv4.ts';

export const KEY = 'BENCHKEY';
export const SECRET = 'bench-secret';
export const AWS = '/usr/bin/aws';

export interface GatewayServer {
  grpc: string;
  /** HOST:PORT of the S3 gateway. */
  s3: string;
  pid: number;
  /** Everything the server printed on stdout (with --trace-gc, its GC lines). */
  stdout(): string;
  stop(): Promise<void>;
}

/**
 * `strata server` on `dataDir` with the bench key; `nodeArgs` go to node itself
 * (--cpu-prof, --trace-gc, ...); `root` is the install to run (another build,
 * for an A/B pair on the same data).
 */
export async function startGateway(dataDir: string, nodeArgs: string[] = [], root = REPO_ROOT): Promise<GatewayServer> {
  const argv = [...nodeArgs, 'bin/strata.js', 'server', '--data', dataDir, '--grpc', '127.0.0.1:0', '--http', '127.0.0.1:0', '--s3', '127.0.0.1:0', '--s3-gateway-keys', `${KEY}:${SECRET}`, '--log-level', 'warn'];
  const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const out: string[] = [];
  child.stdout!.on('data', (d: Buffer) => void out.push(d.toString()));
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
  return {
    ...ready,
    pid: child.pid!,
    stdout: () => out.join(''),
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** The aws cli's environment: the bench key, no user config, and no CA bundle inherited from the caller's. */
export function awsEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
  delete env.AWS_CA_BUNDLE;
  return env;
}

/** Writes `bytes` of incompressible data that deduplicates nowhere (a SHA-256 chain), the same for every run. */
export async function randomFile(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  let seed = createHash('sha256').update('strata-s3-bench').digest();
  for (let done = 0; done < bytes; ) {
    const block = Buffer.alloc(Math.min(1 << 20, bytes - done));
    for (let i = 0; i < block.length; i += 32) {
      seed = createHash('sha256').update(seed).digest();
      seed.copy(block, i);
    }
    done += block.length;
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * Writes `bytes` of incompressible data that shares no chunk with another
 * seed's (AES-256-CTR of zeros keyed by the seed: fast, and the same for
 * every run), so each PUT of a round stores new chunks instead of deduplicating.
 */
export async function seededFile(path: string, bytes: number, seed: string): Promise<void> {
  const cipher = createCipheriv('aes-256-ctr', createHash('sha256').update(seed).digest(), Buffer.alloc(16));
  const zeros = Buffer.alloc(1 << 20);
  const out = createWriteStream(path);
  for (let done = 0; done < bytes; done += zeros.length) {
    if (!out.write(cipher.update(zeros.subarray(0, Math.min(zeros.length, bytes - done))))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** SigV4 headers for a GET with an unsigned payload (the query must already be in canonical order and encoding). */
export function signedGet(host: string, path: string, query: string, key = KEY, secret = SECRET): Record<string, string> {
  return signedRequest('GET', host, path, query, 'UNSIGNED-PAYLOAD', {}, key, secret);
}

/**
 * SigV4 headers for a request whose payload hash is `payloadHash` (hex, or
 * UNSIGNED-PAYLOAD), every header of `extra` signed too (lower-case names);
 * the query must already be in canonical order and encoding.
 */
export function signedRequest(method: string, host: string, path: string, query: string, payloadHash: string, extra: Record<string, string> = {}, key = KEY, secret = SECRET): Record<string, string> {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
  const all: Record<string, string> = { ...extra, host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
  const names = Object.keys(all).sort();
  const signed = names.join(';');
  const canonical = `${method}\n${path}\n${query}\n${names.map((k) => `${k}:${all[k]}\n`).join('')}\n${signed}\n${payloadHash}`;
  const signing = signingKey(secret, amzDate.slice(0, 8), 'us-east-1', 's3');
  const signature = hmac(signing, `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`).toString('hex');
  return { ...all, authorization: `AWS4-HMAC-SHA256 Credential=${key}/${scope},SignedHeaders=${signed},Signature=${signature}` };
}

/** User + system CPU seconds a process has used so far (Linux /proc; clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const { user, sys } = cpuSplit(pid);
  return user + sys;
}

/** User and system CPU seconds a process has used so far, apart. */
export function cpuSplit(pid: number): { user: number; sys: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / 100, sys: Number(fields[12]) / 100 };
}

/** One GET by a lean client: a Node http request whose body is counted and dropped; resolves to the byte count. */
export function leanGet(s3: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpGet(`http://${s3}${path}`, { headers: signedGet(s3, path, ''), agent: false }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode}`));
      let n = 0;
      res.on('data', (b: Buffer) => (n += b.length));
      res.on('end', () => resolve(n));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Every key under `prefix` by raw ListObjectsV2 pages (keys counted with a regex, not parsed: the gateway's own rate). */
export async function rawList(s3: string, bucket: string, prefix: string): Promise<number> {
  let seen = 0;
  let token: string | undefined;
  do {
    const query = `continuation-token=${encodeURIComponent(token ?? '')}&list-type=2&prefix=${encodeURIComponent(prefix)}`.replace(/^continuation-token=&/, '');
    const res = await fetch(`http://${s3}/${bucket}?${query}`, { headers: signedGet(s3, `/${bucket}`, query) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`list failed: ${text}`);
    seen += text.match(/<Key>/g)?.length ?? 0;
    token = /<NextContinuationToken>([^<]*)</.exec(text)?.[1];
  } while (token);
  return seen;
}

/** --trace-gc's lines (`[pid:addr] 123 ms: Scavenge 40.1 (42.0) -> 39.0 (43.0) MB, 1.2 / 0.0 ms ...`): count and pause time by kind. */
export function printGc(text: string): void {
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
