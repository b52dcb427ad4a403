// The ingesters compared in one run, behind one shape: Strata (through a
// child process, see strata-ingest-child.ts), restic and borg (Debian's), plus
// the physical limits of reading the same file: cat and SHA-256.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMeasured, type Measured } from './proc.ts';
import type { ChildJob, ChildResult } from './strata-ingest-child.ts';

export interface IngestRun {
  /** Strata: from opening the store to flush and close done, inside the child; others: the whole command. */
  seconds: number;
  /** The whole process, start-up included. */
  wallSeconds: number;
  maxRssKiB: number | null;
  /** User + system CPU time of the command (restic, borg), when GNU time measured it. */
  cpuSeconds?: number | null;
  /** Strata's own count of chunk bytes that were new to the store. */
  newBytes?: number;
}

export interface IngestTool {
  readonly name: 'strata' | 'restic' | 'borg';
  readonly version: string;
  /** Creates an empty repository (not timed). */
  init(repo: string): Promise<void>;
  /** Ingests `rel`, a path relative to `cwd`, into `repo` as snapshot `label`. */
  ingest(repo: string, cwd: string, rel: string, label: string): Promise<IngestRun>;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = join(REPO_ROOT, 'bench/lib/strata-ingest-child.ts');

/** Installs restic and borg through the project's script when either is missing. */
export function ensureReferenceTools(log: (msg: string) => void): void {
  const missing = ['restic', 'borg', 'sha256sum'].filter((cmd) => !onPath(cmd));
  if (missing.length === 0) return;
  log(`missing ${missing.join(', ')}: running scripts/install-system-deps.sh bench`);
  execFileSync(join(REPO_ROOT, 'scripts/install-system-deps.sh'), ['bench'], { stdio: 'inherit' });
}

function onPath(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function versionOf(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8' }).trim().split('\n')[0]!;
}

/** Runs one job in a fresh Node process (optionally CPU-profiled) and returns what it reports. */
export async function runChild(job: ChildJob, cpuProfDir?: string): Promise<ChildResult & { wallSeconds: number }> {
  const prof = cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`];
  const started = performance.now();
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', CHILD, JSON.stringify(job)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  const code = await new Promise<number | null>((res, rej) => child.on('error', rej).on('close', res));
  if (code !== 0) throw new Error(`Strata ingest child (${job.op}) exited with ${code}:\n${stderr.trim()}`);
  const last = stdout.trim().split('\n').pop() ?? '';
  return { ...(JSON.parse(last) as ChildResult), wallSeconds: (performance.now() - started) / 1000 };
}

export function strataTool(): IngestTool {
  return {
    name: 'strata',
    version: `strata@${strataVersion()}`,
    async init(repo) {
      await mkdir(repo, { recursive: true });
    },
    async ingest(repo, cwd, rel) {
      const r = await runChild({ op: 'strata', store: { kind: 'local', root: repo }, source: join(cwd, rel), concurrency: 32 });
      return { seconds: r.seconds, wallSeconds: r.wallSeconds, maxRssKiB: r.maxRssKiB, newBytes: r.newBytes ?? 0 };
    },
  };
}

/**
 * The commit measured, and a fingerprint of src/ when it differs from that
 * commit (the bench may run in a tree others change); 'unknown' outside a git
 * checkout (an unpacked tarball, a copy).
 */
function strataVersion(): string {
  const git = (...args: string[]): string => execFileSync('git', ['-C', REPO_ROOT, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const head = git('rev-parse', '--short', 'HEAD').trim();
    const status = git('status', '--porcelain', '--', 'src').trim();
    if (status === '') return head;
    const fingerprint = createHash('sha256').update(status).update(git('diff', 'HEAD', '--', 'src')).digest('hex').slice(0, 8);
    return `${head}+uncommitted src ${fingerprint}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function fromMeasured(m: Measured): IngestRun {
  return { seconds: m.seconds, wallSeconds: m.seconds, maxRssKiB: m.maxRssKiB, cpuSeconds: m.cpuSeconds };
}

export function resticTool(work: string): IngestTool {
  const env = { ...process.env, RESTIC_PASSWORD: 'strata-bench', RESTIC_CACHE_DIR: join(work, 'restic-cache') };
  return {
    name: 'restic',
    version: versionOf('restic', ['version']),
    async init(repo) {
      await runMeasured('restic', ['init', '--quiet', '--repo', repo], { env });
    },
    async ingest(repo, cwd, rel, label) {
      const args = ['backup', '--quiet', '--repo', repo, '--host', 'bench', '--tag', label, rel];
      return fromMeasured(await runMeasured('restic', args, { cwd, env, timeFile: join(work, 'time.out') }));
    },
  };
}

export function borgTool(work: string): IngestTool {
  const env = {
    ...process.env,
    BORG_BASE_DIR: join(work, 'borg-home'),
    BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
    BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes',
  };
  return {
    name: 'borg',
    version: versionOf('borg', ['--version']),
    async init(repo) {
      await runMeasured('borg', ['init', '--encryption=none', repo], { env });
    },
    async ingest(repo, cwd, rel, label) {
      return fromMeasured(await runMeasured('borg', ['create', `${repo}::${label}`, rel], { cwd, env, timeFile: join(work, 'time.out') }));
    },
  };
}

/** Peak RSS of a bare Node process, to tell the runtime's share of Strata's RSS from Strata's. */
export function plainNodeRssKiB(): number {
  return Number(execFileSync(process.execPath, ['-e', 'console.log(process.resourceUsage().maxRSS)'], { encoding: 'utf8' }).trim());
}

/**
 * The physical limits of reading and hashing `path`: cat to /dev/null,
 * coreutils sha256sum (no SHA-NI), and node:crypto's SHA-256 (OpenSSL, with
 * SHA-NI where the CPU has it) over the 1 MiB-read stream Strata is given.
 */
export async function readLimits(path: string, work: string): Promise<{ catSeconds: number; sha256sumSeconds: number; nodeSha256Seconds: number }> {
  const timeFile = join(work, 'time.out');
  const cat = await runMeasured('sh', ['-c', 'cat "$1" > /dev/null', 'sh', path], { timeFile });
  const sha256sum = await runMeasured('sha256sum', [path], { timeFile });
  const started = performance.now();
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  hash.digest();
  return { catSeconds: cat.seconds, sha256sumSeconds: sha256sum.seconds, nodeSha256Seconds: (performance.now() - started) / 1000 };
}
