// The S3 gateway under test: the real server process with one access key,
// the environment S3 clients read their credentials from, the external
// clients found on this machine (or why not), and the Strata side of each
// check: the commit history of a branch and what each commit changed.
import { spawn, spawnSync } from 'node:child_process';
import { pfsClient, serverStream, startServer, type RawClient, type TestServer } from './server.ts';

export const ACCESS_KEY = 'STRATATESTKEY';
export const SECRET = 'strata-test-secret/with+chars';

export interface S3TestServer extends TestServer {
  /** 127.0.0.1:port of the gateway. */
  s3Address: string;
  /** Environment for aws cli, boto3, rclone (AWS_CA_BUNDLE unset), s3cmd. */
  clientEnv: NodeJS.ProcessEnv;
  pfs: RawClient;
}

/** `tlsCa`: the server runs with the --tls-* flags given in `args`; its gateway (s3Url) is https and `pfs` trusts this CA. */
export async function startS3Server(opts: { args?: string[]; tlsCa?: Buffer; dataDir?: string } = {}): Promise<S3TestServer> {
  const server = await startServer({ dataDir: opts.dataDir, args: ['--s3-gateway-keys', `${ACCESS_KEY}:${SECRET}`, '--log-level', 'warn', ...(opts.args ?? [])], tls: opts.tlsCa !== undefined });
  const s3Address = server.s3Url.replace(/^https?:\/\//, '');
  const clientEnv: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
  delete clientEnv.AWS_CA_BUNDLE;
  delete clientEnv.AWS_PROFILE;
  delete clientEnv.HTTP_PROXY;
  delete clientEnv.HTTPS_PROXY;
  delete clientEnv.http_proxy;
  delete clientEnv.https_proxy;
  return { ...server, s3Address, clientEnv, pfs: pfsClient(server.grpcAddress, {}, opts.tlsCa) };
}

/** The path of `tool` when it runs (`--version` style probe), else undefined. */
export function findTool(candidates: string[], probe: string[] = ['--version']): string | undefined {
  for (const c of candidates) {
    const r = spawnSync(c, probe, { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return c;
  }
  return undefined;
}

/** In CI a missing tool fails the test (it must be installed); elsewhere the test skips with the reason. */
export function skipReason(tool: string, found: string | undefined): string | undefined {
  if (found) return undefined;
  const reason = `${tool} is not installed (scripts/install-system-deps.sh test installs it)`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`skipping: ${reason}`);
  return reason;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A tool may exit without reading its input (curl refused before it sent a body): that is
    // its answer, which the caller checks, not an uncaught EPIPE in the test run.
    child.stdin.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') reject(err);
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs and fails with its output when the exit code is not 0. */
export async function runOk(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export interface CommitView {
  id: string;
  parent: string;
  /** Paths this commit changed, vs its parent: `+/a` added, `~/a` modified, `-/a` deleted. */
  changes: string[];
}

/** The branch's history, newest first, with each commit's changes (from the server over gRPC). */
export async function history(pfs: RawClient, ref: string): Promise<CommitView[]> {
  const commits = await serverStream<{ id: string; parent: string }>(pfs, 'ListCommit', { ref });
  const out: CommitView[] = [];
  for (const c of commits) {
    const repo = ref.split('@')[0]!;
    const diffs = await serverStream<{ type: string; path: string }>(pfs, 'DiffFile', { newRef: `${repo}@${c.id}` });
    const sign = (t: string): string => (/add/i.test(t) ? '+' : /del/i.test(t) ? '-' : '~');
    out.push({ id: c.id, parent: c.parent, changes: diffs.map((d) => `${sign(String(d.type))}${d.path}`) });
  }
  return out;
}
